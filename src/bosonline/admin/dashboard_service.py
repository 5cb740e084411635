"""The platform's figures for a period: stores, revenue by day, orders by status and payment method, top stores.

Order figures sum the order counters (`order_daily_stats`), whose day is each store's own local day (the day its
seller sees the order under); store creation and logins are counted in the platform's time zone (Asia/Jakarta)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.admin.dashboard_repository import DashboardRepository, Sums
from bosonline.admin.dashboard_schemas import (
    DashboardOut,
    DayOut,
    MethodCountOut,
    OrderRecapOut,
    PeriodOut,
    RevenueOut,
    StatusCountOut,
    StoreRecapOut,
    TopStoreOut,
)
from bosonline.report.periods import DaysQuery
from bosonline.report.recap_period import resolve
from bosonline.runtime import Runtime

PLATFORM_TIMEZONE = "Asia/Jakarta"
TOP_STORES = 10


def _money(sums: Sums | None) -> dict[str, int | float]:
    if sums is None:
        return {"orders": 0, "gmv": 0, "paid_gmv": 0, "cod_gmv": 0, "cod_share": 0.0}
    share = round(sums.cod_gmv / sums.gmv, 4) if sums.gmv else 0.0
    return {
        "orders": sums.orders,
        "gmv": sums.gmv,
        "paid_gmv": sums.paid_gmv,
        "cod_gmv": sums.cod_gmv,
        "cod_share": share,
    }


def _added(rows: list[Sums], part: Callable[[Any], Any]) -> dict[Any, Sums]:
    """`rows` added up by `part` of their key."""
    grouped: dict[Any, list[Sums]] = {}
    for row in rows:
        grouped.setdefault(part(row.key), []).append(row)
    return {key: _total(members, key) for key, members in grouped.items()}


def _total(rows: list[Sums], key: Any = None) -> Sums:
    return Sums(
        key,
        sum(r.orders for r in rows),
        sum(r.total for r in rows),
        sum(r.gmv for r in rows),
        sum(r.paid_gmv for r in rows),
        sum(r.cod_gmv for r in rows),
    )


class DashboardService:
    def __init__(self, session: AsyncSession, runtime: Runtime) -> None:
        self.rt = runtime
        self.repo = DashboardRepository(session)

    async def dashboard(self, given: DaysQuery) -> DashboardOut:
        span = resolve(given, self.rt.clock.now(), PLATFORM_TIMEZONE)
        start, end, since, until = span.first, span.last, span.start, span.end

        rows = await self.repo.by_day_status_method(start, end)
        days = _added(rows, lambda key: key[0])
        by_day = [DayOut(day=day, **_money(days.get(day))) for day in _days(start, end)]
        statuses = sorted(_added(rows, lambda key: key[1]).values(), key=lambda r: str(r.key))
        methods = sorted(_added(rows, lambda key: key[2]).values(), key=lambda r: str(r.key))
        top, with_orders = await self.repo.top_stores(start, end, TOP_STORES)
        names = await self.repo.names([row.key for row in top])
        total, created, suspended = await self.repo.store_counts(since, until)
        return DashboardOut(
            period=PeriodOut(date_from=start, date_to=end, timezone=PLATFORM_TIMEZONE),
            stores=StoreRecapOut(
                total=total,
                created=created,
                active=await self.repo.stores_used(since, until),
                with_orders=with_orders,
                suspended=suspended,
            ),
            revenue=RevenueOut(by_day=by_day, **_money(_total(list(days.values())))),
            orders=OrderRecapOut(
                by_status=[StatusCountOut(status=r.key, orders=r.orders, total=r.total) for r in statuses if r.orders],
                by_payment_method=[
                    MethodCountOut(payment_method=r.key, orders=r.orders, total=r.total) for r in methods if r.orders
                ],
            ),
            top_stores=[
                TopStoreOut(store_id=r.key, name=names[r.key][0], subdomain=names[r.key][1], **_money(r))
                for r in top
                if r.key in names
            ],
        )


def _days(start: date, end: date) -> list[date]:
    return [start + timedelta(days=n) for n in range((end - start).days + 1)]
