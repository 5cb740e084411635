"""Several dispatchers at once on PostgreSQL: disjoint claims (FOR UPDATE SKIP LOCKED), one rotator cursor and one
pacing clock per number shared by all of them, no deadlock, and no buyer ever gets a follow-up twice."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import delete, select, update

from bosonline.followup.dispatch.senders import rotator_position
from bosonline.integrations.whatsapp.base import SendResult
from bosonline.kit.clock import FrozenClock
from bosonline.models import FollowupMessage, StoreSettings, WaIntegration
from bosonline.runtime import Runtime
from tests.envelope import assert_error
from tests.followup.dispatch_helpers import (
    add_template,
    add_wa,
    drain,
    gateway_runtime,
    integration,
    job,
    rotator_cursor,
    rows,
    schedule,
)
from tests.followup.fakes import FakeGateway
from tests.order.helpers import make_checkout_shop, place_orders
from tests.order.status_helpers import clone_orders

pytestmark = pytest.mark.postgres_only
TOKEN = "fonnte-device-token"


async def test_concurrent_dispatchers_send_every_row_exactly_once(
    client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway
) -> None:
    shop = await make_checkout_shop(client, rt, stock=1_000)
    [order] = await place_orders(client, rt, shop)
    order_ids = [order.id, *await clone_orders(rt, order.id, 199)]
    numbers = [await add_wa(rt, shop.store_id, token=TOKEN) for _ in range(3)]
    template = await add_template(
        rt,
        shop.store_id,
        shop.kaos,
        assignation="rotator",
        integration_id=numbers[0],
        text="Pesanan {{order_number}}",
    )
    await schedule(rt, template, order_ids=order_ids)
    small = gateway_runtime(rt, fonnte, worker_batch_size=15, followup_concurrency=5)
    workers = [job(small) for _ in range(3)]
    try:
        async with asyncio.timeout(120):  # a deadlock would hang here
            handled = await asyncio.gather(*(drain(worker, shared_with=rt) for worker in workers))
    finally:
        for worker in workers:
            await worker.aclose()

    assert sum(handled) == 200
    assert all(handled), handled  # they really shared the work
    texts = Counter(message.text for message in fonnte.messages)
    assert len(texts) == 200 and set(texts.values()) == {1}
    done = await rows(rt)
    assert {message.status for message in done} == {"sent"}
    assert {message.attempts for message in done} == {1}
    assert sorted(texts) == sorted(message.text or "" for message in done)
    # One shared rotator cursor: every claim moved it under its lock, none lost an update.
    assert rotator_position(await rotator_cursor(rt, shop.store_id), "fonnte") == 200 % 3
    per_number = Counter(message.integration_id for message in done)
    assert sorted(per_number.values()) == [66, 67, 67]
    assert set(per_number) == set(numbers)


async def test_pacing_holds_across_dispatchers(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    shop = await make_checkout_shop(client, rt)
    orders = await place_orders(client, rt, shop, 6)
    wa = await add_wa(rt, shop.store_id, token=TOKEN, pacing=10)  # one every 6 s
    template = await add_template(rt, shop.store_id, shop.kaos, integration_id=wa)
    await schedule(rt, template, order_ids=[order.id for order in orders])
    small = gateway_runtime(rt, fonnte, worker_batch_size=2)
    workers = [job(small) for _ in range(3)]
    try:
        async with asyncio.timeout(60):
            handled = await asyncio.gather(*(worker.run_once() for worker in workers))
    finally:
        for worker in workers:
            await worker.aclose()
    # Three workers took disjoint pairs at the same moment, but the number had one slot to give in 5 s: the
    # others found its row taken (their rows wait for the next batch) or its next slot 6 s away (postponed).
    assert max(handled) == 2
    assert len(fonnte.messages) == 1
    states = Counter(message.status for message in await rows(rt))
    assert states == {"sent": 1, "scheduled": 5}
    assert (await integration(rt, wa)).next_send_at == clock.now() + timedelta(seconds=6)


async def test_a_claim_gives_way_to_a_checkout_holding_its_store(
    client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway
) -> None:
    """A checkout locks its store's settings row (order number, CS rotator), then cancels the follow-ups of the
    abandoned checkout it converts. A rotator claim holding such a follow-up and waiting for the same settings
    row would deadlock with it: the claim gives up on the row instead, and the checkout goes through."""
    shop = await make_checkout_shop(client, rt)
    [order] = await place_orders(client, rt, shop)
    await add_wa(rt, shop.store_id, token=TOKEN)
    template = await add_template(rt, shop.store_id, shop.kaos, assignation="rotator")
    [message_id] = await schedule(rt, template, order_ids=[order.id])
    followups = job(gateway_runtime(rt, fonnte))
    async with asyncio.timeout(10):
        async with rt.db.session() as checkout:
            await checkout.execute(
                update(StoreSettings)
                .where(StoreSettings.store_id == shop.store_id)
                .values(order_seq=StoreSettings.order_seq + 1)
            )
            claiming = asyncio.create_task(followups.run_once())
            await asyncio.sleep(0.1)  # let the claim take its rows and queue for the settings row
            await checkout.execute(
                update(FollowupMessage)
                .where(FollowupMessage.id == message_id, FollowupMessage.status == "scheduled")
                .values(status="canceled", error="checkout converted to an order")
            )
            await checkout.commit()
        assert await claiming == 0
    await followups.aclose()
    [message] = await rows(rt)
    assert (message.status, message.error) == ("canceled", "checkout converted to an order")
    assert fonnte.requests == []


async def test_deleting_an_integration_while_a_claim_sends_from_it_does_not_deadlock(
    client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway
) -> None:
    """Deleting an integration locks its row, then nulls the follow-ups that name it, one of which the claim holds;
    the claim's writes naming the integration need its row. The claim takes that row first, with a bounded wait:
    it leaves those follow-ups for the next batch, and the delete goes through at once."""
    shop = await make_checkout_shop(client, rt)
    orders = await place_orders(client, rt, shop, 2)
    wa = await add_wa(rt, shop.store_id, token=TOKEN)
    template = await add_template(rt, shop.store_id, shop.kaos, integration_id=wa)
    fresh, retried = await schedule(rt, template, order_ids=[order.id for order in orders])
    async with rt.db.session() as session:  # tried once from this number already: deleting it nulls the row
        await session.execute(
            update(FollowupMessage).where(FollowupMessage.id == retried).values(integration_id=wa, attempts=1)
        )
        await session.commit()
    followups = job(gateway_runtime(rt, fonnte))
    try:
        async with asyncio.timeout(10):
            async with rt.db.session() as deleting:  # as DELETE /store/wa-integration/{id} does
                await deleting.execute(select(WaIntegration).where(WaIntegration.id == wa).with_for_update())
                claiming = asyncio.create_task(followups.run_once())
                await asyncio.sleep(0.5)  # the claim holds the follow-ups and meets the integration's row
                started = asyncio.get_running_loop().time()
                await deleting.execute(delete(WaIntegration).where(WaIntegration.id == wa))
                await deleting.commit()
                waited = asyncio.get_running_loop().time() - started
            assert await claiming == 0  # nothing handled: both wait for the next batch
        assert waited < 0.5  # not held until a deadlock timeout
        assert [(m.status, m.integration_id, m.attempts) for m in await rows(rt)] == [
            ("scheduled", None, 0),
            ("scheduled", None, 1),
        ]
        assert fonnte.requests == []
        # The next batch finds the number gone.
        assert await followups.run_once() == 2
    finally:
        await followups.aclose()
    assert {(m.status, m.error) for m in await rows(rt)} == {
        ("scheduled", "no active WhatsApp number: the template's WhatsApp integration is missing or inactive")
    }
    assert fresh < retried


async def test_a_follow_up_and_a_record_lock_an_orders_rows_in_the_same_order(
    client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway
) -> None:
    """A CS's Follow Up locks all rows of the order; the dispatcher's record locks the rows of its batch in id
    order. With Follow Up 2's row older than Follow Up 1's, locking by step would take them the other way round
    (and deadlock with the record); both now lock by id, and the Follow Up simply waits its turn."""
    shop = await make_checkout_shop(client, rt)
    [order] = await place_orders(client, rt, shop)
    wa = await add_wa(rt, shop.store_id, token=TOKEN)
    one = await add_template(rt, shop.store_id, shop.kaos, integration_id=wa, position=1)
    two = await add_template(rt, shop.store_id, shop.kaos, integration_id=wa, position=2)
    [step_two] = await schedule(rt, two, order_ids=[order.id])
    [step_one] = await schedule(rt, one, order_ids=[order.id])
    assert step_two < step_one
    followups = job(gateway_runtime(rt, fonnte))
    batch = await followups.claim(rt.clock.now())
    assert sorted(m.id for m in batch.claimed) == [step_two, step_one]
    results = [SendResult("sent", message_id=f"id-{m.id}") for m in batch.claimed]
    try:
        async with asyncio.timeout(10):
            async with rt.db.session() as holder:  # something holds Follow Up 1's row for a moment
                await holder.execute(select(FollowupMessage.id).where(FollowupMessage.id == step_one).with_for_update())
                follow_up = asyncio.create_task(
                    client.post("/store/order/followup", json={"order_id": order.id}, headers=shop.headers)
                )
                await asyncio.sleep(0.3)  # the Follow Up waits for that row
                recording = asyncio.create_task(followups.record(batch, results))
                await asyncio.sleep(0.3)  # the record waits too
                await holder.commit()
            answer = await follow_up
            await recording  # no deadlock error
    finally:
        await followups.aclose()
    assert_error(answer, 409, "followup_sending")  # both were being sent: nothing for the CS to do
    assert {(m.id, m.status, m.provider_message_id) for m in await rows(rt)} == {
        (step_two, "sent", f"id-{step_two}"),
        (step_one, "sent", f"id-{step_one}"),
    }
