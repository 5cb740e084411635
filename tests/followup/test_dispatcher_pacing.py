"""Pacing (followup/dispatch/pacing.py): each number sends at most `pacing_per_minute` messages a minute, spaced evenly, a
follow-up beyond the batch's horizon holds its own slot (postponed once, not rendered until it goes), and the
spacing holds between real send starts, also when a send starts late."""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.config import Settings
from bosonline.followup.dispatch import repository as dispatch_claim
from bosonline.followup.dispatch import tasks as tasks_module
from bosonline.followup.dispatch.repository import Batch
from bosonline.followup.dispatch.tasks import FollowupJob
from bosonline.followup.render import OrderTexts
from bosonline.followup.rules import PACED
from bosonline.integrations.whatsapp.base import OutgoingMessage, SendResult
from bosonline.kit.clock import FrozenClock
from bosonline.models import FollowupMessage, Order, Store
from bosonline.runtime import Runtime
from tests.followup.dispatch_helpers import (
    TOKEN,
    Sleeps,
    add_template,
    add_wa,
    gateway_runtime,
    integration,
    job,
    row,
    rows,
    schedule,
    setup,
)
from tests.followup.fakes import FakeGateway
from tests.order.helpers import make_checkout_shop, place_orders
from tests.order.status_helpers import clone_orders


async def test_pacing_spaces_the_messages_of_a_number(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte, 3, pacing=10)  # one every 6 s
    start = clock.now()
    first, second, third = await schedule(rt, s.template, order_ids=[order.id for order in s.orders])
    followups = job(s.rt)
    assert await followups.run_once() == 3
    assert (await row(rt, first)).status == "sent"
    assert [((m := await row(rt, i)).status, m.due_at, m.error, m.integration_id) for i in (second, third)] == [
        ("scheduled", start + timedelta(seconds=6), PACED, s.wa),
        ("scheduled", start + timedelta(seconds=12), PACED, s.wa),
    ]  # each holds its slot on the number
    assert (await integration(rt, s.wa)).next_send_at == start + timedelta(seconds=6)
    clock.advance(seconds=5)
    assert await followups.run_once() == 0
    clock.advance(seconds=1)
    assert await followups.run_once() == 1
    assert (await row(rt, second)).status == "sent"
    assert (await row(rt, third)).status == "scheduled"
    clock.advance(seconds=6)
    assert await followups.run_once() == 1
    assert len(fonnte.messages) == 3


async def test_pacing_waits_for_slots_within_the_batch_and_numbers_are_independent(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte, 6, pacing=60, settings={"worker_poll_seconds": 5})  # one a second
    other = await add_wa(rt, s.shop.store_id, token=TOKEN, pacing=60)
    second = await add_template(rt, s.shop.store_id, s.shop.kaos, integration_id=other, position=2)
    await schedule(rt, s.template, order_ids=[order.id for order in s.orders[:3]])
    await schedule(rt, second, order_ids=[order.id for order in s.orders[3:]])
    sleeps = Sleeps()
    assert await FollowupJob(s.rt, sleep=sleeps).run_once() == 6
    # Each number: now, +1 s, +2 s; the two numbers do not wait for each other.
    assert sorted(sleeps.waits) == [1.0, 1.0, 2.0, 2.0]
    assert {m.status for m in await rows(rt)} == {"sent"}
    for wa in (s.wa, other):
        assert (await integration(rt, wa)).next_send_at == clock.now() + timedelta(seconds=3)


