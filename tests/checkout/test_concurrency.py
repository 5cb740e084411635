"""Checkouts racing for the last units and the last vouchers. On PostgreSQL the requests really run in parallel,
each on its own connection; on SQLite they queue on the write lock. Both must end exactly right."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from sqlalchemy import func, select

from bosonline.models import (
    CheckoutKey,
    Customer,
    InventoryMovement,
    Order,
    OrderDailyStat,
    OrderLine,
    Voucher,
    VoucherRedemption,
)
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


@pytest.mark.postgres_only
async def test_one_store_many_buyers_and_key_races(client: httpx.AsyncClient, rt: Runtime) -> None:
    """Thirty buyers of one store, each sending their checkout three times at once with the same Idempotency-Key
    (a double tap, a retry): one order per key, the others answer that order; the store's counters, stock and
    unique codes come out exact although the store's row lock is taken only at the end of each checkout."""
    shop = await make_checkout_shop(client, rt, stock=40)
    buyers = 30
    line = [{"variant_id": shop.red, "quantity": 1}]
    responses = await asyncio.gather(
        *(
            place(client, shop, key=f"race-key-{n:04d}", items=line, phone=phone(n))
            for n in range(buyers)
            for _ in range(3)
        )
    )
    assert all(r.status_code in (200, 201) for r in responses), [r.text for r in responses if r.status_code >= 300]
    by_key: dict[int, list[httpx.Response]] = {}
    for n, response in enumerate(responses):
        by_key.setdefault(n // 3, []).append(response)
    for replies in by_key.values():
        assert sorted(r.status_code for r in replies) == [200, 200, 201]
        assert len({r.json()["data"]["number"] for r in replies}) == 1
    created = [r.json()["data"] for r in responses if r.status_code == 201]
    numbers = sorted(int(data["number"].rsplit("/", 1)[1]) for data in created)
    assert numbers == list(range(1, buyers + 1))  # the store's counter: no gap, no repeat
    codes = [data["money"]["unique_code"] for data in created]
    assert len({data["money"]["total"] + data["money"]["unique_code"] for data in created}) == 1  # one amount
    assert len(set(codes)) == buyers and 0 not in codes  # so every transfer names its own order
    assert await stock_row(rt, shop.red, shop.warehouse) == (40, buyers)
    assert await count(rt, Order) == buyers
    assert await count(rt, CheckoutKey) == buyers
    assert await count(rt, InventoryMovement) == buyers
    async with rt.db.session(write=False) as session:
        handlers = list(await session.scalars(select(Order.handler_id)))
        assert sorted(handlers.count(member) for member in shop.cs_members) == [buyers // 2, buyers // 2]
        orders, total = (
            await session.execute(select(func.sum(OrderDailyStat.orders), func.sum(OrderDailyStat.total)))
        ).one()
        assert (orders, total) == (buyers, sum(data["money"]["total"] for data in created))
