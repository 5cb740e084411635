"""PATCH /store/order/{id}/payment-method — Edit Payment Method."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from lokal import parse_qris
from sqlalchemy import select

from bosonline.models import BankAccount
from bosonline.order.customer_repository import lock_unique_codes
from bosonline.runtime import Runtime
from tests.order.edit_helpers import assert_consistent, cs_headers, events, move, shop_and_order, stranger
from tests.order.helpers import order_row, stats_match
from tests.orders_support import set_store_settings


async def switch(client: httpx.AsyncClient, order_id: int, method: str, headers: dict[str, str]) -> httpx.Response:
    return await client.patch(
        f"/store/order/{order_id}/payment-method", json={"payment_method": method}, headers=headers
    )


async def test_switching_methods_recomputes_fee_code_and_qris(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt)
    async with rt.db.session(write=False) as session:
        account_id = await session.scalar(select(BankAccount.id).where(BankAccount.store_id == shop.store_id))
    chosen = await client.put(
        f"/store/order/{placed.id}/payment", json={"bank_account_id": account_id}, headers=shop.headers
    )
    assert chosen.json()["data"]["payment"]["bank_account"]["bank_name"] == "BCA"

    response = await switch(client, placed.id, "cod", shop.headers)
    assert response.status_code == 200, response.text
    detail = response.json()["data"]
    assert detail["payment"]["method"] == "cod" and detail["payment"]["category"] == "cod"
    assert detail["payment"]["bank_account"] is None  # a COD buyer transfers nowhere
    assert (detail["money"]["cod_fee"], detail["money"]["unique_code"], detail["money"]["total"]) == (
        3_300,
        0,
        113_300,
    )
    await assert_consistent(rt, placed.id, detail)
    (event,) = await events(rt, placed.id, "payment_method_changed")
    assert event.data["before"]["payment_method"] == "bank_transfer" and event.data["after"]["payment_method"] == "cod"
    assert event.data["after"]["cod_fee"] == 3_300 and event.data["after"]["unique_code"] == 0
    await stats_match(rt, shop.store_id)

    response = await switch(client, placed.id, "qris", shop.headers)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["money"]["total"] == 110_000
    order = await assert_consistent(rt, placed.id, response.json()["data"])
    assert order.qris_payload and parse_qris(order.qris_payload).amount == "110000"

    response = await switch(client, placed.id, "bank_transfer", shop.headers)
    money = response.json()["data"]["money"]
    assert 1 <= money["unique_code"] <= 999 and money["total"] == 110_000 - money["unique_code"]
    order = await assert_consistent(rt, placed.id, response.json()["data"])
    assert order.qris_payload is None and order.cod_fee == 0
    assert len(await events(rt, placed.id, "payment_method_changed")) == 3
    await stats_match(rt, shop.store_id)

    # The current method again: nothing changes, nothing is recorded.
    assert (await switch(client, placed.id, "bank_transfer", shop.headers)).json()["data"]["money"] == money
    assert len(await events(rt, placed.id, "payment_method_changed")) == 3


async def test_codes_are_not_drawn_when_the_store_disables_them(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt, payment_method="cod")
    await set_store_settings(rt, shop.store_id, unique_code_enabled=False)
    response = await switch(client, placed.id, "bank_transfer", shop.headers)
    assert response.json()["data"]["money"]["unique_code"] == 0
    assert response.json()["data"]["money"]["total"] == 110_000


async def test_payment_method_refusals(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt, courier="sicepat", courier_service="BEST", cs=1)
    response = await switch(client, placed.id, "cod", shop.headers)  # SiCepat BEST carries no COD
    assert response.status_code == 422 and response.json()["error"]["code"] == "courier_not_cod"
    for method in ("ovo", "", "COD"):
        assert (await switch(client, placed.id, method, shop.headers)).status_code == 422
    await set_store_settings(rt, shop.store_id, qris_payload=None)
    response = await switch(client, placed.id, "qris", shop.headers)
    assert response.status_code == 422 and "payment_method" in response.json()["error"]["fields"]
    assert (await switch(client, placed.id, "qris", await stranger(client))).status_code == 404
    assert (await switch(client, placed.id, "qris", await cs_headers(client, rt, shop))).status_code == 404
    assert (await switch(client, 2**53 + 1, "qris", shop.headers)).status_code == 422

    order = await order_row(rt, placed.id)
    await move(rt, placed.id, payment_status="conflict", paid_amount=order.total - 1)
    response = await switch(client, placed.id, "cod", shop.headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "payment_received"
    await move(rt, placed.id, payment_status="paid", paid_amount=order.total)
    response = await switch(client, placed.id, "cod", shop.headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_paid"
    await move(rt, placed.id, payment_status="unpaid", status="completed")
    response = await switch(client, placed.id, "cod", shop.headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_past_shipping"
    await move(rt, placed.id, status="canceled")
    response = await switch(client, placed.id, "cod", shop.headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_canceled"
    assert await events(rt, placed.id, "payment_method_changed") == []
    assert (await order_row(rt, placed.id)).payment_method == "bank_transfer"
    await stats_match(rt, shop.store_id)


@pytest.mark.postgres_only
async def test_a_code_redrawn_by_an_edit_waits_for_the_checkouts_lock(client: httpx.AsyncClient, rt: Runtime) -> None:
    """Checkout draws a transfer's unique code under the lock of its amount's codes; an edit that draws one must take
    the same lock, or a checkout of the same amount could draw the same code meanwhile."""
    shop, placed = await shop_and_order(client, rt)
    drawn = await order_row(rt, placed.id)
    amount = drawn.total + drawn.unique_code  # before its code: what a new transfer of this cart would draw for
    assert (await switch(client, placed.id, "cod", shop.headers)).status_code == 200
    async with rt.db.session() as holder:
        await lock_unique_codes(holder, shop.store_id, amount + 1)  # another amount's lock does not hold it up
        assert (await asyncio.wait_for(switch(client, placed.id, "bank_transfer", shop.headers), 10)).status_code == 200
    assert (await switch(client, placed.id, "cod", shop.headers)).status_code == 200
    async with rt.db.session() as holder:
        await lock_unique_codes(holder, shop.store_id, amount)  # a checkout of this amount, between its lock and COMMIT
        edit = asyncio.create_task(switch(client, placed.id, "bank_transfer", shop.headers))
        await asyncio.sleep(0.5)
        assert not edit.done()
    response = await asyncio.wait_for(edit, 10)
    assert response.status_code == 200, response.text
    assert 1 <= response.json()["data"]["money"]["unique_code"] <= 999
