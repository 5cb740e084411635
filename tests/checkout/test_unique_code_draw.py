"""A bank transfer's unique code is drawn in the checkout's chain of writes (on PostgreSQL in the chain's one statement,
after the store's counters; on SQLite as its first statement): a free code of the store's range first, any code of it
once all are taken. The order, its answer, the recap counters and the order.created webhook carry the code drawn and
the total with it."""

from __future__ import annotations

import json

import httpx
from sqlalchemy import func, select, update

from bosonline.models import Order, OrderDailyStat
from bosonline.runtime import Runtime
from tests.checkout.helpers import CheckoutShop, make_checkout_shop, place
from tests.webhook.helpers import add_webhook, deliveries

AMOUNT = 110_000  # 2 × Rp50.000 and Rp10.000 shipping: order_body's cart, before the code


async def code_range(client: httpx.AsyncClient, shop: CheckoutShop, low: int, high: int) -> None:
    """The store's unique codes run from `low` to `high` (its settings, as the seller sets them)."""
    settings = {"unique_code_min": low, "unique_code_max": high}
    response = await client.put("/store", json={"settings": settings}, headers=shop.headers)
    assert response.status_code == 200, response.text


async def test_free_codes_first_then_any_code_of_the_range(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    await code_range(client, shop, 1, 3)
    answered = []
    for n in range(4):
        response = await place(client, shop, phone=f"08123456780{n}")
        assert response.status_code == 201, response.text
        money = response.json()["data"]["money"]
        assert money["total"] == AMOUNT - money["unique_code"]
        answered.append((money["unique_code"], money["total"]))
    codes = [code for code, _ in answered]
    assert sorted(codes[:3]) == [1, 2, 3]  # each free one once
    assert codes[3] in (1, 2, 3)  # every code is taken: one of the range all the same
    assert (await place(client, shop, phone="081234567809", payment_method="cod")).status_code == 201
    async with rt.db.session(write=False) as session:
        stored = (await session.execute(select(Order.unique_code, Order.total).order_by(Order.id))).all()
        assert [tuple(row) for row in stored[:4]] == answered
        assert stored[4][0] == 0  # a COD order draws none
        orders, total = (
            await session.execute(select(func.sum(OrderDailyStat.orders), func.sum(OrderDailyStat.total)))
        ).one()
    assert (orders, total) == (5, sum(row[1] for row in stored))


async def test_a_code_paid_or_outside_the_amount_is_free_again(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    await code_range(client, shop, 1, 2)
    first = (await place(client, shop, phone="081234567801")).json()["data"]["money"]["unique_code"]
    other_amount = await place(client, shop, phone="081234567802", items=[{"variant_id": shop.red, "quantity": 1}])
    assert other_amount.json()["data"]["money"]["unique_code"] in (
        1,
        2,
    )  # another amount draws from the range too, and takes neither code of AMOUNT (below)
    second = (await place(client, shop, phone="081234567803")).json()["data"]["money"]["unique_code"]
    assert {first, second} == {1, 2}
    async with rt.db.session() as session:
        paid = update(Order).where(Order.unique_code == first, Order.total == AMOUNT - first)
        await session.execute(paid.values(payment_status="paid"))
        await session.commit()
    third = (await place(client, shop, phone="081234567804")).json()["data"]["money"]["unique_code"]
    assert third == first  # the paid order's code is the only free one


async def test_the_webhook_body_carries_the_code_drawn(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    await add_webhook(client, shop.headers, "https://erp.example.com/a", events=["order.created"])
    await add_webhook(client, shop.headers, "https://erp.example.com/b", events=["order.created"])
    response = await place(client, shop)
    assert response.status_code == 201, response.text
    money = response.json()["data"]["money"]
    async with rt.db.session(write=False) as session:
        order = (await session.scalars(select(Order))).one()
    assert (order.unique_code, order.total) == (money["unique_code"], money["total"])
    bodies = [json.loads(delivery.body)["data"]["order"] for delivery in await deliveries(rt)]
    assert len(bodies) == 2
    for body in bodies:
        assert body["id"] == order.id and body["number"] == order.number
        assert (body["money"]["unique_code"], body["money"]["total"]) == (order.unique_code, order.total)
        assert body["money"]["total"] == AMOUNT - body["money"]["unique_code"]
