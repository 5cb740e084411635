"""All SQL of the delivery statuses a provider reports (followup/dispatch/status_service.py has the rules): the
messages a webhook is about (locked), the integrations it may speak for, and the inbox of statuses that arrived
before the dispatcher recorded the message they are about."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import and_, bindparam, delete, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.integrations.whatsapp.base import WHATSAPP_CLOUD, StatusUpdate
from bosonline.kit.sql import moment, touch_by_id
from bosonline.models import FollowupMessage, FollowupStatusInbox, WaIntegration

ERROR_CHARS = 500
INBOX_KEPT = timedelta(days=1)
_messages = FollowupMessage.__table__
_inbox = FollowupStatusInbox.__table__

_SAVE = touch_by_id(
    _messages,
    status=bindparam("_status"),
    provider_message_id=bindparam("_message_id"),
    integration_id=bindparam("_integration_id"),
    error=bindparam("_error"),
    locked_until=moment("_locked_until"),
    sent_at=moment("_sent_at"),
    delivered_at=moment("_delivered_at"),
    read_at=moment("_read_at"),
)


class Sender(Protocol):
    """The integration a status is about (a WaIntegration, or the dispatcher's copy of one)."""

    @property
    def id(self) -> int: ...

    @property
    def store_id(self) -> int: ...

    @property
    def provider(self) -> str: ...


@dataclass
class MessageRow:
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

    async def meta_integrations(self, store_id: int, *, besides: int) -> list[WaIntegration]:
        """The store's other whatsapp_cloud integrations (a store has at most 20 integrations)."""
        statement = (
            select(WaIntegration)
            .where(
                WaIntegration.store_id == store_id,
                WaIntegration.provider == WHATSAPP_CLOUD,
                WaIntegration.id != besides,
            )
            .order_by(WaIntegration.id)
        )
        return list(await self.session.scalars(statement))

    async def messages(self, integration: Sender, message_ids: set[str], references: set[int]) -> list[MessageRow]:
        conditions = []
        if message_ids:
            conditions.append(
                and_(_messages.c.integration_id == integration.id, _messages.c.provider_message_id.in_(message_ids))
            )
        if references:
            conditions.append(and_(_messages.c.id.in_(references), _messages.c.store_id == integration.store_id))
        if not conditions:
            return []
        columns = [getattr(_messages.c, name) for name in MessageRow.__dataclass_fields__ if name != "changed"]
        # FOR UPDATE on PostgreSQL (SQLite has none: its write transaction is the lock).
        statement = select(*columns).where(or_(*conditions)).order_by(_messages.c.id).with_for_update()
        result = await self.session.execute(statement)
        return [MessageRow(*row) for row in result.all()]

    async def wait_for_recording(self, integration_id: int) -> None:
        """Lock this integration's `sending` rows (PostgreSQL; in id order, as the dispatcher records them): a
        dispatcher transaction recording their provider ids right now commits first, and the next statement sees
        them. SQLite needs nothing: its write transactions already run one at a time."""
        statement = (
            select(_messages.c.id)
            .where(
                _messages.c.integration_id == integration_id,
                _messages.c.provider_message_id.is_(None),
                _messages.c.status == "sending",
            )
            .order_by(_messages.c.id)
            .with_for_update()
        )
        await self.session.execute(statement)

    async def keep(self, integration_id: int, statuses: Sequence[StatusUpdate], now: datetime) -> None:
        """Keep statuses that matched no message for the dispatcher to apply; drop those older than a day."""
        await self.session.execute(delete(_inbox).where(_inbox.c.received_at < now - INBOX_KEPT))
        await self.session.execute(
            insert(_inbox),
            [
                {
                    "integration_id": integration_id,
                    "provider_message_id": status.message_id[:128],
                    "status": status.status,
                    "error": status.error[:ERROR_CHARS] if status.error else None,
                    "received_at": now,
                }
                for status in statuses
            ],
        )

    async def waiting(self, pairs: set[tuple[int, str]]) -> list[Any]:
        """The kept statuses of these (integration id, provider message id) pairs, oldest first."""
        statement = (
            select(_inbox.c.id, _inbox.c.integration_id, _inbox.c.provider_message_id, _inbox.c.status, _inbox.c.error)
            .where(
                _inbox.c.integration_id.in_(sorted({integration_id for integration_id, _ in pairs})),
                _inbox.c.provider_message_id.in_(sorted({message_id for _, message_id in pairs})),
            )
            .order_by(_inbox.c.id)
        )
        return [row for row in await self.session.execute(statement) if (row[1], row[2]) in pairs]

    async def forget(self, inbox_ids: Iterable[int]) -> None:
        await self.session.execute(delete(_inbox).where(_inbox.c.id.in_(list(inbox_ids))))

    async def save(self, rows: Sequence[MessageRow], now: datetime) -> None:
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
