"""Wire envelopes shared by every domain: {"data": …} and {"data": [...], "meta": {...}}."""

from __future__ import annotations

from typing import Any, Generic, TypeAlias, TypeVar

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


class ErrorDetail(BaseModel):
    code: str = Field(examples=["not_found"])
    message: str = Field(examples=["Record not found"])
    fields: dict[str, str] | None = Field(None, description="Offending fields and why (422 only).")


class ErrorEnvelope(BaseModel):
    error: ErrorDetail


Responses: TypeAlias = dict[int | str, dict[str, Any]]
"""A route's `responses=`, e.g. `{409: {"model": ErrorEnvelope, "description": "…"}}`."""


class StrictBody(BaseModel):
    """Base of request bodies: unknown keys are refused, strings trimmed."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class DeletedOut(BaseModel):
    id: int
    deleted: bool = True
