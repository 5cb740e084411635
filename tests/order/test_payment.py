"""POST /store/order/{id}/confirm-payment — Confirm Payment, and PUT /store/order/{id}/payment — Update Payment
Method (the bank account and payer of the order)."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta
from typing import Any

import httpx

from bosonline.kit.clock import FrozenClock
from bosonline.kit.money import rupiah
from bosonline.models import BankAccount, Image, OrderPayment
from bosonline.runtime import Runtime
from tests.checkout.helpers import bank_account_row, count
from tests.order.edit_helpers import cs_headers, events, move, shop_and_order, stranger_store
from tests.order.helpers import CheckoutShop, order_row, stats_match
from tests.orders_support import add_row, add_rows

_keys = itertools.count(1)


async def add_account(rt: Runtime, store_id: int, number: str, status: str = "active") -> int:
    """A Mandiri (008) account of the store."""
    account = bank_account_row(rt, store_id, number, bank="008", status=status)
    await add_rows(rt, account)
    return account.id


async def add_image(rt: Runtime, store_id: int) -> int:
    key = f"test/{store_id}/proof-{next(_keys)}"
    image = await add_row(
        rt,
        Image,
        store_id=store_id,
        storage_key=f"{key}.jpg",
        thumb_key=f"{key}-thumb.jpg",
        content_type="image/jpeg",
        width=10,
        height=10,
        size_bytes=100,
        sha256="0" * 64,
    )
    return image.id


async def confirm(client: httpx.AsyncClient, shop: CheckoutShop, order_id: int, **body: Any) -> httpx.Response:
    return await client.post(f"/store/order/{order_id}/confirm-payment", json=body, headers=shop.headers)


async def test_confirming_the_exact_total_marks_the_order_paid(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock
) -> None:
    shop, placed = await shop_and_order(client, rt)
    account = await add_account(rt, shop.store_id, "9876543210")
    proof = await add_image(rt, shop.store_id)
    clock.advance(minutes=10)
    paid_at = clock.now() - timedelta(minutes=7)
    response = await confirm(
        client,
        shop,
        placed.id,
        amount=placed.total,
        paid_at=paid_at.isoformat(),
        bank_account_id=account,
        payer_name="Siti Aminah",
        proof_image_id=proof,
        note="Transfer pagi",
    )
    assert response.status_code == 200, response.text
    detail = response.json()["data"]
    payment = detail["payment"]
    assert payment["status"] == "paid" and payment["paid_at"].startswith(paid_at.strftime("%Y-%m-%dT%H:%M"))
    assert payment["bank_account"] == {
        "id": account,
        "bank_name": "Mandiri",
        "account_number": "9876543210",
        "holder_name": "Budi Santoso",
    }
    assert payment["payer_name"] == "Siti Aminah"
    assert detail["money"]["paid_amount"] == placed.total and detail["money"]["difference"] == 0
    (row,) = payment["history"]
    assert (row["amount"], row["expected"], row["difference"], row["result"]) == (
        placed.total,
        placed.total,
        0,
        "paid",
    )
    assert row["proof_url"] and row["proof_url"].endswith(".jpg") and row["recorded_by"] == "Budi Pemilik"
    (event,) = await events(rt, placed.id, "payment_confirmed")
    assert event.data["before"]["payment_status"] == "unpaid" and event.data["after"]["payment_status"] == "paid"
    assert event.data["payment"]["result"] == "paid"
    await stats_match(rt, shop.store_id)

    again = await confirm(client, shop, placed.id, amount=placed.total)
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_paid"
    assert await count(rt, OrderPayment, OrderPayment.order_id == placed.id) == 1


async def test_a_wrong_amount_is_a_conflict_until_confirmed_again(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt)
    response = await confirm(client, shop, placed.id, amount=placed.total - 5_000)
    assert response.status_code == 200, response.text
    detail = response.json()["data"]
    assert detail["payment"]["status"] == "conflict" and detail["payment"]["paid_at"] is None
    assert detail["money"]["difference"] == -5_000 and detail["payment"]["history"][0]["difference"] == -5_000
    (event,) = await events(rt, placed.id, "payment_conflict")
    assert event.data["payment"]["difference"] == -5_000
    # the seller reads it in Indonesian, in Rupiah as the buyer pages write it
    assert event.note == f"Diterima {rupiah(placed.total - 5_000)}, Rp5.000 kurang dari total"
    assert detail["events"][-1]["note"] == event.note
    await stats_match(rt, shop.store_id)
    # The buyer tops up: the amount is everything received so far.
    response = await confirm(client, shop, placed.id, amount=placed.total)
    assert response.json()["data"]["payment"]["status"] == "paid"
    assert [row["result"] for row in response.json()["data"]["payment"]["history"]] == ["conflict", "paid"]
    await stats_match(rt, shop.store_id)


async def test_an_overpayment_note_keeps_the_sellers_own_words(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt)
    response = await confirm(client, shop, placed.id, amount=placed.total + 1_250_000, note="dobel transfer")
    assert response.status_code == 200, response.text
    (event,) = await events(rt, placed.id, "payment_conflict")
    assert event.note == f"Diterima {rupiah(placed.total + 1_250_000)}, Rp1.250.000 lebih dari total — dobel transfer"


async def test_cod_orders_are_confirmed_when_the_courier_remits(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt, payment_method="cod")
    await move(rt, placed.id, status="completed")
    account = await add_account(rt, shop.store_id, "5555555555", status="inactive")
    response = await confirm(client, shop, placed.id, amount=placed.total, bank_account_id=account)
    assert response.status_code == 200, response.text
    detail = response.json()["data"]
    assert detail["payment"]["status"] == "paid" and detail["payment"]["bank_account"] is None
    assert detail["payment"]["history"][0]["account_number"] == "5555555555"
    await stats_match(rt, shop.store_id)


async def test_confirm_payment_refusals(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt, cs=1)
    other, other_store = await stranger_store(client)
    foreign_image = await add_image(rt, other_store)
    foreign_account = await add_account(rt, other_store, "1111111111")
    now = rt.clock.now()
    for body, field in (
        ({"amount": 0}, "amount"),
        ({"amount": -1}, "amount"),
        ({"amount": 10**12 + 1}, "amount"),
        ({"amount": 1, "paid_at": (now + timedelta(minutes=6)).isoformat()}, "paid_at"),
        ({"amount": 1, "paid_at": (now - timedelta(days=2)).isoformat()}, "paid_at"),
        ({"amount": 1, "paid_at": "2026-11-21T10:00:00"}, "paid_at"),  # no time zone
        ({"amount": 1, "paid_at": "0001-01-01T00:00:00+14:00"}, "paid_at"),  # before year 1 in UTC
        ({"amount": 1, "paid_at": "9999-12-31T23:59:59-14:00"}, "paid_at"),
        ({"amount": 1, "proof_image_id": foreign_image}, "proof_image_id"),
        ({"amount": 1, "proof_image_id": 2**53 + 1}, "proof_image_id"),
        ({"amount": 1, "bank_account_id": foreign_account}, "bank_account_id"),
        ({"amount": 1, "note": "x" * 501}, "note"),
    ):
        response = await confirm(client, shop, placed.id, **body)
        assert response.status_code == 422, (body, response.text)
        assert field in str(response.json()["error"]["fields"]), (body, response.text)
    ok = {"amount": placed.total}
    assert (await client.post(f"/store/order/{placed.id}/confirm-payment", json=ok, headers=other)).status_code == 404
    cs = await cs_headers(client, rt, shop)
    assert (await client.post(f"/store/order/{placed.id}/confirm-payment", json=ok, headers=cs)).status_code == 404
    await move(rt, placed.id, status="canceled")
    response = await confirm(client, shop, placed.id, **ok)
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_canceled"
    assert await count(rt, OrderPayment, OrderPayment.order_id == placed.id) == 0
    assert (await order_row(rt, placed.id)).payment_status == "unpaid"


async def test_payment_details_copy_an_active_account(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt, cs=1)
    url = f"/store/order/{placed.id}/payment"
    account = await add_account(rt, shop.store_id, "9876543210")
    response = await client.put(url, json={"bank_account_id": account, "payer_name": "Siti"}, headers=shop.headers)
    assert response.status_code == 200, response.text
    payment = response.json()["data"]["payment"]
    assert payment["bank_account"]["bank_name"] == "Mandiri" and payment["payer_name"] == "Siti"
    # The copy stays when the account goes.
    async with rt.db.session() as session:
        (await session.get(BankAccount, account)).account_number = "1212121212"  # type: ignore[union-attr]
        await session.commit()
    assert (await order_row(rt, placed.id)).bank_account_number == "9876543210"
    (event,) = await events(rt, placed.id, "payment_details_changed")
    assert event.data["after"]["bank_account_id"] == account and event.data["before"]["bank_account_id"] is None
    # Fields left out stay; null clears.
    response = await client.put(url, json={"payer_name": None}, headers=shop.headers)
    payment = response.json()["data"]["payment"]
    assert payment["payer_name"] is None and payment["bank_account"]["id"] == account

    inactive = await add_account(rt, shop.store_id, "4444444444", status="inactive")
    other, other_store = await stranger_store(client)
    foreign = await add_account(rt, other_store, "1111111111")
    for body in (
        {"bank_account_id": inactive},
        {"bank_account_id": foreign},
        {"bank_account_id": 999_999},
        {"bank_account_id": 0},
        {"payer_name": ""},
        {},
    ):
        response = await client.put(url, json=body, headers=shop.headers)
        assert response.status_code == 422, (body, response.text)
    assert (await client.put(url, json={"payer_name": "X"}, headers=other)).status_code == 404
    cs = await cs_headers(client, rt, shop)
    assert (await client.put(url, json={"payer_name": "X"}, headers=cs)).status_code == 404
    order = await order_row(rt, placed.id)
    await move(rt, placed.id, payment_method="cod", unique_code=0, total=order.total + order.unique_code)
    response = await client.put(url, json={"bank_account_id": account}, headers=shop.headers)
    assert response.status_code == 422 and "bank_account_id" in response.json()["error"]["fields"]
    await move(rt, placed.id, status="canceled")
    response = await client.put(url, json={"payer_name": "X"}, headers=shop.headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_canceled"
    await stats_match(rt, shop.store_id)


async def test_concurrent_confirmations_record_one_payment(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt)
    responses = await asyncio.gather(*(confirm(client, shop, placed.id, amount=placed.total) for _ in range(5)))
    assert sorted(r.status_code for r in responses) == [200, 409, 409, 409, 409]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"already_paid"}
    assert await count(rt, OrderPayment, OrderPayment.order_id == placed.id) == 1
    assert len(await events(rt, placed.id, "payment_confirmed")) == 1
    await stats_match(rt, shop.store_id)
