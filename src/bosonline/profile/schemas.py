"""Wire shapes of /profile."""

from __future__ import annotations

from pydantic import BaseModel, Field, model_validator

from bosonline.auth.schemas import TokenPair, UserOut
from bosonline.kit.fields import AnyPassword, Email, Password, PersonName
from bosonline.kit.phone import MobilePhone
from bosonline.kit.schemas import RowOut, StrictBody


class ProfileUpdateIn(StrictBody):
    """Only the fields sent change. Changing `email` or `password` needs `current_password`."""

    name: PersonName | None = None
    phone: MobilePhone | None = None
    email: Email | None = None
    password: Password | None = Field(None, description="The new password.")
    current_password: AnyPassword | None = None

    @model_validator(mode="after")
    def _rules(self) -> ProfileUpdateIn:
        changed = self.model_fields_set - {"current_password"}
        if not changed:
            raise ValueError("send at least one field to change")
        for key in changed:
            if getattr(self, key) is None:
                raise ValueError(f"{key} must not be null; leave it out to keep it")
        return self


class DeleteProfileIn(StrictBody):
    password: AnyPassword


class MembershipOut(RowOut):
    """A store the caller belongs to: its membership row, with the store's name and subdomain."""

    store_id: int
    store_name: str
    subdomain: str | None
    member_id: int
    role: str
    status: str


class MeOut(BaseModel):
    user: UserOut
    stores: list[MembershipOut]


class ProfileUpdateOut(BaseModel):
    user: UserOut
    tokens: TokenPair | None = Field(
        None, description="Present when the password changed: every other session was ended, use these."
    )
