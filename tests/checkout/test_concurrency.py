"""Checkouts racing for the last units and the last vouchers. On PostgreSQL the requests really run in parallel,
each on its own connection; on SQLite they queue on the write lock. Both must end exactly right."""

from __future__ import annotations

import asyncio
import time

import httpx
from sqlalchemy import func, select

from bosonline.models import CheckoutKey, Customer, InventoryMovement, Order, OrderLine, Voucher, VoucherRedemption
from bosonline.runtime import Runtime
from tests.checkout.helpers import count, make_checkout_shop, make_voucher, place, stock_row

BUYERS = 100


def phone(n: int) -> str:
    return f"0812{n:08d}"


async def test_hundred_buyers_thirty_units(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, stock=30)
    started = time.perf_counter()
    responses = await asyncio.gather(
        *(
            place(client, shop, items=[{"variant_id": shop.red, "quantity": 1}], phone=phone(n), payment_method="cod")
            for n in range(BUYERS)
        )
    )
    elapsed = time.perf_counter() - started
    print(f"\n{BUYERS} concurrent checkouts for 30 units: {elapsed * 1000:.0f} ms")
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 30 + [409] * 70, [r.text for r in responses if r.status_code not in (201, 409)]
    for refused in (r for r in responses if r.status_code == 409):
        assert refused.json()["error"]["code"] == "out_of_stock"
        assert "Kaos Polos (Merah / L)" in refused.json()["error"]["message"]
    assert await stock_row(rt, shop.red, shop.warehouse) == (30, 30)  # available 0, never below
    assert await count(rt, Order) == 30
    assert await count(rt, OrderLine) == 30
    assert await count(rt, Customer) == 30  # the refused buyers left no customer behind
    assert await count(rt, CheckoutKey) == 30
    assert await count(rt, InventoryMovement) == 30
    numbers = {r.json()["data"]["number"] for r in responses if r.status_code == 201}
    assert len(numbers) == 30


async def test_hundred_buyers_ten_vouchers(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, stock=1_000)
    voucher_id = await make_voucher(rt, shop, "SERBU", kind="fixed", value=5_000, quota_total=10)
    responses = await asyncio.gather(
        *(place(client, shop, phone=phone(n), payment_method="cod", voucher_code="SERBU") for n in range(BUYERS))
    )
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] * 10 + [422] * 90, [r.text for r in responses if r.status_code not in (201, 422)]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 422} == {"voucher_exhausted"}
    async with rt.db.session(write=False) as session:
        voucher = await session.get(Voucher, voucher_id)
        assert voucher is not None and voucher.used_count == 10
        assert await session.scalar(select(func.count()).select_from(VoucherRedemption)) == 10
        assert await session.scalar(select(func.count()).where(Order.voucher_id == voucher_id)) == 10
    assert await count(rt, Order) == 10
    assert await stock_row(rt, shop.red, shop.warehouse) == (1_000, 20)  # only the 10 orders hold stock


async def test_one_phone_one_voucher_use(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, stock=1_000)
    await make_voucher(rt, shop, "SEKALI", quota_per_buyer=1)
    responses = await asyncio.gather(
        *(place(client, shop, payment_method="cod", voucher_code="SEKALI") for _ in range(10))
    )
    assert sorted(r.status_code for r in responses) == [201] + [422] * 9, [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 422} == {"voucher_buyer_limit_reached"}
    assert await count(rt, Order) == 1
