"""The follow-up dispatcher (followup/dispatch/tasks.py) sending through fake gateways on 127.0.0.1: what the buyer gets,
when, from which number, and that no buyer ever gets the same follow-up twice."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, time, timedelta

import httpx
from lokal import format_rupiah
from sqlalchemy import update

from bosonline.followup.dispatch.quiet_hours import quiet_until
from bosonline.followup.dispatch.senders import rotator_position
from bosonline.kit.clock import FrozenClock
from bosonline.kit.links import public_form_url
from bosonline.models import CheckoutLead, FollowupChat, FollowupMessage
from bosonline.runtime import Runtime
from bosonline.worker import wakeup
from bosonline.worker.loop import Worker
from tests.followup.dispatch_helpers import (
    BUYER,
    TOKEN,
    Setup,
    add_template,
    add_wa,
    gateway_runtime,
    job,
    rotator_cursor,
    row,
    rows,
    schedule,
    set_active,
    set_quiet_hours,
    setup,
)
from tests.followup.fakes import FakeGateway
from tests.order.helpers import make_checkout_shop, place_orders
from tests.order.status_helpers import clone_orders, set_status
from tests.querycount import count_queries

# --- sending --------------------------------------------------------------------------------------------------------


async def test_sends_the_rendered_text_to_the_buyer(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte, image="https://cdn.example.com/promo.jpg")
    [message_id] = await schedule(rt, s.template, order_ids=[s.orders[0].id])
    followups = job(s.rt)
    try:
        assert await followups.run_once() == 1
        assert await followups.run_once() == 0
    finally:
        await followups.aclose()

    order = s.orders[0]
    expected = f"Halo Siti Aminah, pesanan {order.number} sebesar {format_rupiah(order.total)} menunggu pembayaran."
    [sent] = fonnte.messages
    assert (sent.to, sent.text, sent.auth) == (BUYER, expected, TOKEN)
    assert sent.image == "https://cdn.example.com/promo.jpg"
    done = await row(rt, message_id)
    assert (done.status, done.attempts, done.error, done.locked_until) == ("sent", 1, None, None)
    assert (done.text, done.phone, done.image) == (
        expected,
        BUYER,
        sent.image,
    )  # what was sent is what is recorded
    assert (done.provider_message_id, done.integration_id) == (sent.id, s.wa)
    assert done.sent_at == done.updated_at == clock.now()


async def test_nothing_due_is_lost(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte, 3)
    start = clock.now()
    ids = []
    for order, hours in zip(s.orders, (0, 2, 26), strict=True):
        ids += await schedule(rt, s.template, order_ids=[order.id], due_at=start + timedelta(hours=hours))
    async with Worker(s.rt, jobs=[job(s.rt)]) as worker:
        assert await worker.run_once() == 1
        clock.advance(hours=2, seconds=-1)
        assert await worker.run_once() == 0
        clock.advance(seconds=1)
        assert await worker.run_once() == 1
        clock.advance(hours=24)
        assert await worker.run_once() == 1
    assert [message.status for message in await rows(rt)] == ["sent"] * 3
    assert len(fonnte.messages) == 3
    assert [(await row(rt, message_id)).sent_at for message_id in ids] == [
        start,
        start + timedelta(hours=2),
        start + timedelta(hours=26),
    ]


async def test_manual_rows_are_never_claimed(client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway) -> None:
    s = await setup(client, rt, fonnte)
    manual = await add_template(rt, s.shop.store_id, s.shop.kaos, provider="manual", position=2)
    [message_id] = await schedule(rt, manual, order_ids=[s.orders[0].id])
    assert await job(s.rt).run_once() == 0
    assert (await row(rt, message_id)).status == "scheduled"
    assert fonnte.messages == []


async def test_orders_paid_or_canceled_stop_their_follow_ups(
    client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte, 4)
    paid, canceled, confirmed, open_ = (order.id for order in s.orders)
    await set_status(rt, [paid], "pending", payment_status="paid")
    await set_status(rt, [canceled], "canceled")
    await set_status(rt, [confirmed], "confirmed")
    ids = await schedule(rt, s.template, order_ids=[paid, canceled, confirmed, open_])
    gone = await add_template(rt, s.shop.store_id, s.shop.kaos, integration_id=s.wa, position=2)
    [orphan] = await schedule(rt, gone, order_ids=[open_])
    async with s.rt.db.session() as session:
        await session.delete(await session.get(FollowupChat, gone.id))
        await session.commit()

    assert await job(s.rt).run_once() == 5
    states = [((m := await row(rt, message_id)).status, m.error) for message_id in [*ids, orphan]]
    assert states == [
        ("canceled", "order paid"),
        ("canceled", "order canceled"),
        ("canceled", "order confirmed"),
        ("sent", None),
        ("canceled", "template deleted"),
    ]
    assert len(fonnte.messages) == 1


async def test_status_trigger_applies_only_in_that_status(
    client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte, 3, trigger="shipped", text="Pesanan {{order_number}} sudah dikirim")
    shipped, pending, canceled = (order.id for order in s.orders)
    await set_status(rt, [shipped], "shipped")
    await set_status(rt, [canceled], "canceled")
    first, second, third = await schedule(rt, s.template, order_ids=[shipped, pending, canceled])
    assert await job(s.rt).run_once() == 3
    # the pending order may still be shipped: its follow-up waits (it used to be canceled); the canceled one's ends
    assert [((m := await row(rt, i)).status, m.error) for i in (first, second, third)] == [
        ("sent", None),
        ("scheduled", "waiting for order shipped"),
        ("canceled", "order canceled"),
    ]
    assert len(fonnte.messages) == 1


async def test_a_status_follow_up_due_early_waits_then_goes_when_the_order_gets_there(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte, trigger="shipped", text="Pesanan {{order_number}} sudah dikirim")
    order = s.orders[0]
    [message_id] = await schedule(rt, s.template, order_ids=[order.id])
    followups = job(s.rt)
    try:
        assert await followups.run_once() == 1  # due while the order is pending: held back, not canceled
        waiting = await row(rt, message_id)
        assert (waiting.status, waiting.error, waiting.attempts) == ("scheduled", "waiting for order shipped", 0)
        assert waiting.due_at == clock.now() + timedelta(hours=1)
        assert await followups.run_once() == 0 and fonnte.messages == []

        clock.advance(minutes=5)
        woken = asyncio.Event()
        wakeup.subscribe(woken)
        try:
            shipped = await client.patch(
                f"/store/order/{order.id}/status", json={"status": "shipped"}, headers=s.shop.headers
            )
        finally:
            wakeup.unsubscribe(woken)
        assert shipped.status_code == 200, shipped.text
        assert woken.is_set()
        due = await row(rt, message_id)
        assert (due.status, due.error, due.due_at) == ("scheduled", None, clock.now())  # at once, not in an hour
        assert await followups.run_once() == 1
    finally:
        await followups.aclose()
    [sent] = fonnte.messages
    assert (sent.to, sent.text) == (BUYER, f"Pesanan {order.number} sudah dikirim")
    assert (await row(rt, message_id)).status == "sent"


async def test_no_text_for_the_payment_category_is_skipped(
    client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway
) -> None:
    shop = await make_checkout_shop(client, rt)
    orders = await place_orders(client, rt, shop, 1) + await place_orders(client, rt, shop, 1, payment_method="cod")
    wa = await add_wa(rt, shop.store_id, token=TOKEN)
    template = await add_template(rt, shop.store_id, shop.kaos, integration_id=wa)
    both = await schedule(rt, template, order_ids=[order.id for order in orders])
    s = Setup(gateway_runtime(rt, fonnte), shop, orders, wa, template)
    assert await job(s.rt).run_once() == 2
    assert [(m.status, m.error) for m in await rows(rt)] == [("sent", None), ("skipped", "no text for cod")]
    assert len(both) == len(fonnte.messages) + 1


async def test_abandoned_checkout_is_followed_up_until_converted(
    client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway
) -> None:
    s = await setup(
        client,
        rt,
        fonnte,
        trigger="abandoned",
        text="",
        cod="Kak {{customer_name}}, {{items}}: {{payment_url}}",
    )
    leads = []
    async with rt.db.session() as session:
        for status in ("open", "converted"):
            lead = CheckoutLead(
                store_id=s.shop.store_id,
                form_id=s.shop.form_id,
                token=uuid.uuid4().hex[:24],
                name="Rina",
                phone="6281311112222",
                items=[{"variant_id": s.shop.red, "quantity": 2}],
                payment_method="cod",
                status=status,
                created_at=rt.clock.now(),
                updated_at=rt.clock.now(),
            )
            session.add(lead)
            await session.flush()
            leads.append(lead.id)
        await session.commit()
    first, second = await schedule(rt, s.template, lead_ids=leads)
    assert await job(s.rt).run_once() == 2
    url = public_form_url(rt.settings, s.shop.subdomain, s.shop.slug)
    [sent] = fonnte.messages
    assert (sent.to, sent.text) == ("6281311112222", f"Kak Rina, 2 × Kaos Polos (Merah / L): {url}")
    assert ((await row(rt, first)).status, (await row(rt, second)).error) == (
        "sent",
        "checkout converted to an order",
    )


# --- quiet hours ----------------------------------------------------------------------------------------------------


def test_quiet_hours_window() -> None:
    start, end = time(21, 0), time(8, 0)
    wib = "Asia/Jakarta"  # UTC+7
    evening = datetime(2026, 11, 21, 15, 0, tzinfo=UTC)  # 22:00 WIB
    assert quiet_until(evening, start, end, wib) == datetime(2026, 11, 22, 1, 0, tzinfo=UTC)  # 08:00 WIB
    early = datetime(2026, 11, 21, 23, 30, tzinfo=UTC)  # 06:30 WIB on the 22nd
    assert quiet_until(early, start, end, wib) == datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
    assert quiet_until(datetime(2026, 11, 21, 1, 0, tzinfo=UTC), start, end, wib) is None  # 08:00 sharp
    assert quiet_until(datetime(2026, 11, 21, 13, 59, tzinfo=UTC), start, end, wib) is None  # 20:59
    assert quiet_until(evening, start, start, wib) is None  # equal: no quiet hours
    lunch = (time(12, 0), time(13, 0))  # a window within the day
    assert quiet_until(datetime(2026, 11, 21, 5, 30, tzinfo=UTC), *lunch, wib) == datetime(
        2026, 11, 21, 6, 0, tzinfo=UTC
    )
    assert quiet_until(datetime(2026, 11, 21, 6, 0, tzinfo=UTC), *lunch, wib) is None
    # Makassar (WITA, UTC+8): 22:00 there is 14:00 UTC.
    assert quiet_until(datetime(2026, 11, 21, 14, 0, tzinfo=UTC), start, end, "Asia/Makassar") == datetime(
        2026, 11, 22, 0, 0, tzinfo=UTC
    )


async def test_quiet_hours_postpone_but_not_a_cs_request(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte, 2)
    await set_quiet_hours(rt, s.shop.store_id, time(21, 0), time(8, 0))
    clock.advance(hours=12)  # 15:00 UTC = 22:00 WIB
    [held] = await schedule(rt, s.template, order_ids=[s.orders[0].id])
    [asked] = await schedule(rt, s.template, order_ids=[s.orders[1].id], actor_member_id=s.shop.cs_members[0])
    followups = job(s.rt)
    assert await followups.run_once() == 2
    morning = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)  # 08:00 WIB
    waiting = await row(rt, held)
    assert (waiting.status, waiting.due_at, waiting.attempts) == ("scheduled", morning, 0)
    assert (await row(rt, asked)).status == "sent"
    assert [m.to for m in fonnte.messages] == [BUYER]
    clock.advance(hours=10, seconds=-1)
    assert await followups.run_once() == 0
    clock.advance(seconds=1)
    assert await followups.run_once() == 1
    assert (await row(rt, held)).status == "sent"
    assert len(fonnte.messages) == 2


# --- which number sends ---------------------------------------------------------------------------------------------


async def test_handler_assignation_uses_the_cs_number(
    client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte, 3, assignation="handler")
    first_cs, second_cs = s.shop.cs_members
    owned = {
        first_cs: await add_wa(rt, s.shop.store_id, token=TOKEN, owner_member_id=first_cs),
        second_cs: await add_wa(rt, s.shop.store_id, token=TOKEN, owner_member_id=second_cs, active=False),
    }
    await schedule(rt, s.template, order_ids=[order.id for order in s.orders])
    assert await job(s.rt).run_once() == 3
    for order, message in zip(s.orders, await rows(rt), strict=True):
        assert message.status == "sent"
        # The CS's own active number; the template's number when the CS has none active.
        assert message.integration_id == (owned[first_cs] if order.handler_id == first_cs else s.wa)
    assert {order.handler_id for order in s.orders} == {first_cs, second_cs}


async def test_rotator_round_robin_and_the_buyer_keeps_one_sender(
    client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway
) -> None:
    s = await setup(client, rt, fonnte, 4, assignation="rotator")
    two = await add_wa(rt, s.shop.store_id, token=TOKEN)
    await add_wa(rt, s.shop.store_id, token=TOKEN, active=False)
    await add_wa(rt, s.shop.store_id, provider="wablas")  # another provider: not rotated over
    three = await add_wa(rt, s.shop.store_id, token=TOKEN)
    order_ids = [order.id for order in s.orders]
    await schedule(rt, s.template, order_ids=order_ids)
    followups = job(s.rt)
    assert await followups.run_once() == 4
    first_round = [m.integration_id for m in await rows(rt)]
    assert first_round == [s.wa, two, three, s.wa]
    assert rotator_position(await rotator_cursor(rt, s.shop.store_id), "fonnte") == 1  # `two` goes next

    later = await add_template(rt, s.shop.store_id, s.shop.kaos, assignation="rotator", integration_id=s.wa, position=2)
    await schedule(rt, later, order_ids=order_ids)
    assert await followups.run_once() == 4
    second_round = [m.integration_id for m in await rows(rt, FollowupMessage.template_id == later.id)]
    assert second_round == first_round  # each buyer hears from the same number again
    assert rotator_position(await rotator_cursor(rt, s.shop.store_id), "fonnte") == 1


async def test_rotator_gives_each_provider_its_turns(client: httpx.AsyncClient, rt: Runtime) -> None:
    """Two Fonnte and two Wablas numbers (in that id order), follow-ups alternating between a Fonnte and a Wablas
    rotator template: all four numbers send, each provider's in turn."""
    async with FakeGateway("fonnte", token=TOKEN) as fonnte, FakeGateway("wablas", token="wablas-token") as wablas:
        shop = await make_checkout_shop(client, rt)
        [order] = await place_orders(client, rt, shop)
        order_ids = [order.id, *await clone_orders(rt, order.id, 7)]
        wablas_credentials = {"token": "wablas-token", "server": "tegal", "webhook_secret": "hook-secret"}
        f1, f2 = [await add_wa(rt, shop.store_id, token=TOKEN) for _ in range(2)]
        w1, w2 = [await add_wa(rt, shop.store_id, provider="wablas", credentials=wablas_credentials) for _ in range(2)]
        by_fonnte = await add_template(rt, shop.store_id, shop.kaos, assignation="rotator", integration_id=f1)
        by_wablas = await add_template(
            rt, shop.store_id, shop.kaos, provider="wablas", assignation="rotator", integration_id=w1, position=2
        )
        for index, order_id in enumerate(order_ids):  # alternating, in this order (due together: id order)
            await schedule(rt, by_wablas if index % 2 else by_fonnte, order_ids=[order_id])
        followups = job(gateway_runtime(rt, fonnte, wablas))
        try:
            assert await followups.run_once() == 8
        finally:
            await followups.aclose()
    done = await rows(rt)
    assert [m.integration_id for m in done] == [f1, w1, f2, w2, f1, w1, f2, w2]
    assert {m.status for m in done} == {"sent"}
    assert (len(fonnte.messages), len(wablas.messages)) == (4, 4)
    cursor = await rotator_cursor(rt, shop.store_id)
    assert (rotator_position(cursor, "fonnte"), rotator_position(cursor, "wablas")) == (0, 0)  # both went round


