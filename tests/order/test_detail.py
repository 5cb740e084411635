"""Detail Order: everything about one order, in a fixed number of queries, only for those who may see it."""

from __future__ import annotations

import httpx
import pytest

from bosonline.models import OrderEvent, OrderPayment
from bosonline.runtime import Runtime
from tests.checkout.helpers import BUYER_E164
from tests.factories import add_staff, seller
from tests.order.edit_helpers import formula
from tests.order.helpers import cs_login, make_checkout_shop, place_orders, stats_match
from tests.orders_support import set_store_settings
from tests.querycount import count_queries


async def test_detail_of_a_placed_order(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    (placed,) = await place_orders(client, rt, shop, voucher_code=None, notes="Tolong cepat")
    response = await client.get(f"/store/order/{placed.id}", headers=shop.headers)
    assert response.status_code == 200, response.text
    order = response.json()["data"]
    assert order["number"] == placed.number
    assert order["status"] == "pending"
    assert order["allowed_next_statuses"] == ["confirmed", "in_process", "ready", "shipped", "canceled"]
    assert order["customer"]["phone"] == "0" + BUYER_E164[2:]
    assert order["customer"]["phone_e164"] == BUYER_E164
    assert order["customer"]["notes"] == "Tolong cepat"
    assert [(line["product_name"], line["variant_name"], line["quantity"]) for line in order["lines"]] == [
        ("Kaos Polos", "Merah / L", 2)
    ]
    money = order["money"]
    assert money["total"] == placed.total == formula(money)
    assert order["payment"]["method"] == "bank_transfer"
    assert order["payment"]["category"] == "bank_transfer"
    assert order["payment"]["status"] == "unpaid"
    assert order["payment"]["history"] == []
    assert order["shipment"]["courier"] == "jne"
    assert order["shipment"]["courier_name"]
    assert order["shipment"]["awb"] is None
    assert order["handler"]["role"] == "owner"  # no CS in this store: the owner handles it
    assert [event["kind"] for event in order["events"]] == ["created"]
    assert order["events"][0]["actor"] == "buyer"
    assert order["public_url"].endswith(placed.buyer["secret_slug"])
    await stats_match(rt, shop.store_id)


async def test_detail_costs_a_fixed_number_of_queries(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    (small,) = await place_orders(client, rt, shop)
    three = [
        {"variant_id": shop.red, "quantity": 1},
        {"variant_id": shop.black, "quantity": 1},
        {"variant_id": shop.kopi_variant, "quantity": 2},
    ]
    (big,) = await place_orders(client, rt, shop, items=three, phone="081200000009")
    async with rt.db.session() as session:  # a longer timeline and payment history on the big order
        for n in range(5):
            session.add(OrderEvent(order_id=big.id, store_id=shop.store_id, kind="note", actor_label="x", note=str(n)))
            session.add(
                OrderPayment(
                    order_id=big.id,
                    store_id=shop.store_id,
                    amount=1000 + n,
                    expected=big.total,
                    result="conflict",
                    paid_at=rt.clock.now(),
                    actor_label="x",
                )
            )
        await session.commit()

    async def queries(order_id: int) -> int:
        with count_queries(rt) as log:
            response = await client.get(f"/store/order/{order_id}", headers=shop.headers)
            assert response.status_code == 200
        return log.count

    detail = (await client.get(f"/store/order/{big.id}", headers=shop.headers)).json()["data"]
    assert (len(detail["lines"]), len(detail["events"]), len(detail["payment"]["history"])) == (3, 6, 5)
    assert await queries(big.id) == await queries(small.id)
    assert await queries(small.id) <= 9


async def test_other_store_and_unknown_orders_are_404(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    (placed,) = await place_orders(client, rt, shop)
    stranger = await seller(client)
    response = await client.get(f"/store/order/{placed.id}", headers=stranger["headers"])
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Record not found"
    assert (await client.get("/store/order/999999999", headers=shop.headers)).status_code == 404


@pytest.mark.parametrize("bad", ["0", "-1", "9007199254740993", "abc", "1e3"])
async def test_bad_ids_are_4xx(client: httpx.AsyncClient, rt: Runtime, bad: str) -> None:
    owner = await seller(client)
    response = await client.get(f"/store/order/{bad}", headers=owner["headers"])
    assert response.status_code in (404, 422)


async def test_cs_sees_only_their_orders_unless_the_store_allows(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    first = await add_staff(client, shop.headers, name="CS Satu", email="cs-one@example.com", phone="081311110001")
    await add_staff(client, shop.headers, name="CS Dua", email="cs-two@example.com", phone="081311110002")
    orders = await place_orders(client, rt, shop, n=2)
    mine = next(o for o in orders if o.handler_id == first["id"])
    theirs = next(o for o in orders if o.handler_id != first["id"])
    cs = await cs_login(client, shop, "cs-one@example.com")
    assert (await client.get(f"/store/order/{mine.id}", headers=cs)).status_code == 200
    assert (await client.get(f"/store/order/{theirs.id}", headers=cs)).status_code == 404
    await set_store_settings(rt, shop.store_id, cs_sees_all_orders=True)
    assert (await client.get(f"/store/order/{theirs.id}", headers=cs)).status_code == 200
