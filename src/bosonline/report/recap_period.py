"""The period of a recap that reads orders rather than the day counters: report.periods' days (its defaults, bounds
and 422 codes; at most 366 days, a year with its leap day, since such a recap reads every order of its period),
with the UTC bounds [start, end) of those days in the store's time zone.

    period: PeriodQuery                                # ?from&to, in OpenAPI (report.periods.DaysParams)
    span = resolve(period, runtime.clock.now(), ctx.store.timezone)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bosonline.order.list_repository import day_bounds
from bosonline.report.periods import DaysParams, DaysQuery

PeriodIn = DaysQuery
PeriodQuery = DaysParams


@dataclass(frozen=True)
class Period:
    first: date  # local days, inclusive
    last: date
    timezone: str
    start: datetime  # UTC bounds [start, end) of those days
    end: datetime


def resolve(given: PeriodIn, now: datetime, timezone: str) -> Period:
    """The period `given` names, defaults filled in, or 422 (report.periods.PERIOD_CODES)."""
    days = given.resolve(now, timezone)
    start, end = day_bounds(days.start, days.end, timezone)
    assert start is not None and end is not None  # both days are known
    return Period(days.start, days.end, timezone, start, end)
