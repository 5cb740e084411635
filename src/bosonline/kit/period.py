"""A range of days a report asks for (`?from=&to=`, inclusive): bounded, in order, defaulted."""

from __future__ import annotations

from datetime import date, timedelta

from bosonline.errors import ValidationFailed

DEFAULT_DAYS = 30
MAX_DAYS = 366
# Days a range may name (far outside them, date arithmetic and time zone conversions overflow).
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)


def day_range(
    date_from: date | None, date_to: date | None, today: date, *, max_days: int = MAX_DAYS
) -> tuple[date, date]:
    """[from, to], inclusive: by default the `DEFAULT_DAYS` days to `today` (or from `date_from`); 422 on `from`
    or `to` outside FIRST_DAY…LAST_DAY, `from` after `to`, or more than `max_days` days."""
    bad = {
        name: f"must be between {FIRST_DAY.isoformat()} and {LAST_DAY.isoformat()}"
        for name, day in (("from", date_from), ("to", date_to))
        if day is not None and not FIRST_DAY <= day <= LAST_DAY
    }
    if bad:
        raise ValidationFailed(fields=bad)
    end = date_to or (today if date_from is None else min(today, date_from + timedelta(days=DEFAULT_DAYS - 1)))
    start = date_from or end - timedelta(days=DEFAULT_DAYS - 1)
    if start > end:
        raise ValidationFailed(fields={"from": "must not be after `to`"})
    if (end - start).days + 1 > max_days:
        raise ValidationFailed(fields={"to": f"the range is at most {max_days} days"})
    return start, end
