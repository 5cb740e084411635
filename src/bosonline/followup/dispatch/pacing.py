"""Per-number pacing: each WhatsApp integration sends at most `pacing_per_minute` messages a minute, spaced evenly
(60 / pace seconds apart; 0 = no pacing), across every worker.

- `wa_integrations.next_send_at` is the earliest moment the number's next send may start. A claim locks the rows
  of the integrations it uses (lock_integrations), hands its sends the next slots from there and writes the
  advanced `next_send_at` back in the same transaction, so two workers never hand out the same slot; after the
  batch, the dispatcher raises it to at least the last real start of a send of the number + the spacing
  (followup/dispatch/tasks.py: a send that started late, behind a slow one, pushes the next batch back too).
- A follow-up whose slot lies beyond the batch's horizon is not sent by this batch: it keeps its slot. It stays
  scheduled, due at that slot, with the integration (`integration_id`) and `error` = PACED; the slots after it go
  to the next follow-ups (the number's frontier is after its latest held slot). When it is due, the claim sends it
  at that slot (or later, never closer than the spacing to the number's previous send) without rendering or
  postponing the backlog again: each follow-up of a long queue is postponed once, to its own slot.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import select_locked_within
from bosonline.followup.dispatch.senders import Integration
from bosonline.followup.rules import PACED
from bosonline.models import FollowupMessage, WaIntegration

# `error` of a scheduled follow-up that holds a pacing slot (its due_at) on its integration.


@dataclass
class Pacer:
    now: datetime
    horizon: timedelta
    # integration id → (messages per minute, next_send_at as read under the lock)
    states: dict[int, tuple[int, datetime | None]]
    # integration id → the moment after its latest held slot (new follow-ups queue from there)
    frontiers: dict[int, datetime] = field(default_factory=dict)
    _next: dict[int, datetime] = field(default_factory=dict)

    def slot(self, integration_id: int, held: datetime | None = None) -> tuple[datetime, bool]:
        """The slot of a follow-up on the integration, and whether this batch sends it (within the horizon).
        `held`: the slot it already holds (PACED). Beyond the horizon, the slot is held from now on."""
        pace, next_send_at = self.states.get(integration_id, (0, None))
        if pace <= 0:
            return self.now, True
        spacing = timedelta(seconds=60 / pace)
        earliest = self._next.get(integration_id) or max(next_send_at or self.now, self.now)
        start = max(held, earliest) if held is not None else max(earliest, self.frontiers.get(integration_id, earliest))
        if start <= self.now + self.horizon:
            self._next[integration_id] = start + spacing
            return start, True
        self.frontiers[integration_id] = max(self.frontiers.get(integration_id, start), start + spacing)
        return start, False

    def advanced(self) -> dict[int, datetime]:
        """The new `next_send_at` of each integration that got a send in this batch."""
        return dict(self._next)


@dataclass
class IntegrationLocks:
    locked: set[int]  # the integrations this claim may write follow-ups of (their rows locked)
    states: dict[int, tuple[int, datetime | None]]  # the paced ones: pace and next_send_at
    frontiers: dict[int, datetime]  # the paced ones holding slots: the moment after the latest


async def lock_integrations(
    session: AsyncSession, integrations: Iterable[Integration], wait: timedelta
) -> IntegrationLocks:
    """Lock the rows of the integrations a claim sends from, in id order, before it writes a follow-up that names
    one: FOR NO KEY UPDATE for the paced ones (their pacing state is read and moved), FOR KEY SHARE for the others
    (what the foreign key of `followup_messages.integration_id` takes anyway, only now taken first and bounded).

    Deleting an integration locks its row, then nulls the follow-ups that name it (which may be ours); a claim
    that first met that row in its writes' foreign-key check would wait for it while the delete waits for us.
    Taken here with a bounded wait (db.select_locked_within) and then without waiting (SKIP LOCKED), a busy row is
    missing from `locked`: its follow-ups wait for the next batch. SQLite: the write transaction is the lock."""
    chosen = {integration.id: integration for integration in integrations}
    paced = sorted(key for key, item in chosen.items() if item.pacing_per_minute > 0)
    plain = sorted(key for key, item in chosen.items() if item.pacing_per_minute <= 0)
    locked: set[int] = set()
    states: dict[int, tuple[int, datetime | None]] = {}
    if plain:
        stmt: Select[*tuple[Any, ...]] = (
            select(WaIntegration.id).where(WaIntegration.id.in_(plain)).order_by(WaIntegration.id)
        )
        locked.update(row.id for row in await _lock(session, stmt, wait, read=True))
    if paced:
        stmt = (
            select(WaIntegration.id, WaIntegration.pacing_per_minute, WaIntegration.next_send_at)
            .where(WaIntegration.id.in_(paced))
            .order_by(WaIntegration.id)
        )
        for row in await _lock(session, stmt, wait, read=False):
            locked.add(row.id)
            states[row.id] = (int(row.pacing_per_minute), row.next_send_at)
    return IntegrationLocks(locked, states, await _frontiers(session, states))


async def _lock(session: AsyncSession, stmt: Any, wait: timedelta, *, read: bool) -> list[Any]:
    rows = await select_locked_within(session, stmt.with_for_update(read=read, key_share=True), wait)
    if rows is None:  # one of them stayed busy: take those free now
        rows = list(await session.execute(stmt.with_for_update(read=read, key_share=True, skip_locked=True)))
    return rows


async def _frontiers(session: AsyncSession, states: dict[int, tuple[int, datetime | None]]) -> dict[int, datetime]:
    """After the latest slot held on each paced integration (read once its row is locked: a claim that held
    slots before us has committed them)."""
    ids = sorted(key for key, (pace, _) in states.items() if pace > 0)
    if not ids:
        return {}
    stmt = (
        select(FollowupMessage.integration_id, func.max(FollowupMessage.due_at))
        .where(
            FollowupMessage.integration_id.in_(ids),
            FollowupMessage.provider_message_id.is_(None),
            FollowupMessage.status == "scheduled",
            FollowupMessage.error == PACED,
        )
        .group_by(FollowupMessage.integration_id)
    )
    frontiers: dict[int, datetime] = {}
    for integration_id, latest in await session.execute(stmt):
        if latest is not None and integration_id is not None:  # (never NULL: the WHERE above)
            frontiers[integration_id] = latest + timedelta(seconds=60 / states[integration_id][0])
    return frontiers
