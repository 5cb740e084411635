"""A store's quiet hours (store_settings.quiet_hours_start/end, in the store's time zone): automatic follow-ups
that fall inside them are postponed to the end of the window, never dropped.

Equal start and end mean no quiet hours; a start after the end crosses midnight (21:00–08:00, the default)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIMEZONE = "Asia/Jakarta"


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIMEZONE)


def quiet_until(now: datetime, start: time | None, end: time | None, timezone: str) -> datetime | None:
    """When `now` (UTC) falls in the quiet window, the UTC moment the window ends; else None."""
    if start is None or end is None or start == end:
        return None
    tz = zone(timezone)
    local = now.astimezone(tz)
    clock = local.time().replace(tzinfo=None)
    day = local.date()
    if start < end:  # e.g. 12:00–13:00, within one day
        if not start <= clock < end:
            return None
    elif clock >= start:  # crosses midnight, before it: the window ends tomorrow
        day += timedelta(days=1)
    elif clock >= end:
        return None
    return datetime.combine(day, end, tzinfo=tz).astimezone(UTC)
