"""What the dispatcher records for each outcome of a send (sent, retry, failed, unknown), misbehaving adapters and
providers, and a worker that dies mid-batch: no buyer ever gets the same follow-up twice."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bosonline.followup import tasks as tasks_module
from bosonline.followup.tasks import BACKOFF, MAX_TRIES, SWEPT
from bosonline.integrations.whatsapp.base import SendResult
from bosonline.kit.clock import FrozenClock
from bosonline.runtime import Runtime
from bosonline.worker import Worker
from tests.followup.dispatch_helpers import (
    BUYER,
    TOKEN,
    add_template,
    add_wa,
    job,
    row,
    rows,
    schedule,
    setup,
)
from tests.followup.fakes import FakeGateway


@pytest.fixture
async def fonnte() -> AsyncIterator[FakeGateway]:
    gateway = await FakeGateway("fonnte", token=TOKEN).start()
    yield gateway
    await gateway.close()


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
            assert (
                message.error.startswith("nope") and len(message.error) == 500 and "\x00" not in message.error
            )


async def test_unreadable_credentials_fail_the_send(
    client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte)
    broken = await add_wa(rt, s.shop.store_id, sealed="gAAAAA-not-a-fernet-token")
    template = await add_template(rt, s.shop.store_id, s.shop.kaos, integration_id=broken, position=2)
    [message_id] = await schedule(rt, template, order_ids=[s.orders[0].id])
    assert await job(s.rt).run_once() == 1
    assert ((m := await row(rt, message_id)).status, m.error) == ("failed", "credentials unreadable")
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
    assert [(m.status, m.error, m.locked_until) for m in await rows(rt)] == [("unknown", SWEPT, None)] * 2
    clock.advance(days=1)
    assert await restarted.run_once() == 0
    assert await restarted.sweep() == 0
    assert len(fonnte.requests) == 2
    assert sorted(m.text for m in fonnte.messages) == sorted(
        m.text or "" for m in await rows(rt)
    )  # once each
    assert hung


async def test_a_claim_left_by_a_dead_worker_is_swept_and_a_late_record_is_ignored(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte)
    [message_id] = await schedule(rt, s.template, order_ids=[s.orders[0].id])
    dead = job(s.rt)
    batch = await dead.claim(clock.now())  # claimed, then the process "dies" before sending
    assert [m.id for m in batch.claimed] == [message_id]
    claimed = await row(rt, message_id)
    assert (claimed.status, claimed.attempts, claimed.locked_until) == ("sending", 1, batch.lease_until)
    assert claimed.text and claimed.phone == BUYER

    clock.advance(seconds=dead.lease.total_seconds() + 1)
    async with Worker(s.rt, jobs=[job(s.rt)]) as worker:
        assert await worker.sweep() == 1
        assert await worker.run_once() == 0
    # The dead worker's late answer does not overwrite what the sweeper decided.
    await dead.record(batch, [SendResult("sent", message_id="late")])
    swept = await row(rt, message_id)
    assert (swept.status, swept.error, swept.provider_message_id) == ("unknown", SWEPT, None)
    assert fonnte.requests == []
