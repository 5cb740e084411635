"""PUT /store/order/{id}/courier — Edit Choose Courier."""

from __future__ import annotations

import httpx
from lokal import parse_qris

from bosonline.runtime import Runtime
from tests.checkout.helpers import make_voucher, rate_row
from tests.order.edit_helpers import assert_consistent, cs_headers, events, move, shop_and_order, stranger
from tests.order.helpers import make_checkout_shop, order_row, place_orders, stats_match
from tests.orders_support import add_rows

SICEPAT = {"courier": "sicepat", "service": "BEST"}  # flat 15,000, no COD


async def test_courier_change_reprices_shipping_and_keeps_the_formula(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt)
    before = await order_row(rt, placed.id)
    assert (before.courier, before.shipping_cost) == ("jne", 10_000)
    response = await client.put(f"/store/order/{placed.id}/courier", json=SICEPAT, headers=shop.headers)
    assert response.status_code == 200, response.text
    detail = response.json()["data"]
    assert detail["shipment"]["courier"] == "sicepat" and detail["shipment"]["service"] == "BEST"
    assert detail["money"]["shipping_cost"] == 15_000
    # No other open transfer waits for the new amount: the buyer's unique code stays.
    assert detail["money"]["unique_code"] == before.unique_code
    assert detail["money"]["total"] == placed.total + 5_000
    await assert_consistent(rt, placed.id, detail)
    (event,) = await events(rt, placed.id, "courier_changed")
    assert event.data["before"]["shipping_cost"] == 10_000 and event.data["after"]["shipping_cost"] == 15_000
    assert event.data["after"]["courier"] == "sicepat"
    await stats_match(rt, shop.store_id)
    # Case does not matter; the same service again changes nothing and records nothing new.
    again = await client.put(
        f"/store/order/{placed.id}/courier",
        json={"courier": "SiCepat", "service": "best"},
        headers=shop.headers,
    )
    assert again.status_code == 200
    assert len(await events(rt, placed.id, "courier_changed")) == 1


async def test_a_shipping_voucher_discounts_the_new_cost(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    await make_voucher(rt, shop, "ONGKIR", target="shipping", kind="percentage", value=100, max_discount=12_000)
    (placed,) = await place_orders(client, rt, shop, voucher_code="ONGKIR")
    assert (await order_row(rt, placed.id)).shipping_discount == 10_000
    response = await client.put(f"/store/order/{placed.id}/courier", json=SICEPAT, headers=shop.headers)
    assert response.status_code == 200, response.text
    money = response.json()["data"]["money"]
    assert (money["shipping_cost"], money["shipping_discount"]) == (15_000, 12_000)  # the voucher's cap
    await assert_consistent(rt, placed.id, response.json()["data"])
    back = await client.put(
        f"/store/order/{placed.id}/courier", json={"courier": "jne", "service": "REG"}, headers=shop.headers
    )
    assert back.json()["data"]["money"]["shipping_discount"] == 10_000  # free shipping again, not ratcheted down
    await stats_match(rt, shop.store_id)


async def test_cod_orders_need_a_cod_service_and_their_fee_follows(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt, payment_method="cod")
    order = await order_row(rt, placed.id)
    assert (order.cod_fee, order.unique_code) == (3_300, 0)  # 3 % of 110,000
    response = await client.put(f"/store/order/{placed.id}/courier", json=SICEPAT, headers=shop.headers)
    assert response.status_code == 422 and response.json()["error"]["code"] == "courier_not_cod"
    await add_rows(rt, rate_row(rt, shop.store_id, "anteraja", "REG", 20_000, cod=True, etd="2 hari", position=5))
    response = await client.put(
        f"/store/order/{placed.id}/courier",
        json={"courier": "anteraja", "service": "REG"},
        headers=shop.headers,
    )
    assert response.status_code == 200, response.text
    money = response.json()["data"]["money"]
    assert (money["shipping_cost"], money["cod_fee"], money["total"]) == (20_000, 3_600, 123_600)
    await assert_consistent(rt, placed.id, response.json()["data"])
    await stats_match(rt, shop.store_id)


async def test_a_qris_order_gets_a_payload_with_the_new_total(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt, payment_method="qris")
    response = await client.put(f"/store/order/{placed.id}/courier", json=SICEPAT, headers=shop.headers)
    assert response.status_code == 200, response.text
    order = await order_row(rt, placed.id)
    assert order.total == 115_000 and order.qris_payload is not None
    assert parse_qris(order.qris_payload).amount == "115000"


async def test_a_colliding_unique_code_is_redrawn(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    (first,) = await place_orders(client, rt, shop, courier="sicepat", courier_service="BEST")  # 115,000 − code
    (second,) = await place_orders(client, rt, shop)  # 110,000 − code
    code = (await order_row(rt, first.id)).unique_code
    await move(rt, second.id, unique_code=code, total=110_000 - code)
    response = await client.put(f"/store/order/{second.id}/courier", json=SICEPAT, headers=shop.headers)
    assert response.status_code == 200, response.text
    money = response.json()["data"]["money"]
    assert money["unique_code"] != code and 1 <= money["unique_code"] <= 999
    assert money["total"] == 115_000 - money["unique_code"]
    await stats_match(rt, shop.store_id)


async def test_courier_refusals(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt, cs=1)
    url = f"/store/order/{placed.id}/courier"
    for body in (
        {"courier": "tiki", "service": "REG"},  # not on the card
        {"courier": "jne", "service": "YES"},
        {"courier": "jne"},
        {"courier": "jne; drop", "service": "REG"},
        {"courier": "j" * 25, "service": "REG"},
    ):
        response = await client.put(url, json=body, headers=shop.headers)
        assert response.status_code == 422, (body, response.text)
    assert (await client.put(url, json=SICEPAT, headers=await stranger(client))).status_code == 404
    assert (await client.put(url, json=SICEPAT, headers=await cs_headers(client, rt, shop))).status_code == 404
    assert (await client.put("/store/order/0/courier", json=SICEPAT, headers=shop.headers)).status_code == 422
    order = await order_row(rt, placed.id)
    await move(rt, placed.id, payment_status="paid", paid_amount=order.total)
    response = await client.put(url, json=SICEPAT, headers=shop.headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_paid"
    await move(rt, placed.id, status="shipped")
    response = await client.put(url, json=SICEPAT, headers=shop.headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_past_shipping"
    assert await events(rt, placed.id, "courier_changed") == []
    await stats_match(rt, shop.store_id)
