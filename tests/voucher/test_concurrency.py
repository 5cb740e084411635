"""Quotas under concurrency: many checkouts redeeming one voucher at once, each in its own transaction. On
PostgreSQL they run in parallel on their own connections and queue on the voucher's row lock; on SQLite they queue
on the write lock. Neither quota is ever exceeded."""

from __future__ import annotations

import asyncio
import time

import httpx
from sqlalchemy import select

from bosonline.models import VoucherRedemption
from bosonline.runtime import Runtime
from bosonline.voucher.checkout import CartLine, VoucherQuote, quote_voucher
from tests.factories import seller
from tests.inventory.helpers import make_product
from tests.voucher.helpers import create_voucher, make_order, redeem_in_own_transaction, redemption_count, voucher_row


async def setup(client: httpx.AsyncClient, rt: Runtime, **fields: object) -> tuple[int, int, VoucherQuote]:
    owner = await seller(client)
    store_id = owner["store"]["id"]
    kopi, _ = await make_product(rt, store_id, name="Kopi")
    voucher = await create_voucher(client, owner["headers"], code="REBUTAN", **fields)
    async with rt.db.session(write=False) as session:
        quote = await quote_voucher(
            session, store_id, "rebutan", [CartLine(kopi, 150_000)], None, "6281234567890", rt.clock.now()
        )
    return store_id, voucher["id"], quote


async def test_fifty_checkouts_never_exceed_the_total_quota(client: httpx.AsyncClient, rt: Runtime) -> None:
    store_id, voucher_id, quote = await setup(client, rt, quota_total=10)
    buyers = [f"628123456{i:04d}" for i in range(50)]
    orders = [await make_order(rt, store_id, phone=phone) for phone in buyers]
    started = time.perf_counter()
    results = await asyncio.gather(
        *(
            redeem_in_own_transaction(rt, store_id, quote, order_id, phone)
            for order_id, phone in zip(orders, buyers, strict=True)
        )
    )
    elapsed = time.perf_counter() - started
    print(f"\n50 concurrent redemptions of a 10-use voucher: {elapsed * 1000:.0f} ms")
    assert results.count("ok") == 10
    assert results.count("exhausted") == 40
    row = await voucher_row(rt, voucher_id)
    assert row is not None and row.used_count == 10
    assert await redemption_count(rt, voucher_id) == 10
    async with rt.db.session(write=False) as session:
        redeemed = set(await session.scalars(select(VoucherRedemption.order_id)))
    assert redeemed == {order_id for order_id, result in zip(orders, results, strict=True) if result == "ok"}


async def test_one_buyer_racing_themselves_gets_one_use(client: httpx.AsyncClient, rt: Runtime) -> None:
    store_id, voucher_id, quote = await setup(client, rt, quota_per_buyer=1)
    phone = "6281234567890"
    orders = [await make_order(rt, store_id, phone=phone) for _ in range(10)]
    other_buyer_order = await make_order(rt, store_id, phone="6281398765432")
    results = await asyncio.gather(
        *(redeem_in_own_transaction(rt, store_id, quote, order_id, phone) for order_id in orders),
        redeem_in_own_transaction(rt, store_id, quote, other_buyer_order, "6281398765432"),
    )
    assert results[:10].count("ok") == 1
    assert results[:10].count("buyer_limit_reached") == 9
    assert results[10] == "ok"
    row = await voucher_row(rt, voucher_id)
    assert row is not None and row.used_count == 2  # the refused ones rolled their count back
    assert await redemption_count(rt, voucher_id) == 2
