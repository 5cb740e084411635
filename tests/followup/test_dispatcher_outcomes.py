"""What the dispatcher records for each outcome of a send (sent, retry, failed, unknown), misbehaving adapters and
providers, and a worker that dies mid-batch: no buyer ever gets the same follow-up twice."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlalchemy import select, update
from structlog.testing import capture_logs

from bosonline.followup.dispatch import tasks as tasks_module
from bosonline.followup.dispatch.repository import SWEPT
from bosonline.followup.dispatch.tasks import BACKOFF, MAX_TRIES
from bosonline.integrations.whatsapp.base import SendResult
from bosonline.kit.clock import FrozenClock
from bosonline.models import FollowupMessage, FollowupStatusInbox
from bosonline.runtime import Runtime
from bosonline.worker.loop import Worker
from tests.followup.dispatch_helpers import (
    BUYER,
    add_template,
    add_wa,
    job,
    row,
    rows,
    schedule,
    setup,
)
from tests.followup.fakes import FakeGateway, fonnte_status


async def test_a_send_that_certainly_failed_is_retried_then_sent(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte)
    [message_id] = await schedule(rt, s.template, order_ids=[s.orders[0].id])
    fonnte.fail_next, fonnte.fail_status = 1, 503  # busy: certainly not sent
    followups = job(s.rt)
    assert await followups.run_once() == 1
    waiting = await row(rt, message_id)
    assert (waiting.status, waiting.attempts, waiting.due_at) == ("scheduled", 1, clock.now() + BACKOFF[0])
    assert waiting.error
    clock.advance(minutes=1)
    assert await followups.run_once() == 1
    done = await row(rt, message_id)
    assert (done.status, done.attempts, done.error) == ("sent", 2, None)
    assert len(fonnte.messages) == 1


async def test_five_tries_then_failed(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte)
    [message_id] = await schedule(rt, s.template, order_ids=[s.orders[0].id])
    fonnte.fail_next, fonnte.fail_status = 100, 429
    followups = job(s.rt)
    for tries in range(1, MAX_TRIES):
        assert await followups.run_once() == 1
        assert ((m := await row(rt, message_id)).status, m.attempts) == ("scheduled", tries)
        clock.advance(seconds=BACKOFF[tries - 1].total_seconds())
    assert await followups.run_once() == 1
    final = await row(rt, message_id)
    assert (final.status, final.attempts) == ("failed", MAX_TRIES)
    assert final.error and final.error.endswith(f"(gave up after {MAX_TRIES} tries)")
    clock.advance(days=1)
    assert await followups.run_once() == 0
    assert fonnte.messages == [] and len(fonnte.requests) == MAX_TRIES


async def test_a_refused_send_fails_without_retry(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte)
    [message_id] = await schedule(rt, s.template, order_ids=[s.orders[0].id])
    fonnte.reject_next = 1
    followups = job(s.rt)
    assert await followups.run_once() == 1
    assert ((m := await row(rt, message_id)).status, m.attempts) == ("failed", 1)
    assert m.error
    clock.advance(days=1)
    assert await followups.run_once() == 0


@pytest.mark.parametrize("knob", ["hang_next", "drop_next", "garbage_next", "fail_next"])
async def test_an_unknown_outcome_is_never_sent_again(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway, knob: str
) -> None:
    """A timeout, a dropped connection, an answer that is not JSON, a 500: the message may have gone out."""
    s = await setup(client, rt, fonnte, settings={"wa_send_timeout_seconds": 0.3})
    [message_id] = await schedule(rt, s.template, order_ids=[s.orders[0].id])
    setattr(fonnte, knob, 1)
    followups = job(s.rt)
    try:
        assert await followups.run_once() == 1
        unknown = await row(rt, message_id)
        assert (unknown.status, unknown.attempts, unknown.locked_until) == ("unknown", 1, None)
        assert unknown.error and unknown.text  # shown to the CS with the wa.me link
        clock.advance(days=2)
        assert await followups.run_once() == 0
        assert await followups.sweep() == 0
    finally:
        await followups.aclose()
    assert len(fonnte.requests) == 1
    assert fonnte.per_recipient()[BUYER] <= 1  # at most once, whatever happened


class _Raising:
    provider = "fonnte"

    async def send(self, message: Any) -> SendResult:
        raise RuntimeError("boom")


class _Junk:
    provider = "fonnte"

    async def send(self, message: Any) -> Any:
        return {"ok": True}


@pytest.mark.parametrize(
    ("adapter", "error"), [(_Raising, "adapter error: RuntimeError"), (_Junk, "unreadable adapter result")]
)
async def test_a_misbehaving_adapter_never_crashes_the_dispatcher(
    client: httpx.AsyncClient,
    rt: Runtime,
    fonnte: FakeGateway,
    monkeypatch: pytest.MonkeyPatch,
    adapter: type,
    error: str,
) -> None:
    s = await setup(client, rt, fonnte, 2)
    await schedule(rt, s.template, order_ids=[order.id for order in s.orders])
    monkeypatch.setattr(tasks_module, "adapter_for", lambda *args: adapter())
    assert await job(s.rt).run_once() == 2
    assert [(m.status, m.error) for m in await rows(rt)] == [("unknown", error)] * 2


class _Odd:
    """Answers with control characters (a NUL: PostgreSQL refuses it in text) in what gets recorded."""

    provider = "fonnte"

    async def send(self, message: Any) -> SendResult:
        if message.reference.endswith(("1", "3", "5", "7", "9")):
            return SendResult("sent", message_id="id\x00123\n")
        return SendResult("failed", error="nope\x00\x01 " + "x" * 1_000)


async def test_odd_provider_texts_are_recorded_cleanly(
    client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = await setup(client, rt, fonnte, 2)
    await schedule(rt, s.template, order_ids=[order.id for order in s.orders])
    monkeypatch.setattr(tasks_module, "adapter_for", lambda *args: _Odd())
    assert await job(s.rt).run_once() == 2
    for message in await rows(rt):
        if message.status == "sent":
            assert message.provider_message_id == "id 123"
        else:
            assert message.status == "failed" and message.error is not None
            assert message.error.startswith("nope") and len(message.error) == 500 and "\x00" not in message.error


async def test_unreadable_credentials_retry_the_send_then_fail(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    """Nothing went out: a retry (a key missing from this process may be back after a restart), bounded by the
    backoff and MAX_TRIES like a busy gateway."""
    s = await setup(client, rt, fonnte)
    broken = await add_wa(rt, s.shop.store_id, sealed="gAAAAA-not-a-fernet-token")
    template = await add_template(rt, s.shop.store_id, s.shop.kaos, integration_id=broken, position=2)
    [message_id] = await schedule(rt, template, order_ids=[s.orders[0].id])
    followups = job(s.rt)
    assert await followups.run_once() == 1
    waiting = await row(rt, message_id)
    assert (waiting.status, waiting.attempts, waiting.error) == ("scheduled", 1, "credentials unreadable")
    assert waiting.due_at == clock.now() + BACKOFF[0]
    for tries in range(2, MAX_TRIES + 1):
        clock.advance(seconds=BACKOFF[tries - 2].total_seconds())
        assert await followups.run_once() == 1
    final = await row(rt, message_id)
    assert (final.status, final.attempts) == ("failed", MAX_TRIES)
    assert final.error == f"credentials unreadable (gave up after {MAX_TRIES} tries)"
    assert fonnte.requests == []


# --- a worker that dies ---------------------------------------------------------------------------------------------


async def test_a_worker_killed_mid_send_leaves_unknown_never_a_second_send(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte, 2, settings={"wa_send_timeout_seconds": 30})
    hung, _ = await schedule(rt, s.template, order_ids=[order.id for order in s.orders])
    fonnte.hang_next = 1
    first = job(s.rt)
    running = asyncio.create_task(first.run_once())
    await fonnte.wait_for_requests(2)
    await asyncio.sleep(0.05)  # the second send's answer is read
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    await first.aclose()
    assert {m.status for m in await rows(rt)} == {"sending"}  # nothing recorded: the worker died

    restarted = job(s.rt)
    assert await restarted.run_once() == 0  # claimed rows are not taken again while their lease runs
    assert await restarted.sweep() == 0
    clock.advance(seconds=restarted.lease.total_seconds() + 1)
    assert await restarted.sweep() == 2
    # The lease stays: a record of the worker, had it only been slow, would still know the rows by it.
    assert [(m.status, m.error, m.locked_until is not None) for m in await rows(rt)] == [("unknown", SWEPT, True)] * 2
    clock.advance(days=1)
    assert await restarted.run_once() == 0
    assert await restarted.sweep() == 0
    assert len(fonnte.requests) == 2
    assert sorted(m.text for m in fonnte.messages) == sorted(m.text or "" for m in await rows(rt))  # once each
    assert hung


async def test_a_claim_left_by_a_dead_worker_is_swept_and_a_late_record_still_counts(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte)
    [message_id] = await schedule(rt, s.template, order_ids=[s.orders[0].id])
    late = job(s.rt)
    batch = await late.claim(clock.now())  # claimed, then the worker stalls past its lease
    assert [m.id for m in batch.claimed] == [message_id]
    claimed = await row(rt, message_id)
    assert (claimed.status, claimed.attempts, claimed.locked_until) == ("sending", 1, batch.lease_until)
    assert claimed.text and claimed.phone == BUYER

    clock.advance(seconds=late.lease.total_seconds() + 1)
    async with Worker(s.rt, jobs=[job(s.rt)]) as worker:
        assert await worker.sweep() == 1
        assert await worker.run_once() == 0
    swept = await row(rt, message_id)
    assert (swept.status, swept.error, swept.locked_until) == ("unknown", SWEPT, batch.lease_until)
    # The late worker knows what happened: its record wins over the sweeper's guess.
    await late.record(batch, [SendResult("sent", message_id="late")])
    sent = await row(rt, message_id)
    assert (sent.status, sent.error, sent.provider_message_id, sent.locked_until) == ("sent", None, "late", None)
    # Once recorded, the row is no longer under the lease: a replayed record changes nothing.
    await late.record(batch, [SendResult("failed", error="replayed")])
    assert ((again := await row(rt, message_id)).status, again.provider_message_id) == ("sent", "late")
    assert fonnte.requests == []


async def test_a_late_record_after_the_sweep_writes_what_happened_and_the_waiting_statuses(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    """A worker slower than its lease: the sweeper made its rows `unknown`; its record then writes each outcome
    (a send that certainly did not go out is retried or failed, not left `unknown`), and applies the delivery
    statuses the gateway reported meanwhile to the rows it recorded, and to those only."""
    s = await setup(client, rt, fonnte, 4)
    delivered, busy, refused, taken = await schedule(rt, s.template, order_ids=[o.id for o in s.orders])
    slow = job(s.rt)
    batch = await slow.claim(clock.now())
    assert sorted(m.id for m in batch.claimed) == [delivered, busy, refused, taken]
    # The sends went out; the gateway reports two of them before the worker records anything.
    for message_id in ("late-1", "late-4"):
        hook = await client.post(
            f"/webhooks/whatsapp/{s.wa}", params={"secret": "hook-secret"}, json=fonnte_status(message_id, "delivered")
        )
        assert hook.status_code == 200, hook.text
    clock.advance(seconds=slow.lease.total_seconds() + 1)
    assert await job(s.rt).sweep() == 4
    # Meanwhile something else settled `taken` (here: a provider status by reference): it is no longer ours.
    async with rt.db.session() as session:
        await session.execute(
            update(FollowupMessage).where(FollowupMessage.id == taken).values(status="failed", error="reported")
        )
        await session.commit()

    results = {
        delivered: SendResult("sent", message_id="late-1"),
        busy: SendResult("retry", error="HTTP 503"),
        refused: SendResult("failed", error="invalid number"),
        taken: SendResult("sent", message_id="late-4"),
    }
    with capture_logs() as logs:
        await slow.record(batch, [results[m.id] for m in batch.claimed])
    states = {i: ((m := await row(rt, i)).status, m.provider_message_id, m.error) for i in results}
    assert states == {
        delivered: ("delivered", "late-1", None),  # its waiting status applied
        busy: ("scheduled", None, "HTTP 503"),  # certainly not sent: tried again after the backoff
        refused: ("failed", None, "invalid number"),
        taken: ("failed", None, "reported"),  # left as it was
    }
    assert (await row(rt, busy)).due_at == clock.now() + BACKOFF[0]
    async with rt.db.session(write=False) as session:
        kept = list(await session.scalars(select(FollowupStatusInbox.provider_message_id)))
    assert kept == ["late-4"]  # not applied to a row this record did not write, and not thrown away
    assert [(e["event"], e["results"]) for e in logs if e["event"] == "followup_results_dropped"] == [
        ("followup_results_dropped", {taken: "sent"})
    ]
