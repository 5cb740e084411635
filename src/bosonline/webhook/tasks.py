"""The worker's webhook job: claim due deliveries, send them outside any transaction, record the outcomes.

1. Claim (one short write transaction): due rows `status='pending' AND next_attempt_at <= now`, oldest first,
   `FOR UPDATE SKIP LOCKED` on PostgreSQL (several workers take disjoint rows; SQLite runs one worker and its
   write transactions are serialized anyway) → `sending` with a lease (`locked_until`). A delivery whose endpoint
   is inactive is failed here ("endpoint inactive") instead of being sent.
2. Send (no transaction open): concurrently, at most `webhook_concurrency` requests at once.
3. Record (one short write transaction): each outcome updates its delivery (delivered / pending again with the next
   backoff / failed) and appends a `webhook_attempts` row, if the delivery is still ours (`sending` under this
   claim's lease: not deleted with its endpoint, not taken over after an expired lease).
4. Sweep (every few cycles): `sending` rows whose lease expired (their worker died mid-send) go back to
   `pending`. Delivery is therefore at least once: receivers dedupe by `unique_id`.
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import bindparam, case, insert, select, update

from bosonline import metrics
from bosonline.config import Settings
from bosonline.db import rowcount
from bosonline.kit.attributes import attributes
from bosonline.kit.sql import moment, update_by_id
from bosonline.models import Webhook, WebhookAttempt, WebhookDelivery
from bosonline.webhook.delivery import MAX_ATTEMPTS, Outcome, make_client, post, retry_delay
from bosonline.worker.sending import SendingJob

log = structlog.get_logger("bosonline.webhook")

INACTIVE = "endpoint inactive"
# A recorded attempt's new delivery status -> its outcome in the bosonline_webhook_deliveries_total metric.
_OUTCOME_OF_STATUS = {"delivered": "delivered", "pending": "retry", "failed": "failed"}
_deliveries = WebhookDelivery.__table__


def batch_seconds(settings: Settings) -> float:
    """The longest one batch can take to send: rounds of `webhook_concurrency` requests, each bounded by the
    timeout (the lease covers it; a stopping server waits for it)."""
    rounds = math.ceil(settings.worker_batch_size / settings.webhook_concurrency)
    return rounds * settings.webhook_timeout_seconds


@dataclass(frozen=True)
class Claimed:
    id: int
    store_id: int
    event: str
    unique_id: str
    body: str
    attempts: int
    next_attempt_at: datetime
    url: str
    secret: str


_CLAIMED = tuple(field.name for field in fields(Claimed))
_webhooks = Webhook.__table__

# The claim's statements, built once (the worker runs them every few seconds).
_CLAIM = (
    select(
        _deliveries.c.id,
        _deliveries.c.store_id,
        _deliveries.c.event,
        _deliveries.c.unique_id,
        _deliveries.c.body,
        _deliveries.c.attempts,
        _deliveries.c.next_attempt_at,
        _webhooks.c.url,
        _webhooks.c.secret,
        _webhooks.c.status.label("endpoint_status"),
    )
    .join(_webhooks, _webhooks.c.id == _deliveries.c.webhook_id)
    .where(_deliveries.c.status == "pending", _deliveries.c.next_attempt_at <= moment("_now"))
    .order_by(_deliveries.c.next_attempt_at, _deliveries.c.id)
    .limit(bindparam("_batch"))
    .with_for_update(skip_locked=True, of=_deliveries)
)
_CLAIMED_IDS = _deliveries.c.id.in_(bindparam("_ids", expanding=True))
_TO_SENDING = update(_deliveries).where(_CLAIMED_IDS).values(status="sending", locked_until=moment("_lease"))
_TO_INACTIVE = update(_deliveries).where(_CLAIMED_IDS).values(status="failed", last_error=INACTIVE, locked_until=None)

_RESULT = update_by_id(
    _deliveries,
    status=bindparam("_status"),
    attempts=bindparam("_attempts"),
    next_attempt_at=moment("_next"),
    locked_until=None,
    last_status_code=bindparam("_code"),
    last_error=bindparam("_error"),
    delivered_at=moment("_delivered"),
)


class WebhookJob(SendingJob):
    """One job of the worker loop (worker/loop.py): `run_once()` handles one batch, `sweep()` recovers leases."""

    name = "webhooks"

    make_client = staticmethod(make_client)
    batch_seconds = staticmethod(batch_seconds)

    async def run_once(self) -> int:
        """Claims, sends and records one batch; returns how many deliveries it handled (sent or failed)."""
        claimed, inactive, lease_until = await self.claim(self.rt.clock.now())
        metrics.count_webhook_deliveries(["failed"] * inactive)
        if claimed:
            outcomes = await self.send_all(claimed)
            await self.record(claimed, outcomes, lease_until)
        return len(claimed) + inactive

    async def claim(self, now: datetime) -> tuple[list[Claimed], int, datetime]:
        lease_until = now + self.lease
        async with self.rt.db.session() as session:
            rows = (await session.execute(_CLAIM, {"_now": now, "_batch": self.settings.worker_batch_size})).all()
            if not rows:
                return [], 0, lease_until
            active = [row for row in rows if row.endpoint_status == "active"]
            inactive = [row.id for row in rows if row.endpoint_status != "active"]
            if active:
                await session.execute(_TO_SENDING, {"_ids": [row.id for row in active], "_lease": lease_until})
            if inactive:
                await session.execute(_TO_INACTIVE, {"_ids": inactive})
            await session.commit()
        claimed = [Claimed(**attributes(row, _CLAIMED)) for row in active]
        return claimed, len(inactive), lease_until

    async def send_all(self, claimed: list[Claimed]) -> list[Outcome]:
        gate = asyncio.Semaphore(self.settings.webhook_concurrency)

        async def send(delivery: Claimed) -> Outcome:
            async with gate:
                return await post(
                    self.client,
                    url=delivery.url,
                    secret=delivery.secret,
                    event=delivery.event,
                    unique_id=delivery.unique_id,
                    body=delivery.body,
                    deadline=self.settings.webhook_timeout_seconds,
                )

        return list(await asyncio.gather(*(send(delivery) for delivery in claimed)))

    async def record(self, claimed: list[Claimed], outcomes: list[Outcome], lease_until: datetime) -> None:
        now = self.rt.clock.now()
        async with self.rt.db.session() as session:
            ours = set(
                await session.scalars(
                    select(WebhookDelivery.id)
                    .where(
                        WebhookDelivery.id.in_([delivery.id for delivery in claimed]),
                        WebhookDelivery.status == "sending",
                        WebhookDelivery.locked_until == lease_until,
                    )
                    .with_for_update()
                )
            )
            results: list[dict[str, Any]] = []
            attempts: list[dict[str, Any]] = []
            for delivery, outcome in zip(claimed, outcomes, strict=True):
                if delivery.id not in ours:
                    continue
                results.append(self._result(delivery, outcome, now))
                attempts.append(
                    {
                        "delivery_id": delivery.id,
                        "store_id": delivery.store_id,
                        "attempt": delivery.attempts + 1,
                        "status_code": outcome.status_code,
                        "error": outcome.error,
                        "response_excerpt": outcome.excerpt,
                        "duration_ms": outcome.duration_ms,
                        "created_at": now,
                    }
                )
            if results:
                await session.execute(_RESULT, results)
                await session.execute(insert(WebhookAttempt.__table__), attempts)
            await session.commit()
        metrics.count_webhook_deliveries(_OUTCOME_OF_STATUS[result["_status"]] for result in results)
        if len(ours) < len(claimed):
            log.info("webhook_results_dropped", dropped=len(claimed) - len(ours))

    @staticmethod
    def _result(delivery: Claimed, outcome: Outcome, now: datetime) -> dict[str, Any]:
        attempts = delivery.attempts + 1
        result = {
            "_id": delivery.id,
            "_attempts": attempts,
            "_code": outcome.status_code,
            "_error": outcome.error,
            "_next": delivery.next_attempt_at,
            "_delivered": None,
        }
        if outcome.delivered:
            return {**result, "_status": "delivered", "_delivered": now}
        delay = retry_delay(attempts)
        if delay is None:
            log.info("webhook_failed", delivery_id=delivery.id, attempts=attempts, error=outcome.error)
            return {**result, "_status": "failed"}
        return {**result, "_status": "pending", "_next": now + delay}

    async def sweep(self) -> int:
        """Deliveries left `sending` by a worker that died (lease expired) go back to `pending`, due now. The lost
        try counts as an attempt: a delivery that kills its worker every time ends `failed`, not in a loop."""
        now = self.rt.clock.now()
        attempts = WebhookDelivery.attempts + 1
        async with self.rt.db.session() as session:
            result = await session.execute(
                update(WebhookDelivery)
                .where(WebhookDelivery.status == "sending", WebhookDelivery.locked_until < now)
                .values(
                    status=case((attempts >= MAX_ATTEMPTS, "failed"), else_="pending"),
                    attempts=attempts,
                    last_error="the worker stopped during this attempt (lease expired)",
                    locked_until=None,
                    next_attempt_at=now,
                )
            )
            await session.commit()
        count = int(rowcount(result) or 0)
        if count:
            log.warning("webhook_leases_recovered", count=count)
        return count
