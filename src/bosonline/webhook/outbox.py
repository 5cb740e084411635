"""The outbox: order events become `webhook_deliveries` rows in the transaction that changed the order.

The worker (webhook/tasks.py) sends them after commit, so a rolled-back change never reaches a receiver and a
committed one always does (at least once). Usage, inside a service (never commits):

    outbox = WebhookOutbox(session, store_id, runtime.clock.now())
    await outbox.emit("order.status_changed", {...}, order_id=order.id)
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Literal, get_args

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import after_commit
from bosonline.kit.clock import as_utc
from bosonline.models import Webhook, WebhookDelivery
from bosonline.worker.wakeup import notify_after_commit

WebhookEvent = Literal["order.created", "order.updated", "order.status_changed", "order.payment_status_changed"]
EVENTS: tuple[WebhookEvent, ...] = get_args(WebhookEvent)
TEST_EVENT = "webhook.test"  # POST /store/webhook/{id}/test; not subscribable
_WAKE_KEY = "webhook_outbox_wake"


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return as_utc(value).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(value: Any) -> str:
    """Compact JSON, UTF-8 as is (not \\u-escaped)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=_json_default)


def timestamp(now: datetime) -> str:
    return now.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def new_unique_id() -> str:
    return uuid.uuid4().hex


def envelope(event: str, unique_id: str, stamp: str, data_json: str) -> str:
    """`{"event", "unique_id", "timestamp", "data"}` with `data` already serialized: the event's data is
    serialized once however many endpoints receive it; each delivery has its own unique_id."""
    return f'{{"event":{dumps(event)},"unique_id":{dumps(unique_id)},"timestamp":{dumps(stamp)},"data":{data_json}}}'


def wake_worker_after_commit(session: AsyncSession) -> None:
    """Once per transaction: after it commits, wake this process's worker so deliveries leave at once."""
    if not session.info.get(_WAKE_KEY):
        session.info[_WAKE_KEY] = True
        after_commit(session, _wake_and_forget(session))


def _wake_and_forget(session: AsyncSession) -> Any:
    async def wake() -> None:
        session.info.pop(_WAKE_KEY, None)
        await notify_after_commit()

    return wake


def delivery_row(
    *, store_id: int, webhook_id: int, event: str, order_id: int | None, stamp: str, data_json: str, now: datetime
) -> dict[str, Any]:
    unique_id = new_unique_id()
    return {
        "store_id": store_id,
        "webhook_id": webhook_id,
        "event": event,
        "unique_id": unique_id,
        "order_id": order_id,
        "body": envelope(event, unique_id, stamp, data_json),
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


class WebhookOutbox:
    """Queues deliveries of events for one store inside the caller's transaction. Loads the store's active
    subscriptions once (lazily, on first emit) and inserts one webhook_deliveries row per subscribed endpoint."""

    def __init__(self, session: AsyncSession, store_id: int, now: datetime) -> None:
        self.session = session
        self.store_id = store_id
        self.now = now
        self._subscriptions: list[tuple[int, frozenset[str]]] | None = None

    async def endpoints_for(self, event: str) -> list[int]:
        if self._subscriptions is None:
            rows = await self.session.execute(
                select(Webhook.id, Webhook.events)
                .where(Webhook.store_id == self.store_id, Webhook.status == "active")
                .order_by(Webhook.id)
            )
            self._subscriptions = [(webhook_id, frozenset(events or ())) for webhook_id, events in rows.all()]
        return [webhook_id for webhook_id, events in self._subscriptions if event in events]

    async def emit(self, event: str, data: dict[str, Any], *, order_id: int | None = None) -> int:
        """Returns the number of deliveries queued (0 when no active endpoint subscribes to `event`)."""
        return await self.emit_many([(event, data, order_id)])

    async def emit_many(self, events: Sequence[tuple[str, dict[str, Any], int | None]]) -> int:
        """`emit` for several `(event, data, order_id)` at once (a bulk change): one INSERT for all of them."""
        stamp = timestamp(self.now)
        rows: list[dict[str, Any]] = []
        for event, data, order_id in events:
            if event not in EVENTS:
                raise ValueError(f"unknown webhook event {event!r}")
            endpoints = await self.endpoints_for(event)
            if not endpoints:
                continue
            data_json = dumps(data)
            rows.extend(
                delivery_row(
                    store_id=self.store_id,
                    webhook_id=webhook_id,
                    event=event,
                    order_id=order_id,
                    stamp=stamp,
                    data_json=data_json,
                    now=self.now,
                )
                for webhook_id in endpoints
            )
        if not rows:
            return 0
        await self.session.execute(insert(WebhookDelivery.__table__), rows)  # one executemany
        wake_worker_after_commit(self.session)
        return len(rows)
