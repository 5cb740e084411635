"""All SQL of store staff. Every statement starts from the request's store (tenancy)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, func, or_, select

from bosonline.kit.pagination import Page, PageParams, count_rows, keyset_page
from bosonline.models import StoreMember, User
from bosonline.tenancy import RowRepository


def _matches(q: str) -> ColumnElement[bool]:
    """Name or phone contains `q`, taken literally (% and _ are not wildcards). Phones are stored as 628…
    but shown as 08…, so a query in the shown form (08…, +62 8…, with spaces or dashes) finds them too."""
    conditions = [
        func.lower(StoreMember.name).contains(q.lower(), autoescape=True),
        StoreMember.phone.contains(q, autoescape=True),
    ]
    digits = q.replace(" ", "").replace("-", "").removeprefix("+")
    if digits.isdigit():
        conditions.append(StoreMember.phone.contains(digits, autoescape=True))
        if digits.startswith("0"):
            conditions.append(StoreMember.phone.startswith("62" + digits[1:], autoescape=True))
    return or_(*conditions)


class StaffRepository(RowRepository[StoreMember]):
    model = StoreMember

    def rows(self) -> Select[StoreMember]:
        """Members of the store: removed ones are invisible (but to `member_of_user`)."""
        return self.scoped(StoreMember).where(StoreMember.removed_at.is_(None))

    async def page(
        self, params: PageParams, *, role: str | None, status: str | None, q: str | None
    ) -> tuple[Page[StoreMember], int]:
        stmt = self.rows()
        if role:
            stmt = stmt.where(StoreMember.role == role)
        if status:
            stmt = stmt.where(StoreMember.status == status)
        if q:
            stmt = stmt.where(_matches(q))
        total = await count_rows(self.session, stmt)
        return await keyset_page(self.session, stmt, [StoreMember.id], params), total

    async def member_of_user(self, user_id: int) -> StoreMember | None:
        """Including removed memberships, which are restored when the person is added back."""
        return await self.session.scalar(self.scoped(StoreMember).where(StoreMember.user_id == user_id))

    async def emails(self, user_ids: list[int]) -> dict[int, str | None]:
        if not user_ids:
            return {}
        rows = await self.session.execute(select(User.id, User.email).where(User.id.in_(user_ids)))
        return dict(rows.all())
