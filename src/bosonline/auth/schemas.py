"""Wire shapes of /auth."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from bosonline.kit.fields import AnyPassword, Email, OpaqueToken, Password, PersonName
from bosonline.kit.phone import MobilePhone, ShownPhoneOrNone, e164_of
from bosonline.kit.schemas import RowOut, StrictBody


class RegisterIn(StrictBody):
    name: PersonName
    email: Email
    phone: MobilePhone = Field(description="Indonesian mobile: 08…, 628… or +62 8…; stored as 628….")
    password: Password


class LoginIn(StrictBody):
    email: Email
    password: AnyPassword


class RefreshIn(StrictBody):
    refresh_token: OpaqueToken


class ForgotPasswordIn(StrictBody):
    email: Email


class ResetPasswordIn(StrictBody):
    token: OpaqueToken
    password: Password


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")


class UserOut(RowOut):
    id: int
    name: str
    email: str | None
    phone: ShownPhoneOrNone
    phone_e164: str | None = e164_of("phone")
    is_platform_admin: bool
    created_at: datetime


class SessionOut(TokenPair):
    """What Register and Login answer: the token pair at the top of `data` (as Refresh answers it), and the account."""

    user: UserOut


class RegisterOut(SessionOut):
    tokens: TokenPair = Field(
        deprecated=True,
        description="Deprecated: the same pair as the top-level fields, kept for clients written before Register "
        "answered like Login.",
    )


class MessageOut(BaseModel):
    message: str
