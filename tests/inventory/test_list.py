"""GET /store/inventory: the (variant × warehouse) outer join, each filter, summaries, keyset pages, bounds."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import update

from bosonline.models import Warehouse
from bosonline.runtime import Runtime
from tests.envelope import assert_error, assert_validation
from tests.factories import seller
from tests.inventory.helpers import (
    Shop,
    archive_product,
    archive_variant,
    bulk_variants,
    inventory,
    make_other_store,
    make_product,
    put_stock,
)
from tests.querycount import count_queries

ROW_KEYS = {
    "variant_id",
    "product_id",
    "product_name",
    "variant_name",
    "sku",
    "status",
    "warehouse",
    "on_hand",
    "reserved",
    "available",
    "updated_at",
}


def pairs(body: dict[str, Any]) -> list[tuple[int, int]]:
    return [(row["variant_id"], row["warehouse"]["id"]) for row in body["data"]]


async def test_no_stock_rows_yet_lists_every_pair_as_zeros(client: httpx.AsyncClient, shop: Shop) -> None:
    body = await inventory(client, shop.headers)
    expected = sorted(
        (variant, warehouse)
        for variant in (shop.kaos_red, shop.kaos_black, shop.kopi_variant)
        for warehouse in (shop.main, shop.branch)
    )
    assert pairs(body) == expected  # the unused warehouse is not listed
    for row in body["data"]:
        assert set(row) == ROW_KEYS
        assert (row["on_hand"], row["reserved"], row["available"], row["updated_at"]) == (0, 0, 0, None)
    first = body["data"][0]
    assert first == {
        "variant_id": shop.kaos_red,
        "product_id": shop.kaos,
        "product_name": "Kaos Polos",
        "variant_name": "Merah / L",
        "sku": "KAOS-MRH-L",
        "status": "active",
        "warehouse": {"id": min(shop.main, shop.branch), "name": "Gudang Utama"},
        "on_hand": 0,
        "reserved": 0,
        "available": 0,
        "updated_at": None,
    }
    assert body["meta"] == {
        "next_cursor": None,
        "total": 6,
        "total_on_hand": 0,
        "total_reserved": 0,
        "total_available": 0,
    }


async def test_rows_show_stock_and_summaries_add_up(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    await put_stock(rt, shop.store_id, shop.kaos_red, shop.main, 10, 3)
    await put_stock(rt, shop.store_id, shop.kopi_variant, shop.branch, 4)
    body = await inventory(client, shop.headers)
    by_pair = dict(zip(pairs(body), body["data"], strict=True))
    red = by_pair[(shop.kaos_red, shop.main)]
    assert (red["on_hand"], red["reserved"], red["available"]) == (10, 3, 7)
    assert red["updated_at"] == "2026-11-21T03:00:00Z"
    assert by_pair[(shop.kaos_red, shop.branch)]["on_hand"] == 0
    assert (by_pair[(shop.kopi_variant, shop.branch)]["available"]) == 4
    assert body["meta"]["total"] == 6
    assert (body["meta"]["total_on_hand"], body["meta"]["total_reserved"], body["meta"]["total_available"]) == (
        14,
        3,
        11,
    )


async def test_archived_variants_and_products_are_not_listed(
    client: httpx.AsyncClient, rt: Runtime, clock: Any, shop: Shop
) -> None:
    await put_stock(rt, shop.store_id, shop.kaos_black, shop.main, 9)
    await archive_variant(rt, shop.kaos_black, clock.now())
    await archive_product(rt, shop.kopi, clock.now())
    body = await inventory(client, shop.headers)
    assert {variant for variant, _ in pairs(body)} == {shop.kaos_red}
    assert body["meta"]["total_on_hand"] == 0


async def test_deleted_warehouse_is_not_listed(client: httpx.AsyncClient, rt: Runtime, clock: Any, shop: Shop) -> None:
    async with rt.db.session() as session:
        await session.execute(update(Warehouse).where(Warehouse.id == shop.branch).values(deleted_at=clock.now()))
        await session.commit()
    body = await inventory(client, shop.headers)
    assert {warehouse for _, warehouse in pairs(body)} == {shop.main}


async def test_store_without_warehouses_lists_nothing(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    await make_product(rt, owner["store"]["id"])
    body = await inventory(client, owner["headers"])
    assert body["data"] == [] and body["meta"]["total"] == 0 and body["meta"]["total_on_hand"] == 0


async def test_filters(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    await put_stock(rt, shop.store_id, shop.kaos_red, shop.main, 10, 3)  # available 7
    await put_stock(rt, shop.store_id, shop.kaos_red, shop.branch, 5, 5)  # available 0
    await put_stock(rt, shop.store_id, shop.kaos_black, shop.main, 6, 1)  # available 5
    await put_stock(rt, shop.store_id, shop.kopi_variant, shop.main, 100)  # available 100
    _, (inactive,) = await make_product(rt, shop.store_id, name="Topi", skus=["TOPI-1"], status="inactive")
    h = shop.headers

    assert set(pairs(await inventory(client, h, warehouse_id=shop.branch))) == {
        (v, shop.branch) for v in (shop.kaos_red, shop.kaos_black, shop.kopi_variant, inactive)
    }
    assert {v for v, _ in pairs(await inventory(client, h, product_id=shop.kaos))} == {shop.kaos_red, shop.kaos_black}
    assert {v for v, _ in pairs(await inventory(client, h, status="inactive"))} == {inactive}
    assert len((await inventory(client, h, status="active"))["data"]) == 6
    # q: product name, variant name or SKU, case-insensitive and literal
    assert {v for v, _ in pairs(await inventory(client, h, q="kaos"))} == {shop.kaos_red, shop.kaos_black}
    assert {v for v, _ in pairs(await inventory(client, h, q="HITAM"))} == {shop.kaos_black}
    assert {v for v, _ in pairs(await inventory(client, h, q="mrh-l"))} == {shop.kaos_red}
    assert {v for v, _ in pairs(await inventory(client, h, q="100%"))} == {shop.kopi_variant}
    assert {v for v, _ in pairs(await inventory(client, h, q="kopi_"))} == {shop.kopi_variant}
    assert {v for v, _ in pairs(await inventory(client, h, q="_"))} == {shop.kopi_variant}
    assert (await inventory(client, h, q="tidak ada"))["meta"]["total"] == 0

    low = await inventory(client, h, low_stock="true")  # available ≤ 5
    assert set(pairs(low)) == {
        (shop.kaos_red, shop.branch),
        (shop.kaos_black, shop.main),
        (shop.kaos_black, shop.branch),
        (shop.kopi_variant, shop.branch),
        (inactive, shop.main),
        (inactive, shop.branch),
    }
    assert low["meta"]["total"] == 6 and low["meta"]["total_available"] == 5
    assert set(pairs(await inventory(client, h, low_stock="true", threshold=0))) == set(
        pairs(await inventory(client, h, out_of_stock="true"))
    )
    assert (shop.kaos_red, shop.main) in pairs(await inventory(client, h, low_stock="true", threshold=7))
    assert (await inventory(client, h, low_stock="true", threshold=1_000_000))["meta"]["total"] == 8
    assert (await inventory(client, h, threshold=0))["meta"]["total"] == 8  # threshold alone filters nothing
    out = await inventory(client, h, out_of_stock="true")
    assert (shop.kaos_red, shop.branch) in pairs(out) and all(row["available"] == 0 for row in out["data"])
    assert out["meta"]["total"] == 5
    both = await inventory(client, h, out_of_stock="true", product_id=shop.kaos, warehouse_id=shop.branch)
    assert pairs(both) == sorted([(shop.kaos_red, shop.branch), (shop.kaos_black, shop.branch)])


async def test_like_wildcards_are_literal(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    await make_product(rt, shop.store_id, name="Sabun", skus=["SABUN1"])
    assert (await inventory(client, shop.headers, q="%"))["meta"]["total"] == 2  # only "100%" matches
    assert (await inventory(client, shop.headers, q="a_u"))["meta"]["total"] == 0  # "_" is not any character


async def walk(client: httpx.AsyncClient, headers: dict[str, str], limit: int, **params: Any) -> list[dict[str, Any]]:
    """Every row, page after page of `limit`, checking each page's meta."""
    rows: list[dict[str, Any]] = []
    cursor = None
    total = None
    for _ in range(1000):
        body = await inventory(client, headers, limit=limit, **params, **({"cursor": cursor} if cursor else {}))
        assert len(body["data"]) <= limit
        total = body["meta"]["total"] if total is None else total
        assert body["meta"]["total"] == total
        rows += body["data"]
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            break
        assert len(body["data"]) == limit  # only the last page is short
    assert len(rows) == total
    return rows


