"""What status changes do to stock and vouchers: cancel releases the reservation and gives the voucher use back,
shipped consumes the reservation, rts puts the units back on hand, all in the change's transaction."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import select, update

from bosonline.models import InventoryMovement, OrderEvent, OrderLine, Stock, Voucher, VoucherRedemption
from bosonline.runtime import Runtime
from tests.checkout.helpers import count, make_voucher, place, stock_row
from tests.order.helpers import make_checkout_shop, order_row, place_orders, stats_match
from tests.order.status_helpers import patch_status, set_status


async def movements_of(rt: Runtime, order_id: int) -> list[tuple[str, int, int, int]]:
    async with rt.db.session(write=False) as session:
        rows = await session.scalars(
            select(InventoryMovement).where(InventoryMovement.order_id == order_id).order_by(InventoryMovement.id)
        )
        return [(m.reason, m.variant_id, m.delta_on_hand, m.delta_reserved) for m in rows]


async def voucher_uses(rt: Runtime, voucher_id: int) -> tuple[int, int]:
    """(used_count, redemptions)"""
    async with rt.db.session(write=False) as session:
        used = await session.scalar(select(Voucher.used_count).where(Voucher.id == voucher_id))
    return int(used or 0), await count(rt, VoucherRedemption, VoucherRedemption.voucher_id == voucher_id)


async def test_cancel_releases_the_reservation(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    items = [{"variant_id": shop.red, "quantity": 2}, {"variant_id": shop.kopi_variant, "quantity": 3}]
    (order,) = await place_orders(client, rt, shop, items=items)
    assert await stock_row(rt, shop.red, shop.warehouse) == (30, 2)
    assert await stock_row(rt, shop.kopi_variant, shop.warehouse) == (30, 3)

    response = await patch_status(client, shop.headers, order.id, status="canceled", note="Pembeli batal")
    assert response.status_code == 200, response.text
    assert await stock_row(rt, shop.red, shop.warehouse) == (30, 0)
    assert await stock_row(rt, shop.kopi_variant, shop.warehouse) == (30, 0)
    released = [m for m in await movements_of(rt, order.id) if m[0] == "order_released"]
    assert sorted(released) == sorted(
        [("order_released", shop.red, 0, -2), ("order_released", shop.kopi_variant, 0, -3)]
    )
    await stats_match(rt, shop.store_id)


async def test_ship_consumes_and_rts_restocks(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    (order,) = await place_orders(client, rt, shop)
    for status in ("confirmed", "in_process", "ready"):  # preparation steps hold the reservation as it is
        assert (await patch_status(client, shop.headers, order.id, status=status)).status_code == 200
        assert await stock_row(rt, shop.red, shop.warehouse) == (30, 2)
    assert (await patch_status(client, shop.headers, order.id, status="shipped")).status_code == 200
    assert await stock_row(rt, shop.red, shop.warehouse) == (28, 0)
    assert (await order_row(rt, order.id)).shipped_at is not None

    assert (await patch_status(client, shop.headers, order.id, status="rts")).status_code == 200
    assert await stock_row(rt, shop.red, shop.warehouse) == (30, 0)
    assert (await patch_status(client, shop.headers, order.id, status="closed")).status_code == 200
    assert await stock_row(rt, shop.red, shop.warehouse) == (30, 0)
    reasons = [m[:4] for m in await movements_of(rt, order.id)]
    assert reasons == [
        ("order_reserved", shop.red, 0, 2),
        ("order_shipped", shop.red, -2, -2),
        ("order_returned", shop.red, 2, 0),
    ]
    await stats_match(rt, shop.store_id)


async def test_completed_keeps_the_stock_as_shipped(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    (order,) = await place_orders(client, rt, shop)
    for status in ("shipped", "completed", "closed"):
        assert (await patch_status(client, shop.headers, order.id, status=status)).status_code == 200
    assert await stock_row(rt, shop.red, shop.warehouse) == (28, 0)
    await stats_match(rt, shop.store_id)


async def test_lines_of_deleted_variants_are_skipped(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    items = [{"variant_id": shop.red, "quantity": 2}, {"variant_id": shop.black, "quantity": 1}]
    (order,) = await place_orders(client, rt, shop, items=items)
    async with rt.db.session() as session:  # what deleting the variant leaves on the line (ON DELETE SET NULL)
        await session.execute(
            update(OrderLine)
            .where(OrderLine.order_id == order.id, OrderLine.variant_id == shop.black)
            .values(variant_id=None)
        )
        await session.commit()
    response = await patch_status(client, shop.headers, order.id, status="canceled")
    assert response.status_code == 200, response.text
    assert await stock_row(rt, shop.red, shop.warehouse) == (30, 0)
    assert await stock_row(rt, shop.black, shop.warehouse) == (30, 1)  # nothing to give back to: left alone


async def test_a_reservation_that_does_not_match_refuses_and_changes_nothing(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    shop = await make_checkout_shop(client, rt)
    voucher_id = await make_voucher(rt, shop)
    items = [{"variant_id": shop.kopi_variant, "quantity": 1}, {"variant_id": shop.red, "quantity": 2}]
    (order,) = await place_orders(client, rt, shop, items=items, voucher_code="HEMAT10")
    async with rt.db.session() as session:  # someone zeroed the red reservation by hand
        await session.execute(update(Stock).where(Stock.variant_id == shop.red).values(reserved=0))
        await session.commit()

    for status in ("canceled", "shipped"):
        response = await patch_status(client, shop.headers, order.id, status=status)
        assert response.status_code == 409, response.text
        assert response.json()["error"]["code"] == "reservation_mismatch"
    assert (await order_row(rt, order.id)).status == "pending"
    assert await stock_row(rt, shop.kopi_variant, shop.warehouse) == (
        30,
        1,
    )  # the line that fitted was undone too
    assert await voucher_uses(rt, voucher_id) == (1, 1)
    assert await count(rt, OrderEvent, OrderEvent.order_id == order.id) == 1
    await stats_match(rt, shop.store_id)


async def test_cancel_gives_the_voucher_use_back(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    voucher_id = await make_voucher(rt, shop, quota_total=1)
    async with rt.db.session(write=False) as session:
        edited_at = await session.scalar(select(Voucher.updated_at).where(Voucher.id == voucher_id))
    (order,) = await place_orders(client, rt, shop, voucher_code="HEMAT10")
    assert await voucher_uses(rt, voucher_id) == (1, 1)
    refused = await place(client, shop, voucher_code="HEMAT10")
    assert refused.status_code != 201  # the quota is used up

    response = await patch_status(client, shop.headers, order.id, status="canceled")
    assert response.status_code == 200, response.text
    assert await voucher_uses(rt, voucher_id) == (0, 0)
    async with rt.db.session(write=False) as session:  # a use given back is not a seller's edit
        assert await session.scalar(select(Voucher.updated_at).where(Voucher.id == voucher_id)) == edited_at

    (again,) = await place_orders(client, rt, shop, voucher_code="HEMAT10")  # the quota is back
    assert await voucher_uses(rt, voucher_id) == (1, 1)
    assert (await order_row(rt, again.id)).voucher_id == voucher_id
    await stats_match(rt, shop.store_id)


async def test_returned_parcels_keep_the_voucher_use(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    voucher_id = await make_voucher(rt, shop, quota_total=5)
    (order,) = await place_orders(client, rt, shop, voucher_code="HEMAT10")
    for status in ("shipped", "rts"):
        assert (await patch_status(client, shop.headers, order.id, status=status)).status_code == 200
    assert await voucher_uses(rt, voucher_id) == (1, 1)


async def test_a_draft_cancel_touches_no_stock(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    (order,) = await place_orders(client, rt, shop)
    await set_status(rt, [order.id], "draft")
    assert (await patch_status(client, shop.headers, order.id, status="canceled")).status_code == 200
    assert await stock_row(rt, shop.red, shop.warehouse) == (
        30,
        2,
    )  # a draft holds nothing (state.HOLDS_STOCK)


@pytest.mark.postgres_only
async def test_simultaneous_cancels_release_once(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    voucher_id = await make_voucher(rt, shop, quota_total=3)
    (order,) = await place_orders(client, rt, shop, voucher_code="HEMAT10")
    responses = await asyncio.gather(
        *(patch_status(client, shop.headers, order.id, status="canceled") for _ in range(8))
    )
    codes = sorted(r.status_code for r in responses)
    assert codes == [200] + [409] * 7, [r.text for r in responses]
    assert all(r.json()["error"]["code"] == "invalid_transition" for r in responses if r.status_code == 409)
    assert await stock_row(rt, shop.red, shop.warehouse) == (30, 0)
    assert [m[0] for m in await movements_of(rt, order.id)] == ["order_reserved", "order_released"]
    assert await voucher_uses(rt, voucher_id) == (0, 0)
    assert await count(rt, OrderEvent, OrderEvent.order_id == order.id, OrderEvent.kind == "status_changed") == 1
    await stats_match(rt, shop.store_id)


@pytest.mark.postgres_only
async def test_simultaneous_ship_and_cancel_do_one_thing(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    (order,) = await place_orders(client, rt, shop)
    responses = await asyncio.gather(
        patch_status(client, shop.headers, order.id, status="shipped"),
        patch_status(client, shop.headers, order.id, status="canceled"),
    )
    assert sorted(r.status_code for r in responses) == [200, 409]
    final = (await order_row(rt, order.id)).status
    assert await stock_row(rt, shop.red, shop.warehouse) == ((28, 0) if final == "shipped" else (30, 0))
    await stats_match(rt, shop.store_id)
