"""PATCH /store/order/status: many orders at once, each answered on its own; valid ones applied."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import select, update

from bosonline.models import OrderEvent, Stock, Voucher, VoucherRedemption
from bosonline.runtime import Runtime
from tests.checkout.helpers import count, make_voucher, stock_row
from tests.factories import add_staff, seller
from tests.order.helpers import cs_login, make_checkout_shop, order_row, place_orders, stats_match
from tests.order.status_helpers import clone_orders, patch_many, patch_status
from tests.querycount import count_queries


async def test_mixed_ids_answer_each_and_apply_the_valid_ones(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    a, b, c, done = await place_orders(client, rt, shop, 4)
    other = await make_checkout_shop(client, rt, cs=0)
    (foreign,) = await place_orders(client, rt, other)
    assert (await patch_status(client, shop.headers, done.id, status="shipped")).status_code == 200
    ids = [c.id, 987654321, done.id, a.id, foreign.id, b.id]

    response = await patch_many(client, shop.headers, ids=ids, status="canceled", note="Stok habis")
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert (data["changed"], data["failed"]) == (3, 3)
    results = data["results"]
    assert [r["id"] for r in results] == ids
    for result in (results[0], results[3], results[5]):
        assert result == {
            "id": result["id"],
            "ok": True,
            "from_status": "pending",
            "status": "canceled",
            "error": None,
        }
    assert results[1] == {
        "id": 987654321,
        "ok": False,
        "from_status": None,
        "status": None,
        "error": {"code": "not_found", "message": "Record not found"},
    }
    assert results[4]["error"]["code"] == "not_found" and results[4]["status"] is None
    assert results[2]["ok"] is False and results[2]["status"] == "shipped"
    assert results[2]["error"]["code"] == "invalid_transition"
    assert "completed, rts" in results[2]["error"]["message"]

    for order in (a, b, c):
        assert (await order_row(rt, order.id)).status == "canceled"
    assert (await order_row(rt, done.id)).status == "shipped"
    assert (await order_row(rt, foreign.id)).status == "pending"
    assert await stock_row(rt, shop.red, shop.warehouse) == (
        28,
        0,
    )  # `done` shipped its 2, the others gave theirs back
    assert await stock_row(rt, other.red, other.warehouse) == (30, 2)
    async with rt.db.session(write=False) as session:
        events = (
            await session.execute(
                select(OrderEvent.order_id, OrderEvent.from_status, OrderEvent.to_status, OrderEvent.note).where(
                    OrderEvent.kind == "status_changed", OrderEvent.to_status == "canceled"
                )
            )
        ).all()
    assert sorted(events) == sorted((o.id, "pending", "canceled", "Stok habis") for o in (a, b, c))
    await stats_match(rt, shop.store_id)
    await stats_match(rt, other.store_id)


async def test_one_orders_stock_refusal_does_not_undo_the_others(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    (good,) = await place_orders(client, rt, shop)
    (broken,) = await place_orders(client, rt, shop, items=[{"variant_id": shop.black, "quantity": 1}])
    async with rt.db.session() as session:
        await session.execute(update(Stock).where(Stock.variant_id == shop.black).values(reserved=0))
        await session.commit()

    response = await patch_many(client, shop.headers, ids=[broken.id, good.id], status="shipped")
    assert response.status_code == 200, response.text
    results = {r["id"]: r for r in response.json()["data"]["results"]}
    assert results[good.id]["ok"] is True
    assert results[broken.id]["ok"] is False
    assert results[broken.id]["error"]["code"] == "reservation_mismatch"
    assert results[broken.id]["status"] == "pending"
    assert await stock_row(rt, shop.red, shop.warehouse) == (28, 0)
    assert await stock_row(rt, shop.black, shop.warehouse) == (30, 0)
    good_row, broken_row = await order_row(rt, good.id), await order_row(rt, broken.id)
    assert (good_row.status, broken_row.status) == ("shipped", "pending")
    assert good_row.shipped_at is not None and broken_row.shipped_at is None
    assert await count(rt, OrderEvent, OrderEvent.order_id == broken.id) == 1
    await stats_match(rt, shop.store_id)


async def test_a_cs_changes_only_their_orders(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    ani = await add_staff(client, shop.headers, name="Ani", email="ani.bulk@example.com", phone="081311112222")
    await add_staff(client, shop.headers, name="Beni", email="beni.bulk@example.com", phone="081311113333")
    placed = await place_orders(client, rt, shop, 4)
    headers = await cs_login(client, shop, "ani.bulk@example.com")
    response = await patch_many(client, headers, ids=[o.id for o in placed], status="confirmed")
    assert response.status_code == 200, response.text
    for order, result in zip(placed, response.json()["data"]["results"], strict=True):
        mine = order.handler_id == ani["id"]
        assert result["ok"] is mine
        assert (await order_row(rt, order.id)).status == ("confirmed" if mine else "pending")
        if not mine:
            assert result["error"]["code"] == "not_found"
    assert response.json()["data"]["changed"] == 2
    await stats_match(rt, shop.store_id)


async def test_bad_bodies_are_422(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    (order,) = await place_orders(client, rt, shop)
    for body, field in (
        ({"ids": [], "status": "canceled"}, "ids"),
        ({"ids": list(range(1, 502)), "status": "canceled"}, "ids"),
        ({"ids": [order.id, 5, order.id], "status": "canceled"}, "ids"),
        ({"ids": [0], "status": "canceled"}, "ids.0"),
        ({"ids": [2**53 + 1], "status": "canceled"}, "ids.0"),
        ({"ids": [order.id]}, "status"),
        ({"ids": [order.id], "status": "gone"}, "status"),
        ({"ids": [order.id], "status": "canceled", "note": "x" * 501}, "note"),
        ({"ids": "1,2", "status": "canceled"}, "ids"),
    ):
        response = await patch_many(client, shop.headers, **body)
        assert response.status_code == 422, (body, response.text)
        assert field in response.json()["error"]["fields"], (body, response.json())
    assert (
        "repeated: " + str(order.id)
        in (await patch_many(client, shop.headers, ids=[order.id, order.id], status="canceled")).json()["error"][
            "fields"
        ]["ids"]
    )
    assert (await order_row(rt, order.id)).status == "pending"
    stranger = await seller(client)
    response = await patch_many(client, stranger["headers"], ids=list(range(1, 501)), status="canceled")
    assert response.status_code == 200  # 500 is the limit, and none of these is the stranger's
    assert response.json()["data"]["failed"] == 500
    assert (await order_row(rt, order.id)).status == "pending"


async def measure(client: httpx.AsyncClient, rt: Runtime, headers: dict[str, str], ids: list[int], status: str) -> int:
    with count_queries(rt) as log:
        response = await patch_many(client, headers, ids=ids, status=status)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["changed"] == len(ids), response.text
    return log.count


async def test_statements_do_not_grow_with_the_orders(
    client: httpx.AsyncClient, rt: Runtime, is_postgres: bool
) -> None:
    """Besides each order's own stock statements (SAVEPOINT, one UPDATE per stock row, the movements' INSERT,
    RELEASE), a bulk change sends the same statements for 1 order as for 20: one locking read of the orders, one
    of their lines, one DELETE of voucher uses, one UPDATE of the orders (executemany), the events' INSERT, the
    counters. On SQLite the ORM cannot batch an INSERT … RETURNING (no insert sentinel there), so each event is
    its own INSERT; PostgreSQL batches them."""
    shop = await make_checkout_shop(client, rt, cs=0, stock=200)
    (first,) = await place_orders(client, rt, shop)
    ids = [first.id, *await clone_orders(rt, first.id, 41)]
    one, many, more = ids[:1], ids[1:21], ids[21:]
    event_inserts = 0 if is_postgres else 1
    stock_statements = 4

    base = await measure(client, rt, shop.headers, one, "confirmed")
    assert await measure(client, rt, shop.headers, many, "confirmed") == base + 19 * event_inserts
    base = await measure(client, rt, shop.headers, one, "canceled")
    assert await measure(client, rt, shop.headers, many, "canceled") == base + 19 * (stock_statements + event_inserts)
    assert await stock_row(rt, shop.red, shop.warehouse) == (200, 2 * 21)
    base = await measure(client, rt, shop.headers, more[:1], "shipped")
    assert await measure(client, rt, shop.headers, more[1:], "shipped") == base + 19 * (
        stock_statements + event_inserts
    )
    assert await stock_row(rt, shop.red, shop.warehouse) == (200 - 2 * 21, 0)
    await stats_match(rt, shop.store_id)


async def test_bulk_cancel_gives_voucher_uses_back(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    voucher_id = await make_voucher(rt, shop, quota_total=3)
    with_voucher = await place_orders(client, rt, shop, 2, voucher_code="HEMAT10")
    (plain,) = await place_orders(client, rt, shop)
    response = await patch_many(client, shop.headers, ids=[o.id for o in (*with_voucher, plain)], status="canceled")
    assert response.json()["data"]["changed"] == 3
    async with rt.db.session(write=False) as session:
        assert await session.scalar(select(Voucher.used_count).where(Voucher.id == voucher_id)) == 0
    assert await count(rt, VoucherRedemption, VoucherRedemption.voucher_id == voucher_id) == 0
    assert await stock_row(rt, shop.red, shop.warehouse) == (30, 0)


@pytest.mark.postgres_only
async def test_overlapping_bulk_changes_run_one_after_the_other(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0, stock=100)
    (first,) = await place_orders(client, rt, shop)
    ids = [first.id, *await clone_orders(rt, first.id, 9)]
    responses = await asyncio.gather(
        patch_many(client, shop.headers, ids=ids[:7], status="canceled"),
        patch_many(client, shop.headers, ids=list(reversed(ids[3:])), status="canceled"),
        patch_many(client, shop.headers, ids=ids[2:9], status="shipped"),
    )
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    changed = [r["id"] for resp in responses for r in resp.json()["data"]["results"] if r["ok"]]
    assert sorted(changed) == sorted(ids)  # each order changed exactly once
    rows = {i: (await order_row(rt, i)).status for i in ids}
    shipped = sum(1 for status in rows.values() if status == "shipped")
    assert await stock_row(rt, shop.red, shop.warehouse) == (100 - 2 * shipped, 0)
    await stats_match(rt, shop.store_id)
