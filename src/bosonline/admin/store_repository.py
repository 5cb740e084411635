"""Every SQL statement of the admin's view of stores: the searchable list with owners, the figures from the order
counters, the row a suspension changes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.kit.pagination import Page, PageParams, keyset_page
from bosonline.kit.phone import phone_needle
from bosonline.models import OrderDailyStat, Store, User

PAID_STATUSES = ("paid", "settled")


@dataclass(frozen=True)
class StoreFigures:
    orders: int = 0
    gmv: int = 0  # totals of the orders not canceled
    paid_gmv: int = 0  # totals of the paid (or settled) orders


def _search(q: str) -> Any:
    """Name, subdomain or owner e-mail containing `q` (case aside), or the owner's phone containing its digits."""
    text = q.lower()
    matches = [
        func.lower(Store.name).contains(text, autoescape=True),
        Store.subdomain.contains(text, autoescape=True),
        User.email.contains(text, autoescape=True),
    ]
    needle = phone_needle(q)
    if needle is not None:
        matches.append(User.phone.contains(needle, autoescape=True))
    return or_(*matches)


class AdminStoreRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def page(self, q: str | None, status: str | None, params: PageParams) -> tuple[Page[Store], int]:
        """Stores newest first, each with its owner loaded (`Store.owner` is not mapped: `owners` reads them)."""
        where: list[Any] = []
        if status is not None:
            where.append(Store.status == status)
        if q is not None:
            where.append(_search(q))
        base = select(Store).join(User, User.id == Store.owner_id).where(*where)
        page = await keyset_page(self.session, base, [Store.id], params, descending=True)
        total = await self.session.scalar(
            select(func.count()).select_from(Store).join(User, User.id == Store.owner_id).where(*where)
        )
        return page, int(total or 0)

    async def owners(self, owner_ids: set[int]) -> dict[int, User]:
        if not owner_ids:
            return {}
        return {user.id: user for user in await self.session.scalars(select(User).where(User.id.in_(owner_ids)))}

    async def figures(self, store_ids: list[int]) -> dict[int, StoreFigures]:
        """Orders and GMV of each store, summed from its order counters (a few hundred rows per store-year)."""
        if not store_ids:
            return {}
        stats = OrderDailyStat
        rows = await self.session.execute(
            select(
                stats.store_id,
                func.sum(stats.orders),
                func.sum(case((stats.status != "canceled", stats.total), else_=0)),
                func.sum(case((stats.payment_status.in_(PAID_STATUSES), stats.total), else_=0)),
            )
            .where(stats.store_id.in_(store_ids))
            .group_by(stats.store_id)
        )
        return {
            store_id: StoreFigures(int(orders or 0), int(gmv or 0), int(paid or 0))
            for store_id, orders, gmv, paid in rows.all()
        }

    async def store_locked(self, store_id: int) -> Store | None:
        """The store, its row locked until COMMIT (two admins suspending it at once: the second sees the first)."""
        return await self.session.scalar(select(Store).where(Store.id == store_id).with_for_update())