async def test_a_claim_renders_many_stores_in_as_many_queries_as_one(
    client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway
) -> None:
    """Rendering is a fixed number of queries (lines, handlers, bank accounts, …) whatever the stores a batch
    spans: a claim over 4 stores sends as many statements as one over 1 store."""
    counts = []
    for stores in (1, 4):
        for _ in range(stores):
            shop = await make_checkout_shop(client, rt)
            orders = await place_orders(client, rt, shop, 2)
            wa = await add_wa(rt, shop.store_id, token=TOKEN)
            template = await add_template(rt, shop.store_id, shop.kaos, integration_id=wa)
            await schedule(rt, template, order_ids=[order.id for order in orders])
        followups = job(gateway_runtime(rt, fonnte))
        with count_queries(rt) as queries:
            batch = await followups.claim(rt.clock.now())
        assert len(batch.claimed) == 2 * stores
        counts.append(queries.count)
        await followups.record(batch, await followups.send_all(batch.claimed))
        await followups.aclose()
    assert counts[0] == counts[1], counts


async def test_no_active_number_keeps_the_follow_up_until_one_is_active_again(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    """A paused (or deleted) number sends nothing: the follow-ups stay scheduled, looked at again an hour later,
    the CS sees them meanwhile with the reason; once the number is active again they go."""
    s = await setup(client, rt, fonnte, 2)
    rotating = await add_template(
        rt, s.shop.store_id, s.shop.kaos, provider="fonnte", assignation="rotator", position=2
    )
    await set_active(rt, s.wa, False)
    fixed, rotated = await schedule(rt, s.template, order_ids=[s.orders[0].id]) + await schedule(
        rt, rotating, order_ids=[s.orders[1].id]
    )
    followups = job(s.rt)
    try:
        assert await followups.run_once() == 2
        later = clock.now() + timedelta(hours=1)
        assert [((m := await row(rt, i)).status, m.due_at, m.attempts, m.error) for i in (fixed, rotated)] == [
            ("scheduled", later, 0,
             "no active WhatsApp number: the template's WhatsApp integration is missing or inactive"),
            ("scheduled", later, 0,
             "no active WhatsApp number: no active fonnte WhatsApp integration in the store to rotate over"),
        ]  # fmt: skip
        assert await followups.run_once() == 0  # not looked at again before the hour is up
        listed = (await client.get("/store/order/followup-attempts", headers=s.shop.headers)).json()["data"]
        assert sorted((item["order_id"], item["channel"], item["error"][:26]) for item in listed) == sorted(
            (order.id, "fonnte", "no active WhatsApp number:") for order in s.orders
        )

        clock.advance(hours=1)
        assert await followups.run_once() == 2  # still paused: postponed again, nothing lost
        assert {(await row(rt, i)).status for i in (fixed, rotated)} == {"scheduled"}
        await set_active(rt, s.wa, True)
        clock.advance(hours=1)
        assert await followups.run_once() == 2
    finally:
        await followups.aclose()
    assert [((m := await row(rt, i)).status, m.error, m.integration_id) for i in (fixed, rotated)] == [
        ("sent", None, s.wa), ("sent", None, s.wa)
    ]  # fmt: skip
    assert sorted(message.to for message in fonnte.messages) == [BUYER, BUYER]


async def test_the_worker_loop_runs_the_dispatcher(client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway) -> None:
    s = await setup(client, rt, fonnte, 3, settings={"worker_batch_size": 2, "worker_poll_seconds": 0.05})
    await schedule(rt, s.template, order_ids=[order.id for order in s.orders])
    stop = asyncio.Event()
    async with Worker(s.rt, jobs=[job(s.rt)]) as worker:
        running = asyncio.create_task(worker.run(stop))
        await fonnte.wait_for(3)
        stop.set()
        await running
    assert [m.status for m in await rows(rt)] == ["sent"] * 3


async def test_an_order_placed_through_the_checkout_gets_its_follow_up_then_stops_when_paid(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    shop = await make_checkout_shop(client, rt)
    wa = await add_wa(rt, shop.store_id, token=TOKEN)
    first = await add_template(rt, shop.store_id, shop.kaos, integration_id=wa)
    later = await add_template(rt, shop.store_id, shop.kaos, integration_id=wa, position=2, text="Sudah transfer?")
    async with rt.db.session() as session:
        await session.execute(update(FollowupChat).where(FollowupChat.id == later.id).values(hours_after=24))
        await session.commit()
    [order] = await place_orders(client, rt, shop)  # the checkout schedules both follow-ups
    followups = job(gateway_runtime(rt, fonnte))
    assert await followups.run_once() == 1
    assert [(m.template_id, m.status) for m in await rows(rt)] == [
        (first.id, "sent"),
        (later.id, "scheduled"),
    ]
    assert fonnte.messages[0].text.startswith(f"Halo Siti Aminah, pesanan {order.number}")
    await set_status(rt, [order.id], "pending", payment_status="paid")  # paid behind the scheduler's back
    clock.advance(hours=24)
    assert await followups.run_once() == 1
    assert [(m.status, m.error) for m in await rows(rt)][1] == ("canceled", "order paid")
    assert len(fonnte.messages) == 1


async def test_editing_the_provider_moves_the_waiting_follow_ups(
    client: httpx.AsyncClient, rt: Runtime, fonnte: FakeGateway
) -> None:
    """PATCH provider gateway → manual: its scheduled rows wait for a CS (the dispatcher no longer sends them);
    manual → gateway: the dispatcher sends them. Rows already done keep their channel."""
    s = await setup(client, rt, fonnte, 3)
    first, second, done = await schedule(rt, s.template, order_ids=[order.id for order in s.orders])
    async with rt.db.session() as session:
        await session.execute(update(FollowupMessage).where(FollowupMessage.id == done).values(status="sent"))
        await session.commit()
    url = f"/v3/products/{s.shop.kaos}/follow-up-chats/{s.template.id}"
    texts = {"text_for_cod": "Halo {{customer_name}}", "text_for_epayment": "Halo {{customer_name}}"}

    response = await client.patch(url, json={"provider": "manual", **texts}, headers=s.shop.headers)
    assert response.status_code == 200, response.text
    assert [(m.channel, m.status) for m in await rows(rt)] == [
        ("manual", "scheduled"), ("manual", "scheduled"), ("fonnte", "sent")
    ]  # fmt: skip
    assert await job(s.rt).run_once() == 0
    assert fonnte.messages == []

    response = await client.patch(url, json={"provider": "fonnte"}, headers=s.shop.headers)
    assert response.status_code == 200, response.text
    assert [m.channel for m in await rows(rt)] == ["fonnte"] * 3
    assert await job(s.rt).run_once() == 2
    assert [((await row(rt, i)).status) for i in (first, second)] == ["sent", "sent"]
    assert len(fonnte.messages) == 2


async def test_abandoned_checkout_is_not_followed_up_while_the_buyer_is_typing(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    """hours_after 0 on an `abandoned` template: sent once the buyer has not saved the checkout for 30 minutes,
    counted from the last save."""
    s = await setup(client, rt, fonnte, trigger="abandoned", text="Kak {{customer_name}}, keranjangmu: {{items}}")
    body = {"name": "Rina", "phone": "081311112222", "items": [{"variant_id": s.shop.red, "quantity": 1}]}
    saved = await client.post(
        "/public/checkout/abandoned", json=body | {"form": s.shop.slug, "store": s.shop.subdomain}
    )
    assert saved.status_code == 201, saved.text
    followups = job(s.rt)
    try:
        assert await followups.run_once() == 0  # just saved
        clock.advance(minutes=20)
        updated = await client.put(f"/public/checkout/abandoned/{saved.json()['data']['token']}", json=body)
        assert updated.status_code == 200, updated.text
        clock.advance(minutes=29)  # 49 minutes after the first save, 29 after the last
        assert await followups.run_once() == 0 and fonnte.messages == []
        clock.advance(minutes=1)
        assert await followups.run_once() == 1
    finally:
        await followups.aclose()
    [sent] = fonnte.messages
    assert (sent.to, sent.text) == ("6281311112222", "Kak Rina, keranjangmu: 1 × Kaos Polos (Merah / L)")
