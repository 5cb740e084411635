"""InventoryService.reserve / release / ship, the API orders (step 3) will use, tested directly."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from bosonline.errors import Conflict
from bosonline.inventory.service import InsufficientStock, InventoryService, Shortage, StockLine, StockMovement
from bosonline.models import InventoryMovement, Store
from bosonline.runtime import Runtime
from tests.inventory.helpers import (
    Shop,
    make_other_store,
    make_shop,
    movements,
    put_stock,
    stock_of,
)


@pytest.fixture
async def shop(client: httpx.AsyncClient, rt: Runtime) -> Shop:
    shop = await make_shop(client, rt)
    await put_stock(rt, shop.store_id, shop.kaos_red, shop.main, 10)
    await put_stock(rt, shop.store_id, shop.kaos_black, shop.main, 4, 1)
    return shop


async def run(
    rt: Runtime, store_id: int, action: str, lines: list[StockLine], order_id: int = 1
) -> list[StockMovement]:
    """One transaction, as an order request would have: the action, then commit."""
    async with rt.db.session() as session:
        result: list[StockMovement] = await getattr(InventoryService(session, rt, store_id), action)(lines, order_id)
        await session.commit()
        return result


async def test_reserve_ship_release(rt: Runtime, shop: Shop) -> None:
    written = await run(
        rt,
        shop.store_id,
        "reserve",
        [
            StockLine(shop.kaos_red, shop.main, 3),
            StockLine(shop.kaos_black, shop.main, 2),
            StockLine(shop.kaos_red, shop.main, 1),
        ],
        order_id=41,
    )
    assert await stock_of(rt, shop.kaos_red, shop.main) == (10, 4)  # two lines of one variant: summed
    assert await stock_of(rt, shop.kaos_black, shop.main) == (4, 3)
    assert [(m.variant_id, m.delta_on_hand, m.delta_reserved, m.on_hand_after, m.reserved_after) for m in written] == [
        (shop.kaos_red, 0, 4, 10, 4),
        (shop.kaos_black, 0, 2, 4, 3),
    ]
    stored = await movements(rt)
    assert [m.id for m in stored] == [m.id for m in written]
    assert {(m.reason, m.order_id, m.actor_user_id) for m in stored} == {("order_reserved", 41, None)}

    shipped = await run(rt, shop.store_id, "ship", [StockLine(shop.kaos_red, shop.main, 4)], order_id=41)
    assert await stock_of(rt, shop.kaos_red, shop.main) == (6, 0)
    assert [(m.delta_on_hand, m.delta_reserved, m.on_hand_after, m.reserved_after) for m in shipped] == [(-4, -4, 6, 0)]

    released = await run(rt, shop.store_id, "release", [StockLine(shop.kaos_black, shop.main, 2)], order_id=41)
    assert await stock_of(rt, shop.kaos_black, shop.main) == (4, 1)
    assert [(m.delta_on_hand, m.delta_reserved, m.reserved_after) for m in released] == [(0, -2, 1)]
    assert [m.reason for m in await movements(rt)] == [
        "order_reserved",
        "order_reserved",
        "order_shipped",
        "order_released",
    ]


async def test_listing_shows_reservations(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    await run(rt, shop.store_id, "reserve", [StockLine(shop.kaos_red, shop.main, 7)])
    body = (
        await client.get("/store/inventory", params={"q": "merah", "warehouse_id": shop.main}, headers=shop.headers)
    ).json()
    (row,) = body["data"]
    assert (row["on_hand"], row["reserved"], row["available"]) == (10, 7, 3)


async def test_not_enough_stock_changes_nothing(rt: Runtime, shop: Shop) -> None:
    lines = [
        StockLine(shop.kaos_red, shop.main, 10),  # fits exactly
        StockLine(shop.kaos_black, shop.main, 4),  # 3 available
        StockLine(shop.kopi_variant, shop.main, 1),  # no stock row at all
    ]
    with pytest.raises(InsufficientStock) as refused:
        await run(rt, shop.store_id, "reserve", lines)
    assert refused.value.status_code == 409 and refused.value.code == "insufficient_stock"
    assert refused.value.shortages == [
        Shortage(shop.kaos_black, shop.main, 4, 3),
        Shortage(shop.kopi_variant, shop.main, 1, 0),
    ]
    assert str(shop.kaos_black) in refused.value.message and str(shop.kopi_variant) in refused.value.message
    assert refused.value.fields == {
        f"stock.{shop.kaos_black}.{shop.main}": "4 requested, 3 available",
        f"stock.{shop.kopi_variant}.{shop.main}": "1 requested, 0 available",
    }
    assert await stock_of(rt, shop.kaos_red, shop.main) == (10, 0)  # the line that fitted was undone
    assert await stock_of(rt, shop.kaos_black, shop.main) == (4, 1)
    assert await movements(rt) == []


async def test_refusal_keeps_the_callers_transaction(rt: Runtime, shop: Shop) -> None:
    """An order service may catch the refusal and go on (e.g. save the order as a draft): its earlier writes in
    the same transaction survive, and the stock is as before."""
    async with rt.db.session() as session:
        store = await session.get(Store, shop.store_id)
        assert store is not None
        store.name = "Toko Ganti Nama"
        await session.flush()
        service = InventoryService(session, rt, shop.store_id)
        await service.reserve([StockLine(shop.kaos_black, shop.main, 1)], 5)
        with pytest.raises(InsufficientStock):
            await service.reserve(
                [StockLine(shop.kaos_red, shop.main, 2), StockLine(shop.kaos_black, shop.main, 50)], 6
            )
        await session.commit()
    async with rt.db.session(write=False) as session:
        assert (await session.get(Store, shop.store_id)).name == "Toko Ganti Nama"  # type: ignore[union-attr]
        assert [m.order_id for m in (await session.scalars(select(InventoryMovement))).all()] == [5]
    assert await stock_of(rt, shop.kaos_red, shop.main) == (10, 0)
    assert await stock_of(rt, shop.kaos_black, shop.main) == (4, 2)


async def test_release_or_ship_more_than_reserved_is_refused(rt: Runtime, shop: Shop) -> None:
    for action in ("release", "ship"):
        with pytest.raises(Conflict) as refused:
            await run(rt, shop.store_id, action, [StockLine(shop.kaos_black, shop.main, 2)])
        assert refused.value.code == "reservation_mismatch"
        assert "2 asked, 1 reserved" in refused.value.message
    assert await stock_of(rt, shop.kaos_black, shop.main) == (4, 1)
    assert await movements(rt) == []


async def test_quantities_must_be_positive(rt: Runtime, shop: Shop) -> None:
    for qty in (0, -1, 10_000_001):
        with pytest.raises(ValueError):
            await run(rt, shop.store_id, "reserve", [StockLine(shop.kaos_red, shop.main, qty)])
    assert await stock_of(rt, shop.kaos_red, shop.main) == (10, 0)


async def test_another_stores_stock_cannot_be_reserved(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    other = await make_other_store(client, rt, 100)
    with pytest.raises(InsufficientStock):
        await run(rt, shop.store_id, "reserve", [StockLine(other.variant, other.warehouse, 1)])
    assert await stock_of(rt, other.variant, other.warehouse) == (100, 0)
