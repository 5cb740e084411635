"""Revenue (`GET /store/revenue`): the store's sales, money and profit per day, week or month of its time zone,
summed from the recap counters (report/revenue_repository.py); the buckets without counters are zeros."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from datetime import date, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.report.periods import Period, PeriodQuery
from bosonline.report.revenue_repository import RevenueRepository, figure_columns
from bosonline.report.revenue_schemas import CodSettledBasis, FiguresOut, RevenueOut, RevenuePointOut
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext

# What `cod_settled` counts until a courier step records remittances (then "remitted", fed from them).
COD_SETTLED_BASIS: CodSettledBasis = "delivered"
SUMS: tuple[str, ...] = tuple(column.name for column in figure_columns())


def sums_of(row: Any) -> dict[str, int]:
    """A result row of figure_columns() as {label: int}."""
    mapping: Mapping[str, Any] = row._mapping
    return {name: int(mapping[name]) for name in SUMS}


def added(groups: Iterable[Mapping[str, int]]) -> dict[str, int]:
    total = dict.fromkeys(SUMS, 0)
    for sums in groups:
        for name in SUMS:
            total[name] += sums[name]
    return total


def figures(sums: Mapping[str, int]) -> dict[str, int | None]:
    """FiguresOut's fields from the counters' sums."""
    gross = sums["goods"] + sums["shipping"] + sums["fees"]
    costed = sums["costed_orders"]
    return {
        "orders": sums["orders"],
        "gross": gross,
        "discounts": gross - sums["total"],
        "shipping": sums["shipping"],
        "fees": sums["fees"],
        "total": sums["total"],
        "net": sums["total"] - sums["shipping"],
        "paid": sums["paid"],
        "paid_orders": sums["paid_orders"],
        "cod_settled": sums["cod_settled"],
        "cod_settled_orders": sums["cod_settled_orders"],
        "canceled_orders": sums["canceled_orders"],
        "costed_orders": costed,
        "cost": sums["cost"],
        "estimated_cost": sums["estimated_cost"],
        "profit": sums["costed_sales"] - sums["cost"] if costed else None,
    }


def bucket_start(day: date, granularity: str) -> date:
    if granularity == "week":
        return day - timedelta(days=day.weekday())
    if granularity == "month":
        return day.replace(day=1)
    return day


def _next(start: date, granularity: str) -> date:
    if granularity == "week":
        return start + timedelta(days=7)
    if granularity == "month":
        return (start + timedelta(days=32)).replace(day=1)
    return start + timedelta(days=1)


def buckets(period: Period) -> Iterator[tuple[date, date, date]]:
    """(bucket key: its first calendar day, first day within the period, last day within it) of each bucket."""
    start = bucket_start(period.start, period.granularity)
    while start <= period.end:
        following = _next(start, period.granularity)
        yield start, max(start, period.start), min(following - timedelta(days=1), period.end)
        start = following


class RevenueService:
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        self.rt = runtime
        self.ctx = ctx
        self.repo = RevenueRepository(session, ctx)

    async def revenue(self, query: PeriodQuery) -> RevenueOut:
        timezone = self.ctx.store.timezone
        period = query.resolve(self.rt.clock.now(), timezone)
        found = {row.start: sums_of(row) for row in await self.repo.series(period)}
        zero = dict.fromkeys(SUMS, 0)
        series = [
            RevenuePointOut(start=first, end=last, **figures(found.get(key, zero)))
            for key, first, last in buckets(period)
        ]
        return RevenueOut(
            date_from=period.start,
            date_to=period.end,
            granularity=period.granularity,
            timezone=timezone,
            cod_settled_basis=COD_SETTLED_BASIS,
            totals=FiguresOut(**figures(added(found.values()))),
            series=series,
        )
