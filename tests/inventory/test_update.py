"""PUT /store/inventory: set and adjust, movements, bounds, all-or-nothing, tenancy and roles."""

from __future__ import annotations

import time
from typing import Any

import httpx
from sqlalchemy import update

from bosonline.models import InventoryMovement, Stock, Warehouse
from bosonline.runtime import Runtime
from tests.envelope import assert_error, assert_validation
from tests.factories import add_staff, bearer, login
from tests.inventory.helpers import (
    Shop,
    archive_variant,
    bulk_variants,
    count_rows,
    make_other_store,
    make_product,
    movements,
    put_stock,
    stock_of,
)
from tests.querycount import count_queries


async def put(
    client: httpx.AsyncClient, headers: dict[str, str], lines: list[dict[str, Any]], **body: Any
) -> httpx.Response:
    return await client.put("/store/inventory", json={"lines": lines, **body}, headers=headers)


async def test_set_and_adjust_write_stock_and_movements(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    await put_stock(rt, shop.store_id, shop.kaos_red, shop.main, 10, 4)
    response = await put(
        client,
        shop.headers,
        [
            {"variant_id": shop.kaos_red, "warehouse_id": shop.main, "adjust": -3, "note": "rusak 3"},
            {"variant_id": shop.kaos_red, "warehouse_id": shop.branch, "set": 25},  # no Stock row yet
            {"variant_id": shop.kopi_variant, "warehouse_id": shop.main, "adjust": 7},
        ],
        note="stok opname November",
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert set(data) == {"rows", "movement_ids"}
    rows = data["rows"]
    assert [(r["variant_id"], r["warehouse"]["id"], r["on_hand"], r["reserved"], r["available"]) for r in rows] == [
        (shop.kaos_red, shop.main, 7, 4, 3),
        (shop.kaos_red, shop.branch, 25, 0, 25),
        (shop.kopi_variant, shop.main, 7, 0, 7),
    ]
    assert rows[0]["product_name"] == "Kaos Polos" and rows[0]["variant_name"] == "Merah / L"
    assert rows[0]["sku"] == "KAOS-MRH-L" and rows[0]["status"] == "active"
    assert rows[0]["warehouse"] == {"id": shop.main, "name": "Gudang Utama"}
    assert rows[2]["product_name"] == "Kopi Arabika 100% Gayo"
    assert all(row["updated_at"] == "2026-11-21T03:00:00Z" for row in rows)
    assert [row["movement_id"] for row in rows] == data["movement_ids"]

    assert await stock_of(rt, shop.kaos_red, shop.main) == (7, 4)
    assert await stock_of(rt, shop.kaos_red, shop.branch) == (25, 0)
    assert await stock_of(rt, shop.kopi_variant, shop.main) == (7, 0)

    written = await movements(rt)
    assert [m.id for m in written] == data["movement_ids"]
    assert [
        (m.variant_id, m.warehouse_id, m.reason, m.delta_on_hand, m.delta_reserved, m.on_hand_after, m.reserved_after)
        for m in written
    ] == [
        (shop.kaos_red, shop.main, "adjustment", -3, 0, 7, 4),
        (shop.kaos_red, shop.branch, "adjustment", 25, 0, 25, 0),
        (shop.kopi_variant, shop.main, "adjustment", 7, 0, 7, 0),
    ]
    assert [m.note for m in written] == ["rusak 3", "stok opname November", "stok opname November"]
    assert {m.actor_user_id for m in written} == {shop.user_id}
    assert {m.store_id for m in written} == {shop.store_id}
    assert all(m.order_id is None for m in written)

    # GET shows the same rows
    listing = await client.get("/store/inventory", params={"q": "Merah"}, headers=shop.headers)
    listed = {row["warehouse"]["id"]: row for row in listing.json()["data"]}
    assert {k: v for k, v in rows[0].items() if k != "movement_id"} == listed[shop.main]
    assert {k: v for k, v in rows[1].items() if k != "movement_id"} == listed[shop.branch]


async def test_set_to_the_same_value_records_nothing(
    client: httpx.AsyncClient, rt: Runtime, clock: Any, shop: Shop
) -> None:
    await put_stock(rt, shop.store_id, shop.kaos_red, shop.main, 10, 2)
    clock.advance(minutes=5)
    response = await put(
        client,
        shop.headers,
        [
            {"variant_id": shop.kaos_red, "warehouse_id": shop.main, "set": 10},
            {"variant_id": shop.kaos_black, "warehouse_id": shop.main, "set": 0},
            {"variant_id": shop.kaos_black, "warehouse_id": shop.branch, "set": 1},
        ],
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert [row["movement_id"] for row in data["rows"]][:2] == [None, None]
    assert len(data["movement_ids"]) == 1 and data["rows"][2]["movement_id"] == data["movement_ids"][0]
    assert data["rows"][0]["updated_at"] == "2026-11-21T03:00:00Z"  # untouched
    assert len(await movements(rt)) == 1


async def test_import_reason(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    response = await put(
        client,
        shop.headers,
        [{"variant_id": shop.kopi_variant, "warehouse_id": shop.branch, "set": 40}],
        reason="import",
    )
    assert response.status_code == 200, response.text
    (movement,) = await movements(rt)
    assert (movement.reason, movement.delta_on_hand, movement.on_hand_after, movement.note) == ("import", 40, 40, None)


async def test_consecutive_updates_accumulate(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    line = {"variant_id": shop.kaos_black, "warehouse_id": shop.main}
    for change in ({"set": 5}, {"adjust": 3}, {"adjust": -8}, {"set": 2}):
        assert (await put(client, shop.headers, [{**line, **change}])).status_code == 200
    assert await stock_of(rt, shop.kaos_black, shop.main) == (2, 0)
    assert [(m.delta_on_hand, m.on_hand_after) for m in await movements(rt)] == [(5, 5), (3, 8), (-8, 0), (2, 2)]


async def test_body_bounds(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    ok = {"variant_id": shop.kaos_red, "warehouse_id": shop.main}
    cases: list[tuple[Any, str]] = [
        ({"lines": []}, "lines"),
        ({}, "lines"),
        ({"lines": [{**ok, "set": 1}] * 501}, "lines"),
        ({"lines": [{**ok, "set": 10_000_001}]}, "lines.0.set"),
        ({"lines": [{**ok, "set": -1}]}, "lines.0.set"),
        ({"lines": [{**ok, "set": 1.5}]}, "lines.0.set"),
        ({"lines": [{**ok, "adjust": 0}]}, "lines.0.adjust"),
        ({"lines": [{**ok, "adjust": 10_000_001}]}, "lines.0.adjust"),
        ({"lines": [{**ok, "adjust": -10_000_001}]}, "lines.0.adjust"),
        ({"lines": [{**ok, "set": 1, "adjust": 1}]}, "lines.0"),
        ({"lines": [ok]}, "lines.0"),
        ({"lines": [{**ok, "set": None}]}, "lines.0"),
        ({"lines": [{**ok, "set": 1, "qty": 2}]}, "lines.0.qty"),
        ({"lines": [{**ok, "set": 1}], "extra": True}, "extra"),
        ({"lines": [{**ok, "set": 1}], "reason": "order_shipped"}, "reason"),
        ({"lines": [{**ok, "set": 1}], "note": "x" * 201}, "note"),
        ({"lines": [{**ok, "set": 1, "note": ""}]}, "lines.0.note"),
        ({"lines": [{**ok, "set": 1, "note": "a\x00b"}]}, "lines.0.note"),
        ({"lines": [{"variant_id": 0, "warehouse_id": shop.main, "set": 1}]}, "lines.0.variant_id"),
        ({"lines": [{"variant_id": shop.kaos_red, "warehouse_id": 2**60, "set": 1}]}, "lines.0.warehouse_id"),
        ({"lines": [{"warehouse_id": shop.main, "set": 1}]}, "lines.0.variant_id"),
        ({"lines": "all"}, "lines"),
        ([{**ok, "set": 1}], "body"),
    ]
    for body, field in cases:
        response = await client.put("/store/inventory", json=body, headers=shop.headers)
        assert_validation(response, field, case=(body if len(str(body)) < 300 else field))
    assert await count_rows(rt, Stock) == 0
    assert await count_rows(rt, InventoryMovement) == 0


async def test_one_bad_line_changes_nothing(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    await put_stock(rt, shop.store_id, shop.kaos_red, shop.main, 10, 6)
    good = [
        {"variant_id": shop.kopi_variant, "warehouse_id": shop.main, "set": 50},  # would create a row
        {"variant_id": shop.kaos_black, "warehouse_id": shop.branch, "adjust": 5},
    ]
    for bad, field, words in (
        ({"variant_id": shop.kaos_red, "warehouse_id": shop.main, "set": 5}, "lines.2.set", ("5", "6 reserved")),
        ({"variant_id": shop.kaos_red, "warehouse_id": shop.main, "adjust": -5}, "lines.2.adjust", ("5", "6")),
        (
            {"variant_id": shop.kaos_red, "warehouse_id": shop.main, "adjust": 9_999_995},
            "lines.2.adjust",
            ("10,000,000",),
        ),
        ({"variant_id": shop.kaos_red, "warehouse_id": shop.branch, "adjust": -1}, "lines.2.adjust", ("-1",)),
        ({"variant_id": shop.kaos_red, "warehouse_id": shop.unused, "set": 1}, "lines.2.warehouse_id", ()),
        ({"variant_id": 999_999, "warehouse_id": shop.main, "set": 1}, "lines.2.variant_id", ("not found",)),
        ({"variant_id": shop.kopi_variant, "warehouse_id": shop.main, "adjust": 1}, "lines.2.variant_id", ("line 0",)),
    ):
        response = await put(client, shop.headers, [*good, bad])
        error = assert_validation(response, field, case=bad)
        assert set(error["fields"]) == {field}, error
        assert all(word in error["fields"][field] for word in words), error
    assert await stock_of(rt, shop.kaos_red, shop.main) == (10, 6)
    assert await stock_of(rt, shop.kopi_variant, shop.main) is None  # its zero row was rolled back too
    assert await stock_of(rt, shop.kaos_black, shop.branch) is None
    assert await count_rows(rt, Stock) == 1
    assert await count_rows(rt, InventoryMovement) == 0


async def test_every_bad_line_is_named(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    await put_stock(rt, shop.store_id, shop.kaos_red, shop.main, 3, 3)
    response = await put(
        client,
        shop.headers,
        [
            {"variant_id": 999_999, "warehouse_id": shop.unused, "set": 1},
            {"variant_id": shop.kaos_red, "warehouse_id": shop.main, "set": 10},
            {"variant_id": 999_999, "warehouse_id": shop.unused, "set": 2},
        ],
    )
    error = assert_validation(response)
    assert set(error["fields"]) == {
        "lines.0.variant_id",
        "lines.0.warehouse_id",
        "lines.2.variant_id",
        "lines.2.warehouse_id",
    }
    # the quantity of line 1 was fine; once the lines are known, the quantities are checked too
    response = await put(
        client,
        shop.headers,
        [
            {"variant_id": shop.kaos_red, "warehouse_id": shop.main, "set": 2},
            {"variant_id": shop.kaos_black, "warehouse_id": shop.main, "adjust": -1},
        ],
    )
    assert set(assert_validation(response)["fields"]) == {"lines.0.set", "lines.1.adjust"}


async def test_reserved_units_cannot_be_removed(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    await put_stock(rt, shop.store_id, shop.kaos_red, shop.main, 10, 4)
    line = {"variant_id": shop.kaos_red, "warehouse_id": shop.main}
    assert (await put(client, shop.headers, [{**line, "set": 4}])).status_code == 200  # down to exactly reserved
    assert (await put(client, shop.headers, [{**line, "adjust": -1}])).status_code == 422
    assert await stock_of(rt, shop.kaos_red, shop.main) == (4, 4)


async def test_tenancy(client: httpx.AsyncClient, rt: Runtime, clock: Any, shop: Shop) -> None:
    other = await make_other_store(client, rt, 8)
    theirs, their_variant = other.warehouse, other.variant
    _, (archived,) = await make_product(rt, shop.store_id, name="Lama")
    await archive_variant(rt, archived, clock.now())
    for line, field in (
        ({"variant_id": their_variant, "warehouse_id": shop.main, "set": 1}, "lines.0.variant_id"),
        ({"variant_id": their_variant, "warehouse_id": theirs, "set": 1}, "lines.0.variant_id"),
        ({"variant_id": shop.kaos_red, "warehouse_id": theirs, "set": 1}, "lines.0.warehouse_id"),
        ({"variant_id": shop.kaos_red, "warehouse_id": shop.unused, "set": 1}, "lines.0.warehouse_id"),
        ({"variant_id": archived, "warehouse_id": shop.main, "set": 1}, "lines.0.variant_id"),
    ):
        error = assert_validation(await put(client, shop.headers, [line]), field, case=line)
        assert "this store" in error["fields"][field]
    assert await stock_of(rt, their_variant, theirs) == (8, 0)
    assert await count_rows(rt, InventoryMovement) == 0
    # acting in the other store needs a membership there
    response = await put(
        client,
        {**shop.headers, "X-Store-Id": str(other.store_id)},
        [{"variant_id": their_variant, "warehouse_id": theirs, "set": 1}],
    )
    assert response.status_code == 403


async def test_deleted_warehouse_takes_no_stock(client: httpx.AsyncClient, rt: Runtime, clock: Any, shop: Shop) -> None:
    async with rt.db.session() as session:
        await session.execute(update(Warehouse).where(Warehouse.id == shop.branch).values(deleted_at=clock.now()))
        await session.commit()
    response = await put(client, shop.headers, [{"variant_id": shop.kaos_red, "warehouse_id": shop.branch, "set": 1}])
    assert_validation(response, "lines.0.warehouse_id")


async def test_roles(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    line = {"variant_id": shop.kaos_red, "warehouse_id": shop.main, "set": 3}
    assert_error(await put(client, shop.cs_headers, [line]), 403, "permission_denied")
    assert (await client.get("/store/inventory", headers=shop.cs_headers)).status_code == 200
    assert_error(await client.put("/store/inventory", json={"lines": [line]}), 401, "unauthorized")
    assert await count_rows(rt, Stock) == 0
    admin = await add_staff(client, shop.headers, role="admin", name="Andi Admin")
    admin_headers = bearer(await login(client, admin["email"]))
    assert (await put(client, admin_headers, [line])).status_code == 200
    (movement,) = await movements(rt)
    assert movement.actor_user_id == admin["user_id"]


async def test_500_lines_in_constant_queries(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    product, _ = await make_product(rt, shop.store_id, name="Grosir")
    variants = await bulk_variants(rt, shop.store_id, product, 250)
    for variant in variants[:100]:
        await put_stock(rt, shop.store_id, variant, shop.main, 5)
    lines = [
        {"variant_id": variant, "warehouse_id": warehouse, "adjust": 2}
        for variant in variants
        for warehouse in (shop.main, shop.branch)
    ]
    assert len(lines) == 500
    with count_queries(rt) as small:
        assert (await put(client, shop.headers, lines[:3])).status_code == 200
    with count_queries(rt) as large:
        started = time.perf_counter()
        response = await put(client, shop.headers, lines)
        elapsed = time.perf_counter() - started
    assert response.status_code == 200, response.text
    print(f"\nPUT /store/inventory 500 lines: {elapsed * 1000:.0f} ms, {large.count} queries")
    assert large.count == small.count <= 10, large.statements
    data = response.json()["data"]
    assert len(data["rows"]) == len(data["movement_ids"]) == 500
    assert await stock_of(rt, variants[0], shop.main) == (9, 0)  # 5 + 2 (first call) + 2
    assert await stock_of(rt, variants[-1], shop.branch) == (2, 0)
    assert await count_rows(rt, InventoryMovement) == 503
