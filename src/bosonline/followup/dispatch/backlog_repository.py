"""The dispatcher's queue as a scrape of GET /metrics sees it: the gateway follow-ups due now, read at scrape time."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.integrations.whatsapp.base import PROVIDERS
from bosonline.models import FollowupMessage


async def due_followups(session: AsyncSession, now: datetime, cap: int) -> tuple[int, datetime | None]:
    """How many follow-ups the dispatcher's claim would find due (counted up to `cap` + 1) and the oldest's due time.

    One statement, bounded whatever the backlog: per provider, a count of at most cap + 1 entries and a min, each
    one range of ix_followup_messages_status_channel_due_at (over all providers at once, the scan would also walk
    the manual follow-ups waiting for a CS, which are never due for the worker)."""
    due = (FollowupMessage.status == "scheduled", FollowupMessage.due_at <= now)
    columns = []
    for provider in PROVIDERS:
        of_provider = (*due, FollowupMessage.channel == provider)
        limited = select(FollowupMessage.id).where(*of_provider).limit(cap + 1).subquery()
        columns.append(select(func.count()).select_from(limited).scalar_subquery())
        columns.append(select(func.min(FollowupMessage.due_at)).where(*of_provider).scalar_subquery())
    found = (await session.execute(select(*columns))).one()
    counts, firsts = found[0::2], found[1::2]
    return sum(counts), min((first for first in firsts if first is not None), default=None)
