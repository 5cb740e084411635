"""Every SQL statement of the platform dashboard: aggregates of the order counters (`order_daily_stats`, whose day
is each store's own local day) and counts of stores; no order row is read."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.models import AuthSession, OrderDailyStat, Store, StoreMember

PAID = ("paid", "settled")
_S = OrderDailyStat


class Sums(NamedTuple):
    key: Any
    orders: int
    total: int  # every order's total, canceled ones too
    gmv: int
    paid_gmv: int
    cod_gmv: int


def _sums() -> tuple[Any, ...]:
    not_canceled = _S.status != "canceled"
    return (
        func.coalesce(func.sum(_S.orders), 0),
        func.coalesce(func.sum(_S.total), 0),
        func.coalesce(func.sum(case((not_canceled, _S.total), else_=0)), 0),
        func.coalesce(func.sum(case((_S.payment_status.in_(PAID), _S.total), else_=0)), 0),
        func.coalesce(func.sum(case(((_S.payment_method == "cod") & not_canceled, _S.total), else_=0)), 0),
    )


class DashboardRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _grouped(
        self, key: Any, start: date, end: date, *, order: tuple[Any, ...] = (), limit: int | None = None
    ) -> list[Sums]:
        stmt = select(key, *_sums()).where(_S.day >= start, _S.day <= end).group_by(key)
        stmt = stmt.order_by(*(order or (key,)))
        if limit is not None:
            stmt = stmt.limit(limit)
        return [Sums(row[0], *(int(value) for value in row[1:])) for row in await self.session.execute(stmt)]

    async def by_day(self, start: date, end: date) -> list[Sums]:
        return await self._grouped(_S.day, start, end)

    async def by_status(self, start: date, end: date) -> list[Sums]:
        return await self._grouped(_S.status, start, end)

    async def by_payment_method(self, start: date, end: date) -> list[Sums]:
        return await self._grouped(_S.payment_method, start, end)

    async def top_stores(self, start: date, end: date, limit: int) -> list[Sums]:
        gmv = _sums()[2]
        return await self._grouped(_S.store_id, start, end, order=(gmv.desc(), _S.store_id), limit=limit)

    async def stores_with_orders(self, start: date, end: date) -> int:
        stmt = select(func.count(func.distinct(_S.store_id))).where(_S.day >= start, _S.day <= end, _S.orders > 0)
        return int(await self.session.scalar(stmt) or 0)

    async def store_counts(self, created_from: datetime, created_to: datetime) -> tuple[int, int, int]:
        """(stores not closed, created in [from, to), suspended now)."""
        row = (
            await self.session.execute(
                select(
                    func.count().filter(Store.status != "closed"),
                    func.count().filter(Store.created_at >= created_from, Store.created_at < created_to),
                    func.count().filter(Store.status == "suspended"),
                )
            )
        ).one()
        return int(row[0]), int(row[1]), int(row[2])

    async def stores_used(self, used_from: datetime, used_to: datetime) -> int:
        """Stores (not closed) a member of which used a login in [from, to) (its last use: a lower bound)."""
        stmt = (
            select(func.count(func.distinct(StoreMember.store_id)))
            .join(Store, Store.id == StoreMember.store_id)
            .join(AuthSession, AuthSession.user_id == StoreMember.user_id)
            .where(
                Store.status != "closed",
                StoreMember.removed_at.is_(None),
                AuthSession.last_used_at >= used_from,
                AuthSession.last_used_at < used_to,
            )
        )
        return int(await self.session.scalar(stmt) or 0)

    async def names(self, store_ids: list[int]) -> dict[int, tuple[str, str | None]]:
        if not store_ids:
            return {}
        rows = await self.session.execute(select(Store.id, Store.name, Store.subdomain).where(Store.id.in_(store_ids)))
        return {store_id: (name, subdomain) for store_id, name, subdomain in rows.all()}
