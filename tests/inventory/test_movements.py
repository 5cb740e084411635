"""GET /store/inventory/movements: who changed the stock, newest first, filters, pages, tenancy."""

from __future__ import annotations

from typing import Any

import httpx

from bosonline.inventory.service import InventoryService, StockLine
from bosonline.runtime import Runtime
from tests.envelope import assert_error, assert_validation
from tests.factories import add_staff, bearer, login
from tests.inventory.helpers import Shop, bulk_variants, history, make_other_store, make_product
from tests.querycount import count_queries

MOVEMENT_KEYS = {
    "id",
    "variant_id",
    "product_id",
    "product_name",
    "variant_name",
    "sku",
    "warehouse",
    "reason",
    "delta_on_hand",
    "delta_reserved",
    "on_hand_after",
    "reserved_after",
    "note",
    "order_id",
    "actor",
    "created_at",
}


async def change(client: httpx.AsyncClient, headers: dict[str, str], *lines: dict[str, Any], **body: Any) -> None:
    response = await client.put("/store/inventory", json={"lines": list(lines), **body}, headers=headers)
    assert response.status_code == 200, response.text


async def test_who_changed_my_stock(client: httpx.AsyncClient, rt: Runtime, clock: Any, shop: Shop) -> None:
    admin = await add_staff(client, shop.headers, role="admin", name="Andi Gudang")
    admin_headers = bearer(await login(client, admin["email"]))
    await change(client, shop.headers, {"variant_id": shop.kaos_red, "warehouse_id": shop.main, "set": 20}, note="awal")
    clock.advance(minutes=1)
    await change(client, admin_headers, {"variant_id": shop.kaos_red, "warehouse_id": shop.main, "adjust": -2})
    async with rt.db.session() as session:  # an order (step 3) reserving through the service: no actor
        await InventoryService(session, rt, shop.store_id).reserve([StockLine(shop.kaos_red, shop.main, 5)], 77)
        await session.commit()

    body = await history(client, shop.cs_headers)
    assert body["meta"] == {"next_cursor": None, "total": None}
    newest, middle, oldest = body["data"]
    assert set(newest) == MOVEMENT_KEYS
    assert oldest == {
        "id": oldest["id"],
        "variant_id": shop.kaos_red,
        "product_id": shop.kaos,
        "product_name": "Kaos Polos",
        "variant_name": "Merah / L",
        "sku": "KAOS-MRH-L",
        "warehouse": {"id": shop.main, "name": "Gudang Utama"},
        "reason": "adjustment",
        "delta_on_hand": 20,
        "delta_reserved": 0,
        "on_hand_after": 20,
        "reserved_after": 0,
        "note": "awal",
        "order_id": None,
        "actor": {"user_id": shop.user_id, "name": "Budi Pemilik"},
        "created_at": "2026-11-21T03:00:00Z",
    }
    assert (middle["delta_on_hand"], middle["on_hand_after"], middle["actor"]) == (
        -2,
        18,
        {"user_id": admin["user_id"], "name": "Andi Gudang"},
    )
    assert middle["created_at"] == "2026-11-21T03:01:00Z"
    assert (newest["reason"], newest["delta_reserved"], newest["reserved_after"], newest["order_id"]) == (
        "order_reserved",
        5,
        5,
        77,
    )
    assert newest["actor"] is None


async def test_filters_and_pages(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    for amount in range(1, 8):
        await change(
            client,
            shop.headers,
            {"variant_id": shop.kaos_red, "warehouse_id": shop.main, "adjust": amount},
            {"variant_id": shop.kopi_variant, "warehouse_id": shop.branch, "adjust": amount},
        )
    await change(
        client, shop.headers, {"variant_id": shop.kaos_black, "warehouse_id": shop.main, "set": 3}, reason="import"
    )
    assert len((await history(client, shop.headers, limit=100))["data"]) == 15
    red = await history(client, shop.headers, variant_id=shop.kaos_red)
    assert [m["delta_on_hand"] for m in red["data"]] == [7, 6, 5, 4, 3, 2, 1]
    assert {m["warehouse"]["id"] for m in (await history(client, shop.headers, warehouse_id=shop.branch))["data"]} == {
        shop.branch
    }
    (imported,) = (await history(client, shop.headers, reason="import"))["data"]
    assert imported["variant_id"] == shop.kaos_black
    assert (await history(client, shop.headers, reason="order_shipped"))["data"] == []
    assert (await history(client, shop.headers, order_id=5))["data"] == []

    ids: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 4, **({"cursor": cursor} if cursor else {})}
        page = await history(client, shop.headers, **params)
        ids += [m["id"] for m in page["data"]]
        cursor = page["meta"]["next_cursor"]
        if cursor is None:
            break
    assert len(ids) == 15 and ids == sorted(ids, reverse=True)


async def test_bad_parameters(client: httpx.AsyncClient, shop: Shop) -> None:
    for params, field in (
        ({"reason": "stolen"}, "reason"),
        ({"variant_id": 0}, "variant_id"),
        ({"warehouse_id": -3}, "warehouse_id"),
        ({"order_id": "x"}, "order_id"),
        ({"limit": 500}, "limit"),
        ({"cursor": "WzEsMl0"}, "cursor"),  # [1,2]: two keys, movements have one
    ):
        assert_validation(
            await client.get("/store/inventory/movements", params=params, headers=shop.headers), field, case=params
        )
    assert_error(await client.get("/store/inventory/movements"), 401, "unauthorized")


async def test_only_this_stores_movements(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    other = await make_other_store(client, rt, 0)
    await change(client, other.headers, {"variant_id": other.variant, "warehouse_id": other.warehouse, "set": 9})
    await change(client, shop.headers, {"variant_id": shop.kaos_red, "warehouse_id": shop.main, "set": 1})
    mine = await history(client, shop.headers)
    assert [m["variant_id"] for m in mine["data"]] == [shop.kaos_red]
    assert (await history(client, shop.headers, variant_id=other.variant))["data"] == []
    assert [m["variant_id"] for m in (await history(client, other.headers))["data"]] == [other.variant]


async def test_page_cost_is_constant(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    await change(client, shop.headers, {"variant_id": shop.kaos_red, "warehouse_id": shop.main, "set": 1})
    with count_queries(rt) as small:
        assert len((await history(client, shop.cs_headers, limit=100))["data"]) == 1
    product, _ = await make_product(rt, shop.store_id, name="Banyak")
    variants = await bulk_variants(rt, shop.store_id, product, 60)
    lines = [{"variant_id": v, "warehouse_id": w, "set": 5} for v in variants for w in (shop.main, shop.branch)]
    await change(client, shop.headers, *lines)
    with count_queries(rt) as large:
        assert len((await history(client, shop.cs_headers, limit=100))["data"]) == 100
    assert large.count == small.count <= 4, large.statements
