"""All SQL of store staff. Every statement starts from the request's store (tenancy)."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from bosonline.kit.pagination import Page, PageParams, keyset_page
from bosonline.models import StoreMember, User
from bosonline.tenancy import StoreRepository


class StaffRepository(StoreRepository):
    def _members(self):  # noqa: ANN202 - a Select of StoreMember
        return self.scoped(StoreMember).where(StoreMember.removed_at.is_(None))

    async def page(
        self, params: PageParams, *, role: str | None, status: str | None, q: str | None
    ) -> tuple[Page[StoreMember], int]:
        stmt = self._members()
        if role:
            stmt = stmt.where(StoreMember.role == role)
        if status:
            stmt = stmt.where(StoreMember.status == status)
        if q:
            pattern = f"%{q.lower()}%"
            stmt = stmt.where(or_(func.lower(StoreMember.name).like(pattern), StoreMember.phone.like(pattern)))
        total = int(await self.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
        return await keyset_page(self.session, stmt, [StoreMember.id], params), total

    async def member(self, member_id: int) -> StoreMember | None:
        return await self.session.scalar(self._members().where(StoreMember.id == member_id))

    async def member_of_user(self, user_id: int) -> StoreMember | None:
        """Including removed memberships, which are restored when the person is added back."""
        return await self.session.scalar(self.scoped(StoreMember).where(StoreMember.user_id == user_id))

    async def emails(self, user_ids: list[int]) -> dict[int, str | None]:
        if not user_ids:
            return {}
        rows = await self.session.execute(select(User.id, User.email).where(User.id.in_(user_ids)))
        return {user_id: email for user_id, email in rows.all()}

    async def add(self, member: StoreMember) -> StoreMember:
        member.store_id = self.ctx.store_id
        self.session.add(member)
        await self.session.flush()
        return member
