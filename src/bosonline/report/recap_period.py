"""The period of a recap: `?from=&to=`, whole days in the store's time zone, resolved to UTC bounds.

Defaults: the last 30 days, today included (`to` alone: the 30 days ending then; `from` alone: 30 days from it,
not past today). At most 366 days (a year, a leap day included): a recap reads every order of its period, so
the bound is what keeps one request's cost bounded. Days outside 2000-01-01…2100-12-31, a reversed period and
a longer one are 422s with their own codes (errors.ReportError).

(A small private twin of the report package's shared period validation: to fold into report/periods.py.)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends

from bosonline.errors import ValidationFailed
from bosonline.kit.fields import day_query
from bosonline.report.errors import ReportError

DEFAULT_DAYS = 30
MAX_DAYS = 366
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


@dataclass(frozen=True)
class PeriodIn:
    """`?from=` and `?to=` as given (either may be left out)."""

    date_from: date | None
    date_to: date | None


async def period_params(
    date_from: Annotated[
        date | None,
        day_query("First day (YYYY-MM-DD, store time zone, 2000-01-01…2100-12-31); default 29 days before `to`.",
                  alias="from"),
    ] = None,
    date_to: Annotated[
        date | None, day_query("Last day, inclusive (store time zone); default today.", alias="to")
    ] = None,
) -> PeriodIn:  # fmt: skip
    return PeriodIn(date_from, date_to)


# A recap route's `?from=&to=`: `period: PeriodQuery`.
PeriodQuery = Annotated[PeriodIn, Depends(period_params)]


@dataclass(frozen=True)
class Period:
    first: date  # local days, inclusive
    last: date
    timezone: str
    start: datetime  # UTC bounds [start, end) of those days
    end: datetime


def resolve(given: PeriodIn, now: datetime, timezone: str) -> Period:
    """The period `given` names (defaults filled in), checked: 422 `period_out_of_range`, `period_reversed` or
    `period_too_long`."""
    bad = {
        name: f"must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"
        for name, day in (("from", given.date_from), ("to", given.date_to))
        if day is not None and not FIRST_DAY <= day <= LAST_DAY
    }
    if bad:
        raise ValidationFailed("A day is out of range", code=ReportError.period_out_of_range, fields=bad)
    zone = ZoneInfo(timezone)
    today = now.astimezone(zone).date()
    last = given.date_to
    if last is None:
        last = today if given.date_from is None else min(today, given.date_from + timedelta(days=DEFAULT_DAYS - 1))
        last = max(last, given.date_from or last)
    first = given.date_from or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        raise ValidationFailed(
            "`from` is after `to`", code=ReportError.period_reversed, fields={"from": "must not be after `to`"}
        )
    if (last - first).days + 1 > MAX_DAYS:
        raise ValidationFailed(
            f"The period is longer than {MAX_DAYS} days",
            code=ReportError.period_too_long,
            fields={"to": f"the period is at most {MAX_DAYS} days"},
        )
    start = datetime.combine(first, time.min, tzinfo=zone).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC)
    return Period(first, last, timezone, start, end)