async def test_pages_walk_every_pair_once(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    product, _ = await make_product(rt, shop.store_id, name="Banyak")
    variants = await bulk_variants(rt, shop.store_id, product, 20)
    for i, variant in enumerate(variants):
        await put_stock(rt, shop.store_id, variant, shop.main if i % 3 else shop.branch, i % 5, min(i % 2, i % 5))
    everything = await walk(client, shop.headers, 100)
    all_pairs = [(row["variant_id"], row["warehouse"]["id"]) for row in everything]
    assert len(all_pairs) == len(set(all_pairs)) == (3 + 1 + 20) * 2 and all_pairs == sorted(all_pairs)
    for params in (
        {},
        {"warehouse_id": shop.branch},
        {"q": "varian 00"},
        {"product_id": product},
        {"low_stock": "true", "threshold": 2},
        {"out_of_stock": "true"},
        {"out_of_stock": "true", "warehouse_id": shop.main},
    ):
        expected = [row for row in everything if matches(row, params, product)]
        for limit in (1, 7, 100):  # odd sizes: pages end mid-variant and resume there
            assert await walk(client, shop.headers, limit, **params) == expected, (params, limit)


def matches(row: dict[str, Any], params: dict[str, Any], product: int) -> bool:
    """The filters, applied in Python to listed rows, as the reference the database must agree with."""
    if "warehouse_id" in params and row["warehouse"]["id"] != params["warehouse_id"]:
        return False
    if "q" in params and params["q"] not in row["variant_name"].lower():
        return False
    if "product_id" in params and row["product_id"] != product:
        return False
    if "low_stock" in params and row["available"] > params["threshold"]:
        return False
    return not ("out_of_stock" in params and row["available"] != 0)


async def test_page_cost_is_constant(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    with count_queries(rt) as small:
        assert len((await inventory(client, shop.headers, limit=100))["data"]) == 6
    product, _ = await make_product(rt, shop.store_id, name="Banyak")
    for variant in (await bulk_variants(rt, shop.store_id, product, 120))[:40]:
        await put_stock(rt, shop.store_id, variant, shop.main, 3)
    with count_queries(rt) as large:
        body = await inventory(client, shop.headers, limit=100)
    assert len(body["data"]) == 100
    assert large.count == small.count <= 5, large.statements


async def test_bad_parameters(client: httpx.AsyncClient, shop: Shop) -> None:
    for params, field in (
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"threshold": -1}, "threshold"),
        ({"threshold": 1_000_001}, "threshold"),
        ({"status": "archived"}, "status"),
        ({"warehouse_id": 0}, "warehouse_id"),
        ({"product_id": 2**60}, "product_id"),
        ({"q": ""}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"low_stock": "maybe"}, "low_stock"),
        ({"cursor": "bm90LWEtY3Vyc29y"}, "cursor"),
        ({"cursor": "WzEsMiwzXQ"}, "cursor"),  # [1,2,3]: three keys, not two
    ):
        response = await client.get("/store/inventory", params=params, headers=shop.headers)
        assert_validation(response, field, case=params)


