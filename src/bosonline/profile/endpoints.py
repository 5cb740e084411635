"""HTTP routes of /profile (seed group Profile, except warehouses)."""

from __future__ import annotations

from typing import Annotated

from bosonline.auth.errors import AuthError
from bosonline.auth.schemas import MessageOut
from bosonline.deps import ClientDep, CurrentUser, account_service
from bosonline.errors import error_responses
from bosonline.kit.schemas import Envelope
from bosonline.profile.errors import ProfileError
from bosonline.profile.schemas import DeleteProfileIn, MeOut, ProfileUpdateIn, ProfileUpdateOut
from bosonline.profile.service import ProfileService
from bosonline.routing import api_router

router = api_router(prefix="/profile", tags=["Profile"])


Service = Annotated[ProfileService, account_service(ProfileService)]


@router.get("/me", summary="Me")
async def me(principal: CurrentUser, service: Service) -> Envelope[MeOut]:
    """The caller's account and every store they belong to, with their role and status there."""
    return Envelope(data=await service.me(principal.user))


@router.put(
    "",
    summary="Profile: edit my account",
    responses=error_responses(ProfileError.wrong_password, AuthError.email_taken),
)
async def update_profile(
    body: ProfileUpdateIn, principal: CurrentUser, service: Service, client: ClientDep
) -> Envelope[ProfileUpdateOut]:
    """Changes name and phone freely; email and password need `current_password` (wrong → 403
    `wrong_password`). A new password ends every session and returns a fresh token pair."""
    return Envelope(data=await service.update(principal.user, body, client))


@router.delete(
    "",
    summary="Data Deletion",
    responses=error_responses(
        ProfileError.wrong_password, ProfileError.owner_has_active_stores, ProfileError.owner_has_open_orders
    ),
)
async def delete_profile(body: DeleteProfileIn, principal: CurrentUser, service: Service) -> Envelope[MessageOut]:
    """Erases the caller's personal data and ends every session. 409 `owner_has_active_stores` while the caller
    owns a store that still has other staff, 409 `owner_has_open_orders` while an owned store has orders
    buyers still wait on (pending → shipped); stores owned alone are closed and their subdomains freed."""
    await service.delete(principal.user, body.password)
    return Envelope(data=MessageOut(message="Your account and personal data have been erased"))
