"""Stock under concurrency: no update is ever lost, nothing deadlocks, and stock never goes below what is reserved
or below zero. On PostgreSQL the requests really run in parallel, each on its own connection, and queue on row
locks; on SQLite they queue on the database's write lock (BEGIN IMMEDIATE). Both are run: they are quick."""

from __future__ import annotations

import asyncio
import time

import httpx
from sqlalchemy import func, select

from bosonline.inventory.service import InsufficientStock, InventoryService, StockLine
from bosonline.models import InventoryMovement
from bosonline.runtime import Runtime
from tests.inventory.helpers import Shop, movements, put_stock, stock_of


async def test_twenty_adjustments_at_once_all_count(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    """The Stock row does not exist yet: twenty requests race to create it, then to lock and add to it."""
    line = {"variant_id": shop.kaos_red, "warehouse_id": shop.main, "adjust": 1}
    started = time.perf_counter()
    responses = await asyncio.gather(
        *(client.put("/store/inventory", json={"lines": [line]}, headers=shop.headers) for _ in range(20))
    )
    elapsed = time.perf_counter() - started
    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses if r.status_code != 200]
    print(f"\n20 concurrent PUT adjust +1 on one row: {elapsed * 1000:.0f} ms")
    assert await stock_of(rt, shop.kaos_red, shop.main) == (20, 0)
    written = await movements(rt)
    assert len(written) == 20
    # each saw the one before it: the counts after are exactly 1..20, none repeated
    assert sorted(m.on_hand_after for m in written) == list(range(1, 21))
    assert sorted(r.json()["data"]["rows"][0]["on_hand"] for r in responses) == list(range(1, 21))


async def test_overlapping_batches_in_opposite_orders_do_not_deadlock(
    client: httpx.AsyncClient, rt: Runtime, shop: Shop
) -> None:
    await put_stock(rt, shop.store_id, shop.kaos_red, shop.main, 100)
    a = {"variant_id": shop.kaos_red, "warehouse_id": shop.main, "adjust": 1}
    b = {"variant_id": shop.kopi_variant, "warehouse_id": shop.branch, "adjust": 2}  # no row yet
    c = {"variant_id": shop.kaos_black, "warehouse_id": shop.branch, "adjust": -1}  # always refused: 0 on hand
    bodies = [{"lines": [a, b]} if i % 2 else {"lines": [b, a]} for i in range(16)] + [{"lines": [b, a, c]}] * 4
    responses = await asyncio.gather(
        *(client.put("/store/inventory", json=body, headers=shop.headers) for body in bodies)
    )
    assert sorted(r.status_code for r in responses) == [200] * 16 + [422] * 4, [r.text for r in responses]
    assert await stock_of(rt, shop.kaos_red, shop.main) == (116, 0)
    assert await stock_of(rt, shop.kopi_variant, shop.branch) == (32, 0)
    assert await stock_of(rt, shop.kaos_black, shop.branch) is None
    assert len(await movements(rt)) == 32


async def reserve(rt: Runtime, store_id: int, lines: list[StockLine], order_id: int) -> bool:
    async with rt.db.session() as session:
        try:
            await InventoryService(session, rt, store_id).reserve(lines, order_id)
        except InsufficientStock:
            await session.rollback()
            return False
        await session.commit()
        return True


async def test_concurrent_reservations_never_oversell(rt: Runtime, shop: Shop) -> None:
    await put_stock(rt, shop.store_id, shop.kaos_red, shop.main, 10)
    results = await asyncio.gather(
        *(reserve(rt, shop.store_id, [StockLine(shop.kaos_red, shop.main, 3)], order_id) for order_id in range(1, 9))
    )
    assert results.count(True) == 3  # 3 × 3 = 9 of 10; a fourth would need 12
    assert await stock_of(rt, shop.kaos_red, shop.main) == (10, 9)
    written = await movements(rt)
    assert sorted(m.reserved_after for m in written) == [3, 6, 9]
    assert {m.order_id for m in written} == {order_id for order_id, ok in enumerate(results, start=1) if ok}


async def test_multi_line_reservations_in_any_order(rt: Runtime, shop: Shop) -> None:
    """Orders holding two rows each, listed in opposite orders: no deadlock, and an order gets both or neither."""
    await put_stock(rt, shop.store_id, shop.kaos_red, shop.main, 5)
    await put_stock(rt, shop.store_id, shop.kopi_variant, shop.branch, 7)
    red, kopi = StockLine(shop.kaos_red, shop.main, 1), StockLine(shop.kopi_variant, shop.branch, 1)
    results = await asyncio.gather(
        *(reserve(rt, shop.store_id, [red, kopi] if i % 2 else [kopi, red], i) for i in range(1, 13))
    )
    assert results.count(True) == 5
    assert await stock_of(rt, shop.kaos_red, shop.main) == (5, 5)
    assert await stock_of(rt, shop.kopi_variant, shop.branch) == (7, 5)
    assert len(await movements(rt)) == 10


async def test_sellers_and_orders_at_once_keep_the_books_straight(
    client: httpx.AsyncClient, rt: Runtime, shop: Shop
) -> None:
    """Reservations racing stock counts going down: every request ends cleanly (200/422 for sellers, reserved or
    refused for orders), reserved never exceeds on hand, and the movements add up to the final row."""
    await put_stock(rt, shop.store_id, shop.kaos_red, shop.main, 0)
    await client.put(
        "/store/inventory",
        json={"lines": [{"variant_id": shop.kaos_red, "warehouse_id": shop.main, "set": 12}]},
        headers=shop.headers,
    )
    seller_changes = [
        client.put(
            "/store/inventory",
            json={"lines": [{"variant_id": shop.kaos_red, "warehouse_id": shop.main, "adjust": -2}]},
            headers=shop.headers,
        )
        for _ in range(5)
    ]
    orders = [reserve(rt, shop.store_id, [StockLine(shop.kaos_red, shop.main, 2)], i) for i in range(1, 6)]
    outcomes = await asyncio.gather(*seller_changes, *orders)
    sellers, reserved = outcomes[:5], outcomes[5:]
    assert {r.status_code for r in sellers} <= {200, 422}
    on_hand, held = await stock_of(rt, shop.kaos_red, shop.main) or (None, None)
    assert on_hand is not None and held is not None and 0 <= held <= on_hand
    assert held == 2 * reserved.count(True)
    assert on_hand == 12 - 2 * sum(r.status_code == 200 for r in sellers)
    async with rt.db.session(write=False) as session:
        delta_on_hand, delta_reserved = (
            await session.execute(
                select(func.sum(InventoryMovement.delta_on_hand), func.sum(InventoryMovement.delta_reserved))
            )
        ).one()
    assert (delta_on_hand, delta_reserved) == (on_hand, held)
