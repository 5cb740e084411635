"""The worker's follow-up dispatcher: claim due gateway sends, send them outside any transaction, record what
the providers answered (DESIGN.md §5 "Dispatch").

1. Claim (one short write transaction, followup/dispatch/repository.py): due rows → canceled / postponed (quiet
   hours, pacing) / skipped / failed, or `sending` under this claim's lease with what will be sent.
2. Send (no transaction open): the integration's credentials decrypted, its adapter
   (integrations/whatsapp/registry.adapter_for) over one shared keep-alive httpx client, each message not before its
   pacing slot nor closer than the spacing to the previous real start of its number, at most
   `followup_concurrency` in flight. Credentials that cannot be read send nothing: `retry`.
3. Record (one short write transaction, only rows still ours: under this claim's lease, `sending`, or `unknown`
   by the sweeper — a worker slower than its lease still knows best what happened): `sent` with the provider's
   message id; `retry` → scheduled again after a backoff (1, 5, 15, 60 min) while fewer than 5 tries were made,
   else `failed`; `failed` with the error; `unknown` (timeout, dropped connection, an answer we cannot read, an
   adapter that raised) with the error: never sent again, the CS sees it with the wa.me link. Delivery statuses a
   gateway reported before this record (kept in followup_status_inbox) are applied then, to the rows recorded.
   A paced number's `next_send_at` is raised to the last real start of its sends + the spacing (pacing.py).
4. Sweep: `sending` rows whose lease expired (their worker died, or is late) → `unknown`, never back to
   `scheduled`: none of the gateways dedupes, and a buyer must never get the same follow-up twice. The lease
   (`locked_until`) stays on the row: a late record proves with it that the row was its claim.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
from collections import Counter
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any, get_args

import httpx
import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline import metrics
from bosonline.config import Settings
from bosonline.followup.dispatch.repository import (
    ERROR_CHARS,
    Batch,
    Claimed,
    DispatchClaim,
    raise_pace,
    record_results,
    sweep_expired,
)
from bosonline.followup.dispatch.status_service import apply_waiting_statuses
from bosonline.integrations.whatsapp.base import (
    Outcome,
    OutgoingMessage,
    SendResult,
    WhatsAppAdapter,
)
from bosonline.integrations.whatsapp.http import clean
from bosonline.integrations.whatsapp.registry import adapter_for
from bosonline.runtime import Runtime
from bosonline.worker.sending import SendingJob

log = structlog.get_logger("bosonline.followup")

MAX_TRIES = 5
# Wait after try 1, 2, … that certainly did not send, before the next one.
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15), timedelta(minutes=60))
_OUTCOMES = frozenset(get_args(Outcome))


Sleep = Callable[[float], Awaitable[None]]


def send_deadline(settings: Settings) -> float:
    """The most one send may take, adapter and all: past it the outcome is `unknown`."""
    return settings.wa_send_timeout_seconds + 5.0


def pacing_horizon(settings: Settings) -> timedelta:
    """How far ahead a batch takes paced slots (and waits for them): one poll interval."""
    return timedelta(seconds=max(1.0, settings.worker_poll_seconds))


def batch_seconds(settings: Settings) -> float:
    """The longest one batch can take to send: rounds of sends each bounded by the deadline, and the pacing waits
    (the lease covers it; a stopping server waits for it)."""
    rounds = math.ceil(settings.worker_batch_size / settings.followup_concurrency)
    return rounds * send_deadline(settings) + pacing_horizon(settings).total_seconds()


def make_client(settings: Settings) -> httpx.AsyncClient:
    """The dispatcher's one HTTP client: keep-alive connections sized to the concurrency, no proxy from the
    environment, no redirects (a gateway that redirects a send is not followed blindly)."""
    limits = httpx.Limits(
        max_connections=settings.followup_concurrency, max_keepalive_connections=settings.followup_concurrency
    )
    return httpx.AsyncClient(
        limits=limits,
        timeout=httpx.Timeout(settings.wa_send_timeout_seconds),
        follow_redirects=False,
        trust_env=False,
    )


def _printable(value: object, limit: int) -> str | None:
    """A provider's text as a column can hold it (PostgreSQL refuses NUL in text): one printable line, or None."""
    return None if value is None else (clean(value, limit) or None)


