"""The period a report covers: `from`/`to` days of the store's time zone (both inclusive) and a granularity, with
defaults (the last 30 days, by day) and bounds (the number of days each granularity may cover), shared by every
report route so that they refuse the same things with the same codes.

    period: PeriodParams                               # ?from&to&granularity (DaysParams: ?from&to), in OpenAPI
    span = period.resolve(runtime.clock.now(), ctx.store.timezone)   # Period, or 422 (ReportError)
    error_responses(*PERIOD_CODES)                     # the route's declared 422s
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Annotated, Literal, get_args
from zoneinfo import ZoneInfo

from fastapi import Depends, Query

from bosonline.deps import query_parameters
from bosonline.errors import ValidationFailed
from bosonline.kit.fields import day_query
from bosonline.report.errors import ReportError

Granularity = Literal["day", "week", "month"]
GRANULARITIES: tuple[str, ...] = get_args(Granularity)
DEFAULT_DAYS = 30
# Days a period may cover, per granularity: a year of days, about three years of weeks, ten years of months.
MAX_DAYS: dict[str, int] = {"day": 366, "week": 1_100, "month": 3_660}
# Days a period may name (far outside them, date arithmetic and time zone conversions overflow).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
PERIOD_CODES = (ReportError.period_out_of_bounds, ReportError.period_reversed, ReportError.period_too_long)


@dataclass(frozen=True)
class Period:
    """Whole days of the store's time zone, `start` to `end` inclusive, grouped by `granularity`."""

    start: date
    end: date
    granularity: Granularity = "day"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def today_in(now: datetime, timezone: str) -> date:
    return now.astimezone(ZoneInfo(timezone)).date()


def period(
    date_from: date | None, date_to: date | None, granularity: Granularity, today: date, *, max_days: int | None = None
) -> Period:
    """The period asked for, defaults filled: no `to` is today (or `from` + 29 days, whichever is earlier), no
    `from` is 29 days before `to`. 422 `period_out_of_bounds`, `period_reversed` or `period_too_long` (more days
    than `max_days`, by default the granularity's MAX_DAYS)."""
    bad = {
        name: f"must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"
        for name, day in (("from", date_from), ("to", date_to))
        if day is not None and not FIRST_DAY <= day <= LAST_DAY
    }
    if bad:
        raise ValidationFailed("The period is out of bounds", code=ReportError.period_out_of_bounds, fields=bad)
    default_end = today if date_from is None else min(today, date_from + timedelta(days=DEFAULT_DAYS - 1))
    end = date_to or max(default_end, date_from or default_end)
    start = date_from or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValidationFailed(
            "`from` is after `to`", code=ReportError.period_reversed, fields={"from": "must not be after `to`"}
        )
    limit = max_days or MAX_DAYS[granularity]
    result = Period(start, end, granularity)
    if result.days > limit:
        raise ValidationFailed(
            f"A period by {granularity} covers at most {limit:,} days; this one has {result.days:,}",
            code=ReportError.period_too_long,
            fields={"to": f"at most {limit:,} days after `from` by {granularity}"},
        )
    return result


@dataclass(frozen=True)
class DaysQuery:
    """`?from&to` of a report route without buckets (a route takes `DaysParams`)."""

    date_from: Annotated[
        date | None,
        day_query(
            "First day (YYYY-MM-DD, store time zone, 2000-01-01…2100-12-31); default 29 days before `to`.", alias="from"
        ),
    ] = None
    date_to: Annotated[
        date | None, day_query("Last day, inclusive (2000-01-01…2100-12-31); default today.", alias="to")
    ] = None

    def resolve(self, now: datetime, timezone: str, *, max_days: int | None = None) -> Period:
        return period(self.date_from, self.date_to, "day", today_in(now, timezone), max_days=max_days)


@dataclass(frozen=True)
class PeriodQuery(DaysQuery):
    """`?from&to&granularity` of a report route (a route takes `PeriodParams`)."""

    granularity: Annotated[
        Granularity,
        Query(
            description="Buckets of the series: `day` (≤ 366 days), `week` (Monday first, ≤ 1,100 days) or "
            "`month` (≤ 3,660 days)."
        ),
    ] = "day"

    def resolve(self, now: datetime, timezone: str, *, max_days: int | None = None) -> Period:
        return period(self.date_from, self.date_to, self.granularity, today_in(now, timezone), max_days=max_days)


# The route parameters: `period: PeriodParams` (or `DaysParams`), built in the event loop (deps.query_parameters).
PeriodParams = Annotated[PeriodQuery, Depends(query_parameters(PeriodQuery))]
DaysParams = Annotated[DaysQuery, Depends(query_parameters(DaysQuery))]
