"""Wire envelopes shared by every domain: {"data": …} and {"data": [...], "meta": {...}}; and `from_row`, which reads a
wire shape from a row."""

from __future__ import annotations

from typing import Generic, TypeVar

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


def from_row(model: type[M], row: object, /, **computed: object) -> M:
    """`model` with each field read from the row's attribute of the same name, but those given in `computed` (the
    fields that are not a column as it is: formatted, renamed, nested, or worked out)."""
    return model.model_validate(
        {name: computed[name] if name in computed else getattr(row, name) for name in model.model_fields}
    )
