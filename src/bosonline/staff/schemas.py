"""Wire shapes of /store/staff."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from bosonline.kit.fields import Email, Password, PersonName
from bosonline.kit.phone import MobilePhone, ShownPhoneOrNone, e164_of
from bosonline.kit.schemas import PatchBody, RowOut, StrictBody, from_row
from bosonline.models import StoreMember

StaffRole = Literal["admin", "cs"]
StaffStatus = Literal["active", "inactive"]


class StaffCreateIn(StrictBody):
    name: PersonName
    phone: MobilePhone
    email: Email
    password: Password | None = Field(
        None,
        description="Required when no account has this email yet. When one exists, that account is attached "
        "to the store instead and its password is left alone.",
    )
    role: StaffRole


class StaffUpdateIn(PatchBody):
    """Only the fields sent change."""

    name: PersonName | None = None
    phone: MobilePhone | None = None
    role: StaffRole | None = None


class StaffStatusIn(StrictBody):
    status: StaffStatus


class StaffOut(RowOut):
    id: int = Field(description="Staff id in this store.")
    user_id: int
    name: str
    email: str | None
    phone: ShownPhoneOrNone
    phone_e164: str | None = e164_of("phone")
    role: str
    status: str
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, member: StoreMember, email: str | None) -> StaffOut:
        return from_row(cls, member, email=email)
