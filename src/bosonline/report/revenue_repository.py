"""Every SQL statement of Revenue and Recap Store: sums of the recap counters (`order_daily_stats`, order/stats.py)
over a range of days, never a read of `orders`. The counters' key starts with (store_id, day), so a period is a
range read of their primary key: a few hundred rows a day on a busy store, whatever its number of orders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Row, and_, case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import period_start
from bosonline.models import OrderDailyStat, Store, StoreMember
from bosonline.models.store import STORE_IS_OPEN
from bosonline.report.periods import Period
from bosonline.tenancy import ScopedRepository

S = OrderDailyStat
# Orders that are not sales: never placed (draft), called off before shipping (canceled), returned (rts).
NOT_SALES = ("draft", "canceled", "rts")
PAID = ("paid", "settled")
# A COD order counts as settled once delivered (completed, then closed): there is no courier remittance data yet.
COD_SETTLED_STATUSES = ("completed", "closed")


def _sum(amount: Any, where: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((where, amount), else_=0)), 0)


def figure_columns() -> list[ColumnElement[int]]:
    """The sums Revenue reports of a group of counter rows, labelled (read by report.revenue_service.figures)."""
    sale = S.status.notin_(NOT_SALES)
    cod_settled = and_(S.payment_method == "cod", S.status.in_(COD_SETTLED_STATUSES))
    paid = and_(sale, S.payment_status.in_(PAID))
    return [
        _sum(S.orders, sale).label("orders"),
        _sum(S.total, sale).label("total"),
        _sum(S.goods, sale).label("goods"),
        _sum(S.shipping, sale).label("shipping"),
        _sum(S.fees, sale).label("fees"),
        _sum(S.orders, paid).label("paid_orders"),
        _sum(S.total, paid).label("paid"),
        _sum(S.orders, cod_settled).label("cod_settled_orders"),
        _sum(S.total, cod_settled).label("cod_settled"),
        _sum(S.orders, S.status.in_(("canceled", "rts"))).label("canceled_orders"),
        _sum(S.costed_orders, sale).label("costed_orders"),
        _sum(S.costed_sales, sale).label("costed_sales"),
        _sum(S.cost, sale).label("cost"),
        _sum(S.estimated_cost, sale).label("estimated_cost"),
    ]


def in_period(start: date, end: date) -> ColumnElement[bool]:
    return S.day.between(start, end)


class RevenueRepository(ScopedRepository):
    async def series(self, period: Period) -> Sequence[Row[Any]]:
        """One row per bucket of the period that has counters: its first day (`start`) and its figures."""
        bucket = period_start(self.session, S.day, period.granularity).label("start")
        stmt = (
            select(bucket, *figure_columns())
            .where(S.store_id == self.ctx.store_id, in_period(period.start, period.end))
            .group_by(bucket)
            .order_by(bucket)
        )
        return (await self.session.execute(stmt)).all()


class StoreRecapRepository:
    """Recap Store: the caller's stores, not one store's, so it is scoped by membership (the user's active
    memberships in active stores with a role that may read reports), not by a StoreContext."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def per_store(self, user_id: int, roles: Sequence[str], start: date, end: date, limit: int) -> Sequence[Any]:
        """One row per readable store (id order, at most `limit`): its id, name, subdomain, time zone and figures
        over start…end (days of its own time zone); zeros for a store without orders then."""
        m = StoreMember
        stmt = (
            select(Store.id, Store.name, Store.subdomain, Store.timezone, *figure_columns())
            .select_from(m)
            .join(Store, Store.id == m.store_id)
            .outerjoin(S, and_(S.store_id == Store.id, in_period(start, end)))
            .where(
                m.user_id == user_id,
                m.removed_at.is_(None),
                m.status == "active",
                m.role.in_(roles),
                STORE_IS_OPEN,  # a suspended store stays readable by its members, as everywhere else
            )
            .group_by(Store.id, Store.name, Store.subdomain, Store.timezone)
            .order_by(Store.id)
            .limit(limit)
        )
        return (await self.session.execute(stmt)).all()
