"""HTTP routes of /auth (seed group auth)."""

from __future__ import annotations

from typing import Annotated

from fastapi import status

from bosonline.auth.errors import AuthError
from bosonline.auth.schemas import (
    ForgotPasswordIn,
    LoginIn,
    MessageOut,
    RefreshIn,
    RegisterIn,
    RegisterOut,
    ResetPasswordIn,
    SessionOut,
    TokenPair,
    UserOut,
)
from bosonline.auth.service import AuthService
from bosonline.deps import ClientDep, CurrentUser, account_service
from bosonline.errors import CommonError, error_responses
from bosonline.kit.schemas import Envelope
from bosonline.routing import api_router

router = api_router(prefix="/auth", tags=["auth"])


Service = Annotated[AuthService, account_service(AuthService)]


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    summary="Register",
    responses=error_responses(AuthError.email_taken),
)
async def register(body: RegisterIn, service: Service, client: ClientDep) -> Envelope[RegisterOut]:
    """Creates an account and logs it in; answers as Login does (`tokens` repeats the pair, deprecated).
    Duplicate email → 409 `email_taken`."""
    user, tokens = await service.register(
        name=body.name, email=body.email, phone=body.phone, password=body.password, client=client
    )
    return Envelope(data=RegisterOut(**tokens.model_dump(), user=UserOut.model_validate(user), tokens=tokens))


@router.post(
    "/login",
    summary="Login",
    responses=error_responses(AuthError.invalid_credentials, CommonError.too_many_requests),
)
async def login(body: LoginIn, service: Service, client: ClientDep) -> Envelope[SessionOut]:
    """The token pair and the account. Wrong email or password → 401 `invalid_credentials` (never says which).
    More than the allowed failures for one email within the window → 429 with `Retry-After`, and the password is
    not checked: by default 5 in 15 minutes from one client (an IPv6 client is its /64), 20 from all addresses
    together; a client that logged in to the account in the last 90 days is held to its own limit only, so
    strangers cannot lock the owner out."""
    user, tokens = await service.login(email=body.email, password=body.password, client=client)
    return Envelope(data=SessionOut(**tokens.model_dump(), user=UserOut.model_validate(user)))


@router.post(
    "/refresh",
    summary="Refresh Token",
    responses=error_responses(AuthError.invalid_refresh_token, AuthError.refresh_token_reused),
)
async def refresh(body: RefreshIn, service: Service, client: ClientDep) -> Envelope[TokenPair]:
    """Exchanges a refresh token for a new pair. Each refresh token works once: presented again within a few
    seconds of its use (default 10, two tabs refreshing at once) it answers the same new refresh token; presented
    later, it ends that whole login (every token of it) and answers 401 `refresh_token_reused`."""
    return Envelope(data=await service.refresh(refresh_token=body.refresh_token, client=client))


@router.post("/logout", summary="Logout")
async def logout(principal: CurrentUser, service: Service) -> Envelope[MessageOut]:
    """Ends the session of the access token used: its refresh tokens and access tokens stop working."""
    await service.logout(session_id=principal.session_id)
    return Envelope(data=MessageOut(message="Logged out"))


@router.post(
    "/password/forgot",
    status_code=status.HTTP_202_ACCEPTED,
    summary="Forgot password",
    responses=error_responses(CommonError.too_many_requests),
)
async def forgot_password(body: ForgotPasswordIn, service: Service, client: ClientDep) -> Envelope[MessageOut]:
    """E-mails a link to the reset page (`/reset-password`) with a single-use token, valid 60 minutes by default,
    at most 5 per account and hour; more than `BOSONLINE_FORGOT_PASSWORD_PER_HOUR` requests (default 20) from one
    client address (an IPv6 /64) in an hour → 429 with `Retry-After`. Answers the same, in the same time, whether or not the address has an
    account: the e-mail is sent after the response."""
    await service.forgot_password(email=body.email, client=client)
    return Envelope(data=MessageOut(message="If this address has an account, a reset link is on its way"))


@router.post("/password/reset", summary="Reset Password", responses=error_responses(AuthError.invalid_reset_token))
async def reset_password(body: ResetPasswordIn, service: Service) -> Envelope[MessageOut]:
    """Sets a new password with a reset token and ends every session of the account."""
    await service.reset_password(token=body.token, password=body.password)
    return Envelope(data=MessageOut(message="Password changed; log in with the new password"))
