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

    async def by_day_status_method(self, start: date, end: date) -> list[Sums]:
        """One pass over the period's counters, grouped by (day, status, payment method): at most a few thousand
        rows (days × 7 statuses × 3 methods), which the service adds up by day, by status and by method."""
        key = (_S.day, _S.status, _S.payment_method)
        stmt = select(*key, *_sums()).where(_S.day >= start, _S.day <= end).group_by(*key)
        return [Sums(tuple(row[:3]), *(int(value) for value in row[3:])) for row in await self.session.execute(stmt)]

    async def top_stores(self, start: date, end: date, limit: int) -> tuple[list[Sums], int]:
        """The `limit` stores with the most GMV in the period, and how many stores had orders in it (a window count
        over the grouped rows: one pass)."""
        sums = _sums()
        stores = func.count().over()
        stmt = (
            select(_S.store_id, *sums, stores)
            .where(_S.day >= start, _S.day <= end, _S.orders > 0)
            .group_by(_S.store_id)
            .order_by(sums[2].desc(), _S.store_id)
            .limit(limit)
        )
        rows = (await self.session.execute(stmt)).all()
        return [Sums(row[0], *(int(value) for value in row[1:6])) for row in rows], int(rows[0][6]) if rows else 0

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
