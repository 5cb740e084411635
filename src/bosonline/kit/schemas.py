"""Wire envelopes shared by every domain: {"data": …} and {"data": [...], "meta": {...}}."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


class Envelope(BaseModel, Generic[T]):
    data: T


class ListMeta(BaseModel):
    next_cursor: str | None = Field(None, description="Pass as `?cursor=` for the next page; null on the last.")
    total: int | None = Field(None, description="Number of matching records, where cheap to count.")


class ListEnvelope(BaseModel, Generic[T]):
    data: list[T]
    meta: ListMeta


class StrictBody(BaseModel):
    """Base of request bodies: unknown keys are refused, strings trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DeletedOut(BaseModel):
    id: int
    deleted: bool = True


def from_row(model: type[M], row: object, **given: Any) -> M:
    """`model` read from an ORM row (or any object): each field from `given` when named there, else from the row's
    attribute of that name, else the field's default; validated as the keyword constructor would."""
    values = {name: getattr(row, name) for name in model.model_fields if name not in given and hasattr(row, name)}
    return model.model_validate(values | given)
