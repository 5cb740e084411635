"""Follow-up rows written in the transaction of the order event that starts them (followup/schedule.py): at
checkout, on status changes, for abandoned checkouts; canceled when the order is paid, canceled or moves on."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import select

from bosonline.followup.rules import PACED
from bosonline.kit.clock import FrozenClock, as_utc
from bosonline.models import CheckoutLead
from bosonline.runtime import Runtime
from bosonline.worker import wakeup
from tests.checkout.helpers import place
from tests.checkout.test_place_order import checkout_statements
from tests.followup.dispatch_helpers import add_wa
from tests.followup.order_helpers import add_template, messages, set_message
from tests.order.helpers import CheckoutShop, place_orders
from tests.order.status_helpers import patch_status
from tests.querycount import count_queries


async def four_templates(rt: Runtime, shop: CheckoutShop) -> list[int]:
    """Kaos Polos: welcome (now, manual), reminder (+24 h, fonnte), confirmed (+2 h after confirmation),
    abandoned (+1 h after an abandoned checkout)."""
    return [
        await add_template(rt, shop.store_id, shop.kaos, "Selamat datang", 1),
        await add_template(rt, shop.store_id, shop.kaos, "Pengingat bayar", 2, hours_after=24, provider="fonnte"),
        await add_template(
            rt, shop.store_id, shop.kaos, "Terima kasih", 3, trigger="confirmed", change_status=True, hours_after=2
        ),
        await add_template(rt, shop.store_id, shop.kaos, "Keranjang", 4, trigger="abandoned", hours_after=1),
    ]


def due_hours(row: object, start: object) -> float:
    return (as_utc(row.due_at) - as_utc(start)).total_seconds() / 3600  # type: ignore[attr-defined,arg-type]


async def test_checkout_schedules_the_templates_whose_clock_starts_at_creation(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, clock: FrozenClock
) -> None:
    ids = await four_templates(rt, shop)
    start = clock.now()
    (placed,) = await place_orders(client, rt, shop)
    rows = await messages(rt, order_id=placed.id)
    assert [(r.step, r.template_id, r.template_name, r.trigger, r.channel, r.status) for r in rows] == [
        (1, ids[0], "Selamat datang", "order_created", "manual", "scheduled"),
        (2, ids[1], "Pengingat bayar", "order_created", "fonnte", "scheduled"),
    ]
    assert [due_hours(r, start) for r in rows] == [0, 24]
    assert all(r.store_id == shop.store_id and r.lead_id is None for r in rows)

    # confirmation: the payment reminders stop, the confirmed template's clock starts
    clock.advance(minutes=12)  # (access tokens live 15 minutes)
    assert (await patch_status(client, shop.headers, placed.id, status="confirmed")).status_code == 200
    rows = await messages(rt, order_id=placed.id)
    assert [(r.step, r.status, r.error) for r in rows] == [
        (1, "canceled", "order confirmed"),
        (2, "canceled", "order confirmed"),
        (3, "scheduled", None),
    ]
    assert due_hours(rows[2], start) == 2.2


async def test_a_product_without_templates_gets_the_store_defaults(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    default = await add_template(rt, shop.store_id, None, "Default", 1, hours_after=6)
    await add_template(rt, shop.store_id, shop.kopi, "Kopi saja", 1)
    (kaos,) = await place_orders(client, rt, shop)
    kopi_items = [{"variant_id": shop.kopi_variant, "quantity": 1}, {"variant_id": shop.red, "quantity": 1}]
    (kopi,) = await place_orders(client, rt, shop, items=kopi_items, phone="081200000009")
    assert [(r.template_id, r.step) for r in await messages(rt, order_id=kaos.id)] == [(default, 1)]
    assert [r.template_name for r in await messages(rt, order_id=kopi.id)] == ["Kopi saja"]


async def test_paid_and_canceled_orders_stop_their_follow_ups(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    await four_templates(rt, shop)
    # change_status=false with a status trigger: scheduled at checkout, waits while the order can still get there
    later = await add_template(rt, shop.store_id, shop.kaos, "Saat dikirim", 5, trigger="shipped", hours_after=48)
    paid, canceled = await place_orders(client, rt, shop, 2)
    response = await client.post(
        f"/store/order/{paid.id}/confirm-payment", json={"amount": paid.total}, headers=shop.headers
    )
    assert response.status_code == 200, response.text
    rows = await messages(rt, order_id=paid.id)
    assert [(r.step, r.status, r.error) for r in rows] == [
        (1, "canceled", "order paid"),
        (2, "canceled", "order paid"),
        (5, "scheduled", None),  # the order may still be shipped
    ]
    assert rows[2].template_id == later

    assert (await patch_status(client, shop.headers, canceled.id, status="canceled")).status_code == 200
    rows = await messages(rt, order_id=canceled.id)
    assert {(r.status, r.error) for r in rows} == {("canceled", "order canceled")}
    # a shipped order's "shipped" follow-up applies; then completed ends it
    assert (await patch_status(client, shop.headers, paid.id, status="shipped")).status_code == 200
    assert [r.status for r in await messages(rt, order_id=paid.id)][-1] == "scheduled"
    assert (await patch_status(client, shop.headers, paid.id, status="completed")).status_code == 200
    assert [(r.status, r.error) for r in await messages(rt, order_id=paid.id)][-1] == (
        "canceled", "order completed"
    )  # fmt: skip


async def test_bulk_status_change_schedules_for_every_order(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    await four_templates(rt, shop)
    orders = await place_orders(client, rt, shop, 3)
    response = await client.patch(
        "/store/order/status", json={"ids": [o.id for o in orders], "status": "confirmed"}, headers=shop.headers
    )
    assert response.json()["data"]["changed"] == 3
    for order in orders:
        assert [(r.step, r.status) for r in await messages(rt, order_id=order.id)] == [
            (1, "canceled"), (2, "canceled"), (3, "scheduled")
        ]  # fmt: skip


async def test_abandoned_checkout_gets_its_follow_ups_until_it_converts(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, clock: FrozenClock
) -> None:
    ids = await four_templates(rt, shop)
    start = clock.now()
    body = {"form": shop.slug, "store": shop.subdomain, "name": "Siti", "phone": "081234567890",
            "items": [{"variant_id": shop.red, "quantity": 1}]}  # fmt: skip
    saved = await client.post("/public/checkout/abandoned", json=body)
    assert saved.status_code == 201, saved.text
    no_items = await client.post("/public/checkout/abandoned", json=body | {"items": [], "phone": "081299990000"})
    assert no_items.status_code == 201
    async with rt.db.session(write=False) as session:
        lead = await session.scalar(select(CheckoutLead).where(CheckoutLead.token == saved.json()["data"]["token"]))
    assert lead is not None
    (row,) = await messages(rt, lead_id=lead.id)
    assert (row.step, row.template_id, row.trigger, row.status, row.order_id) == (
        4, ids[3], "abandoned", "scheduled", None
    )  # fmt: skip
    assert due_hours(row, start) == 1
    # a lead without products has no product set and the store no default: nothing
    assert len([m for m in await messages(rt) if m.lead_id is not None]) == 1

    (order,) = await place_orders(client, rt, shop, phone="081234567890")
    (row,) = await messages(rt, lead_id=lead.id)
    assert (row.status, row.error) == ("canceled", "checkout became an order")
    assert [r.step for r in await messages(rt, order_id=order.id)] == [1, 2]


async def test_gateway_follow_up_due_now_wakes_the_worker(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    event = asyncio.Event()
    wakeup.subscribe(event)
    try:
        await add_template(rt, shop.store_id, shop.kaos, "Nanti", 1, provider="fonnte", hours_after=1)
        await place_orders(client, rt, shop)
        assert not event.is_set()  # due later: the worker's poll finds it in time
        await add_template(rt, shop.store_id, shop.kaos, "Sekarang", 2, provider="fonnte")
        await place_orders(client, rt, shop)
        assert event.is_set()
    finally:
        wakeup.unsubscribe(event)


async def test_checkout_statements_with_and_without_templates(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    """Without templates the checkout reads the candidate templates once (nothing else); with four templates it
    adds one INSERT of all rows (on PostgreSQL a part of the checkout's one statement of writes)."""
    with count_queries(rt) as bare:
        assert (await place(client, shop, payment_method="cod")).status_code == 201
    templates = [sql for sql in bare.statements if "FROM followup_chats" in sql]
    assert len(templates) == 1 and not any("followup_messages" in sql for sql in bare.statements)

    for n in range(4):
        await add_template(rt, shop.store_id, shop.kaos, f"FU {n + 1}", n + 1, hours_after=n)
    with count_queries(rt) as full:
        assert (await place(client, shop, payment_method="cod", phone="081200000001")).status_code == 201
    chained = rt.db.engine.dialect.name == "postgresql"
    assert checkout_statements(full) == checkout_statements(bare) + (0 if chained else 1), full.statements
    assert sum(1 for sql in full.statements if "INSERT INTO followup_messages" in sql) == 1


async def test_scheduling_is_unique_per_order_and_template(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    await four_templates(rt, shop)
    (placed,) = await place_orders(client, rt, shop)
    # confirm, then (the table allows no way back) the same template's status event again through another order
    assert (await patch_status(client, shop.headers, placed.id, status="confirmed")).status_code == 200
    before = [(r.id, r.status) for r in await messages(rt, order_id=placed.id)]
    from bosonline.followup.schedule import FollowupScheduler
    from bosonline.models import Order

    async with rt.db.session() as session:
        order = await session.get(Order, placed.id)
        assert order is not None
        scheduler = FollowupScheduler(session, shop.store_id, rt.clock.now() + timedelta(hours=1))
        scheduler.status_changed(order, "confirmed")
        await scheduler.flush()
        await session.commit()
    assert [(r.id, r.status) for r in await messages(rt, order_id=placed.id)] == before


async def test_a_lead_updated_with_products_gets_their_abandoned_follow_ups(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, clock: FrozenClock
) -> None:
    ids = await four_templates(rt, shop)
    start = clock.now()
    body = {"form": shop.slug, "store": shop.subdomain, "name": "Siti", "phone": "081234567890", "items": []}
    saved = await client.post("/public/checkout/abandoned", json=body)
    assert saved.status_code == 201, saved.text
    token = saved.json()["data"]["token"]
    assert [m for m in await messages(rt) if m.lead_id is not None] == []  # no products yet: no set, no default

    clock.advance(minutes=10)
    update = {"name": "Siti", "phone": "081234567890", "items": [{"variant_id": shop.red, "quantity": 1}]}
    for _ in range(2):  # saved again: still one follow-up
        response = await client.put(f"/public/checkout/abandoned/{token}", json=update)
        assert response.status_code == 200, response.text
    async with rt.db.session(write=False) as session:
        lead = await session.scalar(select(CheckoutLead).where(CheckoutLead.token == token))
    assert lead is not None
    (row,) = await messages(rt, lead_id=lead.id)
    assert (row.step, row.template_id, row.trigger, row.status) == (4, ids[3], "abandoned", "scheduled")
    assert due_hours(row, start + timedelta(minutes=10)) == 1  # hours_after from the buyer's last save


async def test_abandoned_follow_ups_wait_for_the_buyers_last_save(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, clock: FrozenClock
) -> None:
    """The clock of an `abandoned` follow-up starts at the buyer's last save, never less than 30 minutes before
    it is due (hours_after 0 included), and every save starts it again; rows done are left as they are."""
    at_once = await add_template(rt, shop.store_id, shop.kaos, "Keranjang", 1, trigger="abandoned")
    later = await add_template(rt, shop.store_id, shop.kaos, "Keranjang 2", 2, trigger="abandoned", hours_after=2)
    done = await add_template(rt, shop.store_id, shop.kaos, "Keranjang 3", 3, trigger="abandoned", hours_after=1)
    start = clock.now()
    body = {"form": shop.slug, "store": shop.subdomain, "name": "Siti", "phone": "081234567890",
            "items": [{"variant_id": shop.red, "quantity": 1}]}  # fmt: skip
    saved = await client.post("/public/checkout/abandoned", json=body)
    assert saved.status_code == 201, saved.text
    token = saved.json()["data"]["token"]
    rows = [r for r in await messages(rt) if r.lead_id is not None]
    assert [(r.template_id, due_hours(r, start)) for r in rows] == [(at_once, 0.5), (later, 2), (done, 1)]
    wa = await add_wa(rt, shop.store_id)
    await set_message(rt, rows[1].id, error=PACED, integration_id=wa)  # held a pacing slot
    await set_message(rt, rows[2].id, status="sent")

    update = {k: v for k, v in body.items() if k not in ("form", "store")}
    for minutes in (20, 40):  # the buyer is still typing: nothing is due yet
        clock.advance(minutes=20)
        response = await client.put(f"/public/checkout/abandoned/{token}", json=update)
        assert response.status_code == 200, response.text
        rows = [r for r in await messages(rt) if r.lead_id is not None]
        assert [(r.status, round(due_hours(r, start) * 60)) for r in rows] == [
            ("scheduled", minutes + 30), ("scheduled", minutes + 120), ("sent", 60)
        ]  # fmt: skip
        assert all(as_utc(r.due_at) > clock.now() for r in rows if r.status == "scheduled")
    assert (rows[1].error, rows[1].integration_id) == (None, None)  # its slot is given up: due later now