async def test_a_paced_backlog_is_postponed_once_each_to_its_own_slot(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """500 follow-ups due at once on a number paced at 10 a minute, the worker polling for 10 minutes: 100 go, one
    every 6 s; each of the others is postponed once, to a slot of its own, and nothing is rendered twice."""
    shop = await make_checkout_shop(client, rt, stock=1_000)
    [order] = await place_orders(client, rt, shop)
    order_ids = [order.id, *await clone_orders(rt, order.id, 499)]
    wa = await add_wa(rt, shop.store_id, token=TOKEN, pacing=10)
    template = await add_template(rt, shop.store_id, shop.kaos, integration_id=wa)
    await schedule(rt, template, order_ids=order_ids)
    start = clock.now()

    rendered: Counter[int] = Counter()
    render = dispatch_claim.load_order_texts

    async def counting_render(
        session: AsyncSession, settings: Settings, stores: dict[int, Store], orders: Collection[Order]
    ) -> OrderTexts:
        rendered.update(order.id for order in orders)
        return await render(session, settings, stores, orders)

    monkeypatch.setattr(dispatch_claim, "load_order_texts", counting_render)
    followups = job(gateway_runtime(rt, fonnte))
    claim = followups.claim
    totals: Counter[str] = Counter()

    async def counting_claim(now: datetime) -> Batch:
        batch = await claim(now)
        totals.update(claims=1, postponed=batch.postponed, claimed=len(batch.claimed))
        return batch

    followups.claim = counting_claim  # type: ignore[method-assign]
    try:
        for _ in range(100):  # one poll per 6 s slot, each running batches until one handles nothing
            while await followups.run_once():
                pass
            clock.advance(seconds=6)
    finally:
        await followups.aclose()

    assert len(fonnte.messages) == 100 == totals["claimed"]
    # 100 sent + 400 waiting: the first went at once, each of the 499 others was postponed exactly once.
    assert totals["postponed"] == 499
    assert totals["claims"] <= 100 * 2 + 500 // 50 + 1  # per poll: the batch that sends, the one that finds none
    assert len(rendered) == 100 and set(rendered.values()) == {1}  # only what was sent, once
    sent = await rows(rt, FollowupMessage.status == "sent")
    assert [m.sent_at for m in sent] == [start + timedelta(seconds=6 * k) for k in range(100)]
    waiting = await rows(rt, FollowupMessage.status == "scheduled")
    assert [m.due_at for m in waiting] == [start + timedelta(seconds=6 * k) for k in range(100, 500)]
    assert {(m.error, m.integration_id, m.attempts) for m in waiting} == {(PACED, wa, 0)}
    assert (await integration(rt, wa)).next_send_at == start + timedelta(minutes=10)


async def test_a_new_follow_up_queues_after_the_held_slots(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte, 4, pacing=10)
    start = clock.now()
    first, second, third = await schedule(rt, s.template, order_ids=[o.id for o in s.orders[:3]])
    followups = job(s.rt)
    assert await followups.run_once() == 3
    clock.advance(seconds=1)
    [late] = await schedule(rt, s.template, order_ids=[s.orders[3].id])
    assert await followups.run_once() == 1
    assert [((m := await row(rt, i)).status, m.due_at) for i in (first, second, third, late)] == [
        ("sent", start),
        ("scheduled", start + timedelta(seconds=6)),
        ("scheduled", start + timedelta(seconds=12)),
        ("scheduled", start + timedelta(seconds=18)),  # after the slots held before it, not in one of them
    ]
    for _ in range(3):
        clock.advance(seconds=6)
        assert await followups.run_once() == 1
    assert len(fonnte.messages) == 4


class _Timed:
    """The real adapter, noting the (frozen) clock when each send starts; `slow` sends take 4 s."""

    def __init__(self, inner: Any, clock: FrozenClock, starts: list[tuple[str, datetime]], slow: set[str]) -> None:
        self.inner, self.clock, self.starts, self.slow = inner, clock, starts, slow
        self.provider = inner.provider

    async def send(self, message: OutgoingMessage) -> SendResult:
        self.starts.append((message.reference or "", self.clock.now()))
        if message.reference in self.slow:
            self.clock.advance(seconds=4)
        return await self.inner.send(message)


def _timed(monkeypatch: pytest.MonkeyPatch, clock: FrozenClock, slow: set[str]) -> list[tuple[str, datetime]]:
    starts: list[tuple[str, datetime]] = []
    real = tasks_module.adapter_for
    monkeypatch.setattr(tasks_module, "adapter_for", lambda *args: _Timed(real(*args), clock, starts, slow))
    return starts


def _moving(clock: FrozenClock) -> Any:
    """A FollowupJob sleep that lets the time pass on the frozen clock."""

    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)

    return sleep


async def test_a_send_that_starts_late_pushes_the_next_batch_back(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One a second, one connection: the first send takes 4 s, so the second (slot +1 s) starts at +4 s. The next
    batch does not send at its slot (+2 s, long past) but 1 s after that real start."""
    s = await setup(client, rt, fonnte, 3, pacing=60, settings={"followup_concurrency": 1})
    start = clock.now()
    first, second = await schedule(rt, s.template, order_ids=[o.id for o in s.orders[:2]])
    starts = _timed(monkeypatch, clock, {str(first)})
    followups = FollowupJob(s.rt, sleep=_moving(clock))
    assert await followups.run_once() == 2
    assert starts == [(str(first), start), (str(second), start + timedelta(seconds=4))]
    assert (await integration(rt, s.wa)).next_send_at == start + timedelta(seconds=5)

    [third] = await schedule(rt, s.template, order_ids=[s.orders[2].id])  # due now, at +4 s
    assert await followups.run_once() == 1
    assert starts[2] == (str(third), start + timedelta(seconds=5))
    assert {m.status for m in await rows(rt)} == {"sent"}


async def test_sends_of_a_number_held_up_behind_others_keep_their_spacing(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One connection, taken 4 s by another number's send: the paced number's two sends (slots +0 s and +1 s)
    cannot both go the moment it is free; the second waits the spacing after the first's real start."""
    s = await setup(client, rt, fonnte, 3, pacing=60, settings={"followup_concurrency": 1})
    other = await add_wa(rt, s.shop.store_id, token=TOKEN)  # not paced
    busy = await add_template(rt, s.shop.store_id, s.shop.kaos, integration_id=other, position=2)
    start = clock.now()
    [blocker] = await schedule(rt, busy, order_ids=[s.orders[0].id])
    first, second = await schedule(rt, s.template, order_ids=[o.id for o in s.orders[1:]])
    starts = _timed(monkeypatch, clock, {str(blocker)})
    assert await FollowupJob(s.rt, sleep=_moving(clock)).run_once() == 3
    assert starts == [
        (str(blocker), start),
        (str(first), start + timedelta(seconds=4)),
        (str(second), start + timedelta(seconds=5)),
    ]
    assert (await integration(rt, s.wa)).next_send_at == start + timedelta(seconds=6)