async def test_requires_auth_and_store(client: httpx.AsyncClient, shop: Shop) -> None:
    assert_error(await client.get("/store/inventory"), 401, "unauthorized")
    other = await seller(client)
    response = await client.get("/store/inventory", headers={**other["headers"], "X-Store-Id": str(shop.store_id)})
    assert response.status_code == 403


async def test_cs_can_read(client: httpx.AsyncClient, shop: Shop) -> None:
    body = await inventory(client, shop.cs_headers)
    assert body["meta"]["total"] == 6


async def test_other_stores_rows_never_show(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    other = await make_other_store(client, rt, 50)
    theirs, their_variant = other.warehouse, other.variant
    mine = await inventory(client, shop.headers)
    assert their_variant not in {v for v, _ in pairs(mine)} and theirs not in {w for _, w in pairs(mine)}
    assert mine["meta"]["total_on_hand"] == 0
    # filtering by their ids finds nothing rather than their data
    assert (await inventory(client, shop.headers, warehouse_id=theirs))["meta"]["total"] == 0
    assert (await inventory(client, shop.headers, product_id=their_variant))["data"] == []
    theirs_listed = await inventory(client, other.headers)
    assert pairs(theirs_listed) == [(their_variant, theirs)] and theirs_listed["meta"]["total_on_hand"] == 50