def retry_delay(tries: int) -> timedelta | None:
    """The wait after `tries` tries that certainly did not send; None once MAX_TRIES were made."""
    if tries >= MAX_TRIES:
        return None
    return BACKOFF[min(max(tries, 1), len(BACKOFF)) - 1]


class FollowupJob(SendingJob):
    """One job of the worker loop (worker/loop.py): `run_once()` handles one batch, `sweep()` recovers leases.
    `sleep` is how a send waits for its pacing slot (tests replace it; the slot is read from the runtime clock)."""

    name = "followups"

    make_client = staticmethod(make_client)
    batch_seconds = staticmethod(batch_seconds)

    def __init__(self, runtime: Runtime, *, sleep: Sleep | None = None) -> None:
        super().__init__(runtime)
        self.sleep: Sleep = sleep or asyncio.sleep

    async def run_once(self) -> int:
        """Claims, sends and records one batch; returns how many follow-ups it handled."""
        batch = await self.claim(self.rt.clock.now())
        if batch.claimed:
            started: dict[int, datetime] = {}
            results = await self.send_all(batch.claimed, started)
            metrics.count_whatsapp_sends(
                (message.integration.provider, result.outcome)
                for message, result in zip(batch.claimed, results, strict=True)
            )
            await self.record(batch, results, started)
        if batch.handled or batch.deferred:
            log.info(
                "followup_batch",
                claimed=len(batch.claimed),
                postponed=batch.postponed,
                deferred=batch.deferred,
                **dict(batch.ended),
            )
        return batch.handled

    async def claim(self, now: datetime) -> Batch:
        async with self.rt.db.session() as session:
            batch = await DispatchClaim(session, self.settings, now, pacing_horizon(self.settings)).run(
                now + self.lease
            )
            await session.commit()
        return batch

    async def send_all(self, claimed: list[Claimed], started: dict[int, datetime] | None = None) -> list[SendResult]:
        """Sends the batch; `started` gets the moment each send really started (by follow-up id).

        A paced number's sends go one after the other, in slot order: each waits for its slot and for the previous
        real start + the spacing, and holds its number's turn until it has a connection (a send held up behind
        others does not let the next one catch up with it)."""
        adapters = self._adapters(claimed)
        gate = asyncio.Semaphore(self.settings.followup_concurrency)
        deadline = send_deadline(self.settings)
        starts = started if started is not None else {}
        turns: dict[int, asyncio.Lock] = {}
        last: dict[int, datetime] = {}

        async def send(message: Claimed) -> SendResult:
            adapter = adapters[message.integration.id]
            if isinstance(adapter, SendResult):
                return adapter
            pace = message.integration.pacing_per_minute
            number = message.integration.id
            outgoing = OutgoingMessage(
                to=message.to,
                text=message.text,
                image_url=message.image,
                reference=str(message.id),
                template=message.template,
            )
            async with turns.setdefault(number, asyncio.Lock()) if pace > 0 else contextlib.nullcontext():
                earliest = message.slot
                if pace > 0 and number in last:
                    earliest = max(earliest, last[number] + timedelta(seconds=60 / pace))
                wait = (earliest - self.rt.clock.now()).total_seconds()
                if wait > 0:
                    await self.sleep(wait)
                await gate.acquire()
                starts[message.id] = last[number] = self.rt.clock.now()
            try:
                async with asyncio.timeout(deadline):
                    result = await adapter.send(outgoing)
            except TimeoutError:
                return SendResult("unknown", error=f"no answer within {deadline:g} s")
            except Exception as exc:  # adapters answer outcomes; one that raises may have sent
                log.exception("followup_adapter_raised", message_id=message.id)
                return SendResult("unknown", error=f"adapter error: {type(exc).__name__}")
            finally:
                gate.release()
            if not isinstance(result, SendResult) or result.outcome not in _OUTCOMES:
                return SendResult("unknown", error="unreadable adapter result")
            return result

        return list(await asyncio.gather(*(send(message) for message in claimed)))

    def _adapters(self, claimed: list[Claimed]) -> dict[int, WhatsAppAdapter | SendResult]:
        """One adapter per integration of the batch, or the result of all its sends when none can be built
        (nothing was sent): `retry` when its credentials cannot be read (a key missing from this process's
        settings may be back after a restart; the backoff and MAX_TRIES bound it), `failed` when no adapter can
        be built from them."""
        adapters: dict[int, WhatsAppAdapter | SendResult] = {}
        for message in claimed:
            integration = message.integration
            if integration.id in adapters:
                continue
            try:
                credentials = self.rt.secrets.open(integration.credentials)
            except ValueError:
                log.error("followup_credentials_unreadable", integration_id=integration.id)
                adapters[integration.id] = SendResult("retry", error="credentials unreadable")
                continue
            try:
                adapters[integration.id] = adapter_for(
                    integration.provider, credentials, integration.phone_number, self.client, self.settings
                )
            except Exception as exc:
                log.exception("followup_adapter_unavailable", integration_id=integration.id)
                adapters[integration.id] = SendResult(
                    "failed", error=f"no {integration.provider} adapter: {type(exc).__name__}"
                )
        return adapters

    async def record(self, batch: Batch, results: list[SendResult], started: dict[int, datetime] | None = None) -> None:
        """Writes the outcomes of the rows still ours (see the module docstring); `started`: the real start of
        each send (send_all), which moves its number's pacing clock."""
        now = self.rt.clock.now()
        pairs = sorted(zip(batch.claimed, results, strict=True), key=lambda pair: pair[0].id)
        params = [self._result(message, result, now) for message, result in pairs]
        async with self.rt.db.session() as session:
            # The integration rows first, as deleting an integration takes them (then nulls its follow-ups).
            await self._raise_pace(session, batch.claimed, started or {})
            owned: set[int] = set()
            if params:
                owned = await record_results(session, params, batch.lease_until, now)
            recorded = [item for item in params if item["_id"] in owned]
            sent = [
                (message.integration, item["_message_id"])
                for (message, _), item in zip(pairs, params, strict=True)
                if item["_id"] in owned and item["_status"] == "sent" and item["_message_id"]
            ]
            # Statuses the gateway reported while the batch was going out, before these ids were known.
            await apply_waiting_statuses(session, sent, now)
            await session.commit()
        dropped = [item for item in params if item["_id"] not in owned]
        if dropped:
            log.warning(
                "followup_results_dropped",
                reason="no longer under this claim's lease (changed since)",
                results={item["_id"]: item["_status"] for item in dropped},
            )
        outcomes = Counter(item["_status"] for item in recorded)
        if outcomes["unknown"] or outcomes["failed"]:
            log.warning("followup_sends_not_sent", **dict(outcomes))

    @staticmethod
    async def _raise_pace(session: AsyncSession, claimed: list[Claimed], started: dict[int, datetime]) -> None:
        """`next_send_at` of each paced number of the batch ≥ the last real start of its sends + the spacing."""
        floors: dict[int, datetime] = {}
        for message in claimed:
            pace = message.integration.pacing_per_minute
            start = started.get(message.id)
            if pace > 0 and start is not None:
                floor = start + timedelta(seconds=60 / pace)
                floors[message.integration.id] = max(floors.get(message.integration.id, floor), floor)
        if floors:
            await raise_pace(session, floors)

    @staticmethod
    def _result(message: Claimed, result: SendResult, now: datetime) -> dict[str, Any]:
        error = _printable(result.error, ERROR_CHARS)
        params: dict[str, Any] = {
            "_id": message.id,
            "_status": result.outcome,
            "_due": None,  # unchanged
            "_message_id": None,
            "_error": error,
            "_sent": None,
        }
        if result.outcome == "sent":
            message_id = _printable(result.message_id, 128)
            return {**params, "_message_id": message_id, "_error": None, "_sent": now}
        if result.outcome == "retry":
            delay = retry_delay(message.attempts)
            if delay is None:
                return {
                    **params,
                    "_status": "failed",
                    "_error": f"{error or 'not sent'} (gave up after {MAX_TRIES} tries)"[:ERROR_CHARS],
                }
            return {**params, "_status": "scheduled", "_due": now + delay}
        if result.outcome == "failed":
            return {**params, "_error": error or "the provider refused the message"}
        return {**params, "_status": "unknown", "_error": error or "the outcome of the send is not known"}

    async def sweep(self) -> int:
        """Follow-ups left `sending` by a worker that died (lease expired) become `unknown`: it may have gone
        out, so it is shown to the CS with the wa.me link instead of being sent again. `locked_until` stays: should
        the worker only have been slow, its record still knows the row by it and writes what really happened."""
        now = self.rt.clock.now()
        async with self.rt.db.session() as session:
            count = await sweep_expired(session, now)
            await session.commit()
        if count:
            log.warning("followup_leases_expired", count=count)
        return count
