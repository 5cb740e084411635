"""PUT /store/order/{id}/another-fee — Edit Another Fee."""

from __future__ import annotations

from typing import Any

import httpx

from bosonline.runtime import Runtime
from tests.order.edit_helpers import assert_consistent, cs_headers, events, move, shop_and_order, stranger
from tests.order.helpers import order_row, stats_match


async def put_fee(client: httpx.AsyncClient, order_id: int, headers: dict[str, str], **body: Any) -> httpx.Response:
    return await client.put(f"/store/order/{order_id}/another-fee", json=body, headers=headers)


async def test_a_fee_a_discount_and_removing_it(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt)
    code = (await order_row(rt, placed.id)).unique_code

    response = await put_fee(client, placed.id, shop.headers, name="Packing kayu", type="fee", amount=25_000)
    assert response.status_code == 200, response.text
    money = response.json()["data"]["money"]
    assert (money["other_fee"], money["other_fee_name"]) == (25_000, "Packing kayu")
    assert money["unique_code"] == code and money["total"] == 135_000 - code
    await assert_consistent(rt, placed.id, response.json()["data"])

    response = await put_fee(client, placed.id, shop.headers, name="Diskon langganan", type="discount", amount=20_000)
    money = response.json()["data"]["money"]
    assert (money["other_fee"], money["total"]) == (-20_000, 90_000 - code)
    await assert_consistent(rt, placed.id, response.json()["data"])

    response = await put_fee(client, placed.id, shop.headers, type="fee", amount=0)
    money = response.json()["data"]["money"]
    assert (money["other_fee"], money["other_fee_name"], money["total"]) == (0, None, placed.total)

    recorded = await events(rt, placed.id, "other_fee_changed")
    assert [e.data["after"]["other_fee"] for e in recorded] == [25_000, -20_000, 0]
    assert recorded[1].data["before"] == {
        "other_fee_name": "Packing kayu",
        "other_fee": 25_000,
        "total": 135_000 - code,
    }
    await stats_match(rt, shop.store_id)


async def test_the_cod_fee_follows_what_the_courier_collects(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt, payment_method="cod")
    response = await put_fee(client, placed.id, shop.headers, name="Asuransi", type="fee", amount=10_000)
    money = response.json()["data"]["money"]
    assert (money["cod_fee"], money["total"]) == (3_600, 123_600)  # 3 % of 120,000
    await assert_consistent(rt, placed.id, response.json()["data"])
    # A discount of everything: nothing to collect, no COD fee, a total of 0.
    response = await put_fee(client, placed.id, shop.headers, name="Gratis", type="discount", amount=110_000)
    assert response.status_code == 200, response.text
    money = response.json()["data"]["money"]
    assert (money["cod_fee"], money["total"]) == (0, 0)
    # Such an order is paid with Rp0 (for any other total, Rp0 is refused: test_payment.py).
    paid = await client.post(f"/store/order/{placed.id}/confirm-payment", json={"amount": 0}, headers=shop.headers)
    assert paid.status_code == 200, paid.text
    assert paid.json()["data"]["payment"]["status"] == "paid"
    await stats_match(rt, shop.store_id)


async def test_another_fee_refusals(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt, cs=1)
    for body in (
        {"name": "Diskon", "type": "discount", "amount": -1},
        {"name": "Fee", "type": "fee", "amount": -5_000},
        {"name": "Fee", "type": "fee", "amount": 1_000_000_001},
        {"name": "Fee", "type": "surcharge", "amount": 1},
        {"type": "fee", "amount": 1_000},  # a fee needs a name
        {"name": "x" * 101, "type": "fee", "amount": 1},
        {"name": "Fee", "type": "fee", "amount": "1e3"},
    ):
        response = await put_fee(client, placed.id, shop.headers, **body)
        assert response.status_code == 422, (body, response.text)
    response = await put_fee(client, placed.id, shop.headers, name="Diskon", type="discount", amount=110_001)
    assert response.status_code == 422 and response.json()["error"]["code"] == "discount_too_large"
    fee = {"name": "Fee", "type": "fee", "amount": 1_000}
    assert (await put_fee(client, placed.id, await stranger(client), **fee)).status_code == 404
    assert (await put_fee(client, placed.id, await cs_headers(client, rt, shop), **fee)).status_code == 404
    assert await events(rt, placed.id, "other_fee_changed") == []

    await move(rt, placed.id, payment_status="paid", paid_amount=placed.total)
    response = await put_fee(client, placed.id, shop.headers, **fee)
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_paid"
    await move(rt, placed.id, payment_status="unpaid", status="rts")
    response = await put_fee(client, placed.id, shop.headers, **fee)
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_past_shipping"
    assert (await order_row(rt, placed.id)).other_fee == 0
    await stats_match(rt, shop.store_id)
