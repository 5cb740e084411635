"""Wire shapes of /admin: stores with their owners and figures, suspension, the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from bosonline.kit.fields import MULTI_LINE
from bosonline.kit.phone import ShownPhoneOrNone
from bosonline.kit.schemas import RowOut, StrictBody

StoreStatus = Literal["active", "suspended", "closed"]
AuditAction = Literal[
    "store.suspend",
    "store.reactivate",
    "announcement.create",
    "announcement.update",
    "announcement.delete",
]
AuditTarget = Literal["store", "announcement"]


class OwnerOut(RowOut):
    id: int
    name: str
    email: str | None = Field(description="Null once the account was erased (Data Deletion).")
    phone: ShownPhoneOrNone


class FiguresOut(RowOut):
    orders: int = Field(description="Orders ever placed in the store (every status).")
    gmv: int = Field(description="Total of its orders not canceled, whole rupiah.")
    paid_gmv: int = Field(description="Total of its paid or settled orders, whole rupiah.")


class AdminStoreOut(RowOut):
    id: int
    name: str
    subdomain: str | None
    status: StoreStatus
    timezone: str
    created_at: datetime
    suspended_at: datetime | None
    suspended_reason: str | None
    owner: OwnerOut
    figures: FiguresOut


class SuspendIn(StrictBody):
    reason: Annotated[str, StringConstraints(min_length=3, max_length=500), MULTI_LINE] = Field(
        description="Why the store is suspended (3–500 characters): kept on the store and in the audit log."
    )


class AuditOut(RowOut):
    id: int
    at: datetime
    admin_id: int
    admin_email: str | None
    action: AuditAction
    target_type: AuditTarget
    target_id: int
    reason: str | None
    before: dict[str, Any] | None = Field(description="The record's relevant fields before (null: it was created).")
    after: dict[str, Any] | None = Field(description="The record's relevant fields after (null: it was deleted).")
