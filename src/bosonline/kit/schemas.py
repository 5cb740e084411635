"""Wire envelopes shared by every domain: {"data": …} and {"data": [...], "meta": {...}}."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


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
