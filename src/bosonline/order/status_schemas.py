"""Wire shapes of the status changes: one order (`PATCH /store/order/{id}/status`) and many at once
(`PATCH /store/order/status`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, Field, StringConstraints, field_validator

from bosonline.kit.fields import MULTI_LINE, RecordId, id_batch
from bosonline.kit.schemas import StrictBody
from bosonline.order.state import OrderStatus

MAX_BULK = 500
NOTE_MAX = 500

Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=NOTE_MAX), MULTI_LINE]


def _blank_is_none(value: str | None) -> str | None:
    return value or None


class StatusChangeIn(StrictBody):
    status: OrderStatus = Field(
        description="The new status: one of the allowed next statuses of the order's current one."
    )
    note: Note | None = Field(None, description=f"Why (≤ {NOTE_MAX} characters), kept in the order's timeline.")

    _note = field_validator("note")(_blank_is_none)


class BulkStatusChangeIn(StatusChangeIn):
    ids: list[RecordId] = id_batch(MAX_BULK, "order")

    @field_validator("ids")
    @classmethod
    def _unique(cls, ids: list[int]) -> list[int]:
        seen: set[int] = set()
        repeated: list[int] = []
        for i in ids:
            if i in seen:
                repeated.append(i)
            seen.add(i)
        if repeated:
            listed = ", ".join(str(i) for i in dict.fromkeys(repeated))
            raise ValueError(f"each id once; repeated: {listed}")
        return ids


class BulkStatusError(BaseModel):
    code: str = Field(examples=["invalid_transition"])
    message: str


class BulkStatusResult(BaseModel):
    id: int
    ok: bool
    from_status: str | None = Field(None, description="The status before the change (changed orders only).")
    status: str | None = Field(
        None,
        description="The order's status now: the new one when changed, the unchanged one when refused "
        "(null when the order was not found).",
    )
    error: BulkStatusError | None = Field(
        None,
        description="Why this order was not changed: not_found, invalid_transition, reservation_mismatch.",
    )


class BulkStatusOut(BaseModel):
    results: list[BulkStatusResult] = Field(description="One per requested id, in the request's order.")
    changed: int
    failed: int
