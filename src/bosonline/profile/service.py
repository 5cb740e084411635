"""Rules of the caller's own account."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.auth.repository import AuthRepository
from bosonline.auth.schemas import TokenPair, UserOut
from bosonline.auth.service import AuthService
from bosonline.errors import Conflict, Forbidden, ValidationFailed, conflict_for
from bosonline.kit.schemas import from_row
from bosonline.models import User
from bosonline.models.user import EMAIL_UNIQUE
from bosonline.principals import Client, PrincipalRepository
from bosonline.profile.errors import ProfileError
from bosonline.profile.schemas import MembershipOut, MeOut, ProfileUpdateIn, ProfileUpdateOut
from bosonline.runtime import Runtime
from bosonline.store.domain_hosts import forget_after_commit
from bosonline.store.domain_repository import release_domains
from bosonline.store.repository import StoreRepository
from bosonline.warehouse.service import WarehouseService

ERASED_NAME = "Deleted user"
MAX_LISTED_STORES = 100


class ProfileService:
    def __init__(self, session: AsyncSession, runtime: Runtime) -> None:
        self.session = session
        self.rt = runtime
        self.auth = AuthRepository(session)
        self.stores = StoreRepository(session)

    async def me(self, user: User) -> MeOut:
        memberships = await PrincipalRepository(self.session).memberships(user.id, limit=MAX_LISTED_STORES)
        return MeOut(
            user=UserOut.model_validate(user),
            stores=[
                from_row(MembershipOut, member, member_id=member.id, store_name=store.name, subdomain=store.subdomain)
                for member, store in memberships
            ],
        )

    async def update(self, user: User, data: ProfileUpdateIn, client: Client) -> ProfileUpdateOut:
        fields = data.model_fields_set - {"current_password"}
        sensitive = fields & {"email", "password"}
        if sensitive:
            if data.current_password is None:
                raise ValidationFailed(fields={"current_password": "is required to change email or password"})
            await self._check_password(user, data.current_password)
        if "email" in fields and data.email != user.email:
            assert data.email is not None
            if await self.auth.email_taken(data.email, except_user_id=user.id):
                raise conflict_for(EMAIL_UNIQUE)
            user.email = data.email
        if "name" in fields and data.name is not None:
            user.name = data.name
        if "phone" in fields:
            user.phone = data.phone
        tokens: TokenPair | None = None
        now = self.rt.clock.now()
        if sensitive:
            # A reset link already mailed (perhaps to the old address) must not undo this change.
            await self.auth.retire_reset_tokens(user.id, now)
        if "password" in fields and data.password is not None:
            user.password_hash = await self.rt.passwords.hash(data.password)
            await self.auth.revoke_all_sessions(user.id, now, "password_changed")
            tokens = await AuthService(self.session, self.rt).start_session(user, client)
        user.updated_at = now
        await self.session.flush()
        return ProfileUpdateOut(user=UserOut.model_validate(user), tokens=tokens)

    async def delete(self, user: User, password: str) -> None:
        """Data Deletion: erase what identifies the person and end every session.

        Refused (409) while the user owns a store that other people still work in (those people would lose
        their store), or one with open orders (buyers would lose their seller). Stores the user owns alone are closed
        and their subdomain and custom domains freed.
        """
        await self._check_password(user, password)
        blocked = await self.stores.names_of_owned_stores_with_others(user.id)
        if blocked:
            raise Conflict(
                "You own stores that other staff still work in: "
                + ", ".join(blocked)
                + ". Remove those staff members first, then delete your account.",
                code=ProfileError.owner_has_active_stores,
            )
        waiting = await self.stores.owned_stores_with_open_orders(user.id)
        if waiting:
            raise Conflict(
                "Buyers are still waiting on orders of your stores: "
                + ", ".join(f"{name} ({count} open)" for name, count in waiting)
                + ". Complete or cancel them first, then delete your account.",
                code=ProfileError.owner_has_open_orders,
            )
        now = self.rt.clock.now()
        closed = await self.stores.owned_active(user.id)
        for store in closed:
            store.status = "closed"
            store.subdomain = store.public_host = None
            store.updated_at = now
        await release_domains(self.session, [store.id for store in closed])
        forget_after_commit(self.session)
        for member in await self.stores.user_memberships_all(user.id):
            member.removed_at = now
            member.status = "inactive"
            member.name = ERASED_NAME
            member.phone = None
        await WarehouseService(self.session, self.rt.clock).erase_account(user.id, name=ERASED_NAME)
        await self.auth.revoke_all_sessions(user.id, now, "account_deleted")
        await self.auth.delete_reset_tokens(user.id)
        if user.email:
            await self.auth.delete_login_attempts(user.email, user.id)
        user.name = ERASED_NAME
        user.email = None
        user.phone = None
        user.password_hash = None
        user.is_platform_admin = False
        user.deleted_at = now
        user.updated_at = now
        await self.session.flush()

    async def _check_password(self, user: User, password: str) -> None:
        if not await self.rt.passwords.verify(user.password_hash, password):
            raise Forbidden("The current password is wrong", code=ProfileError.wrong_password)
