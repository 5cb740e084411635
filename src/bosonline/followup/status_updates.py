"""Delivery statuses reported by a provider (status webhooks), applied to the follow-up messages it sent.

- A status finds its row by (integration, provider message id); for Meta also by the echoed reference (our
  followup_messages.id), accepted only for a row of the integration's store that this integration sent (or that
  has no integration yet) and whose provider id, if known, is the same.
- Statuses only move forward along rules.PROGRESS: sending → sent → delivered → read (`delivered` may be skipped;
  a status that arrives after a later one is ignored). `failed` applies only to a message not yet delivered or read.
- A `sending` or `unknown` row that a status proves was sent becomes sent / delivered / read and gets its provider
  message id: the buyer has it, so the CS no longer needs the wa.me fallback.
- One SELECT (locked on PostgreSQL: two webhooks about one message apply one after the other) and one executemany
  UPDATE per webhook call, whatever the number of statuses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.followup.rules import PROGRESS
from bosonline.integrations.whatsapp.base import StatusUpdate
from bosonline.models import FollowupMessage, WaIntegration
from bosonline.models.base import UTCDateTime

# Rows a status may still change: on their way (or possibly) to the buyer.
_UPDATABLE = frozenset({*PROGRESS, "unknown"})
_NOT_DELIVERED = frozenset({"sending", "sent", "unknown"})
_MAX_REFERENCE = 10**18
_ERROR_CHARS = 500
_messages = FollowupMessage.__table__

_SAVE = (
    update(_messages)
    .where(_messages.c.id == bindparam("_id"))
    .values(
        status=bindparam("_status"),
        provider_message_id=bindparam("_message_id"),
        integration_id=bindparam("_integration_id"),
        error=bindparam("_error"),
        locked_until=bindparam("_locked_until", type_=UTCDateTime()),
        sent_at=bindparam("_sent_at", type_=UTCDateTime()),
        delivered_at=bindparam("_delivered_at", type_=UTCDateTime()),
        read_at=bindparam("_read_at", type_=UTCDateTime()),
        updated_at=bindparam("_now", type_=UTCDateTime()),
    )
)


@dataclass
class _Row:
    id: int
    integration_id: int | None
    status: str
    provider_message_id: str | None
    error: str | None
    locked_until: datetime | None
    sent_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None
    changed: bool = False


class StatusRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def integration(self, integration_id: int) -> WaIntegration | None:
        """The integration a webhook URL names (any store: the URL itself is the address, its secret the proof)."""
        return await self.session.get(WaIntegration, integration_id)

    async def messages(self, integration: WaIntegration, message_ids: set[str], references: set[int]) -> list[_Row]:
        conditions = []
        if message_ids:
            conditions.append(
                and_(_messages.c.integration_id == integration.id, _messages.c.provider_message_id.in_(message_ids))
            )
        if references:
            conditions.append(and_(_messages.c.id.in_(references), _messages.c.store_id == integration.store_id))
        if not conditions:
            return []
        columns = [getattr(_messages.c, name) for name in _Row.__dataclass_fields__ if name != "changed"]
        # FOR UPDATE on PostgreSQL (SQLite has none: its write transaction is the lock).
        statement = select(*columns).where(or_(*conditions)).order_by(_messages.c.id).with_for_update()
        result = await self.session.execute(statement)
        return [_Row(*row) for row in result.all()]

    async def save(self, rows: Sequence[_Row], now: datetime) -> None:
        if rows:
            await self.session.execute(
                _SAVE,
                [
                    {
                        "_id": row.id,
                        "_status": row.status,
                        "_message_id": row.provider_message_id,
                        "_integration_id": row.integration_id,
                        "_error": row.error,
                        "_locked_until": row.locked_until,
                        "_sent_at": row.sent_at,
                        "_delivered_at": row.delivered_at,
                        "_read_at": row.read_at,
                        "_now": now,
                    }
                    for row in rows
                ],
            )


async def apply_status_updates(
    session: AsyncSession, integration: WaIntegration, updates: Sequence[StatusUpdate], now: datetime
) -> int:
    """Apply a webhook's statuses to the integration's follow-up messages; the number of messages changed."""
    if not updates:
        return 0
    repo = StatusRepository(session)
    references = {ref for update in updates if (ref := _reference(update.reference)) is not None}
    rows = await repo.messages(integration, {update.message_id for update in updates}, references)
    by_message_id = {row.provider_message_id: row for row in rows if row.integration_id == integration.id}
    by_id = {row.id: row for row in rows}
    for status in updates:
        row = by_message_id.get(status.message_id) or _by_reference(by_id, status, integration.id)
        if row is not None:
            _apply(row, status, integration.id, now)
    changed = [row for row in rows if row.changed]
    await repo.save(changed, now)
    return len(changed)


def _reference(reference: str | None) -> int | None:
    if reference is None or not (reference.isascii() and reference.isdigit()) or len(reference) > 18:
        return None
    value = int(reference)
    return value if 0 < value < _MAX_REFERENCE else None


def _by_reference(by_id: dict[int, _Row], status: StatusUpdate, integration_id: int) -> _Row | None:
    reference = _reference(status.reference)
    row = by_id.get(reference) if reference is not None else None
    if row is None or row.integration_id not in (None, integration_id):
        return None
    if row.provider_message_id is not None and row.provider_message_id != status.message_id:
        return None
    return row


def _apply(row: _Row, status: StatusUpdate, integration_id: int, now: datetime) -> None:
    if row.status not in _UPDATABLE:
        return
    if status.status == "failed":
        if row.status not in _NOT_DELIVERED:
            return
        row.status = "failed"
        row.error = (status.error or "the provider reported the message as failed")[:_ERROR_CHARS]
    else:
        current = PROGRESS.get(row.status, 0)  # unknown: not known to be anywhere yet
        if PROGRESS[status.status] <= current and row.status != "unknown":
            return
        row.status = status.status
        row.sent_at = row.sent_at or now
        if status.status == "delivered":
            row.delivered_at = row.delivered_at or now
        if status.status == "read":
            row.read_at = row.read_at or now
        if row.error is not None and row.status != "failed":
            row.error = None
    if row.provider_message_id is None:
        row.provider_message_id = status.message_id[:128]
    row.integration_id = integration_id
    row.locked_until = None
    row.changed = True
