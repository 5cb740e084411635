"""Rules of store staff: who may manage whom, attaching existing accounts, the owner's protections."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.auth.repository import AuthRepository
from bosonline.errors import AccessError, Conflict, Forbidden, ValidationFailed, conflict_for, found
from bosonline.kit.pagination import Page, PageParams
from bosonline.models import StoreMember, User
from bosonline.models.store import MEMBER_UNIQUE
from bosonline.permissions import MANAGEABLE_ROLES, Role
from bosonline.runtime import Runtime
from bosonline.staff.errors import StaffError
from bosonline.staff.repository import StaffRepository
from bosonline.staff.schemas import StaffCreateIn, StaffOut, StaffUpdateIn
from bosonline.tenancy import ScopedService, StoreContext

MAX_STAFF = 200


def new_member(user: User, role: Role | str, name: str, phone: str | None, now: datetime) -> StoreMember:
    """A user's active membership of the store it is added to (the store's owner at creation, or staff)."""
    return StoreMember(
        user_id=user.id, role=role, status="active", name=name, phone=phone, created_at=now, updated_at=now
    )


class StaffService(ScopedService):
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        super().__init__(session, runtime, ctx)
        self.repo = StaffRepository(session, ctx)
        self.users = AuthRepository(session)

    async def list(
        self, params: PageParams, *, role: str | None, status: str | None, q: str | None
    ) -> tuple[list[StaffOut], Page[StoreMember], int]:
        page, total = await self.repo.page(params, role=role, status=status, q=q)
        emails = await self.repo.emails([member.user_id for member in page.items])
        return [StaffOut.of(member, emails.get(member.user_id)) for member in page.items], page, total

    async def get(self, member_id: int) -> StaffOut:
        member = await self._member(member_id)
        return await self._out(member)

    async def create(self, data: StaffCreateIn) -> StaffOut:
        self._check_can_manage(Role(data.role))
        if await self.repo.count() >= MAX_STAFF:
            raise Conflict(f"A store can have at most {MAX_STAFF} staff members", code=StaffError.staff_limit)
        now = self.rt.clock.now()
        user = await self.users.user_by_email(data.email)
        if user is None:
            if data.password is None:
                raise ValidationFailed(fields={"password": "is required: no account has this email yet"})
            user = await self.users.add_user(
                User(
                    name=data.name,
                    email=data.email,
                    phone=data.phone,
                    password_hash=await self.rt.passwords.hash(data.password),
                    created_at=now,
                    updated_at=now,
                )
            )
        existing = await self.repo.member_of_user(user.id)
        if existing is not None and existing.removed_at is None:
            raise conflict_for(MEMBER_UNIQUE)
        if existing is not None:  # added back after being removed: same staff id, fresh details
            member = existing
            member.removed_at = None
            member.role, member.status, member.name, member.phone = data.role, "active", data.name, data.phone
            member.updated_at = now
            await self.session.flush()
        else:
            member = await self.repo.insert(new_member(user, data.role, data.name, data.phone, now))
        return StaffOut.of(member, user.email)

    async def update(self, member_id: int, data: StaffUpdateIn) -> StaffOut:
        member = await self._managed_member(member_id)
        if data.role is not None and data.role != member.role:
            self._check_can_manage(Role(data.role))
            member.role = data.role
        if data.name is not None:
            member.name = data.name
        if "phone" in data.model_fields_set:
            member.phone = data.phone
        member.updated_at = self.rt.clock.now()
        await self.session.flush()
        return await self._out(member)

    async def set_status(self, member_id: int, status: str) -> StaffOut:
        member = await self._managed_member(member_id)
        await self._set_status(member, status, touch_unchanged=True)
        return await self._out(member)

    async def remove(self, member_id: int) -> None:
        member = await self._managed_member(member_id)
        now = self.rt.clock.now()
        # Soft removal: orders and follow-ups keep pointing at the staff id that handled them.
        member.removed_at = now
        member.status = "inactive"
        member.updated_at = now
        await self.session.flush()

    async def _member(self, member_id: int) -> StoreMember:
        return found(await self.repo.get(member_id))

    async def _managed_member(self, member_id: int) -> StoreMember:
        member = await self._member(member_id)
        if member.role == Role.owner:
            raise Forbidden(
                "The store owner cannot be edited, deactivated or removed here", code=StaffError.owner_protected
            )
        if member.id == self.ctx.member_id:
            raise Forbidden("You cannot change your own role, status or membership", code=StaffError.self_management)
        self._check_can_manage(Role(member.role))
        return member

    def _check_can_manage(self, role: Role) -> None:
        if role not in MANAGEABLE_ROLES[self.ctx.role]:
            raise Forbidden(f"A {self.ctx.role} cannot manage {role} members", code=AccessError.permission_denied)

    async def _out(self, member: StoreMember) -> StaffOut:
        emails = await self.repo.emails([member.user_id])
        return StaffOut.of(member, emails.get(member.user_id))
