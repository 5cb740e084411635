"""Tenancy of account warehouses: another account's warehouse id is 404 on every route and stays untouched."""

from __future__ import annotations

from typing import Any

import httpx

from bosonline.runtime import Runtime
from tests.envelope import assert_data, assert_error, assert_page
from tests.factories import seller, staff_headers
from tests.querycount import count_queries
from tests.warehouse.helpers import create_warehouse, warehouse_body, warehouse_row


async def snapshot(rt: Runtime, warehouse_id: int) -> tuple[Any, ...]:
    row = await warehouse_row(rt, warehouse_id)
    return (row.owner_id, row.name, row.region_code, row.is_default, row.deleted_at, row.updated_at)


async def test_another_accounts_warehouse_is_not_found(client: httpx.AsyncClient, rt: Runtime) -> None:
    a = await seller(client)
    b = await seller(client)
    mine = await create_warehouse(client, a["headers"], name="Gudang A")
    theirs = await create_warehouse(client, b["headers"], name="Gudang B")
    await create_warehouse(client, b["headers"], name="Gudang B2")
    before = await snapshot(rt, theirs["id"])
    # A's own admin or CS (other accounts too) see nothing of B's warehouses either.
    admin = await staff_headers(client, a["headers"], role="admin", email="a-admin@example.com")
    for headers in (a["headers"], admin):
        for method, path, body in (
            ("GET", f"/profile/warehouse/{theirs['id']}", None),
            ("PUT", f"/profile/warehouse/{theirs['id']}", warehouse_body(name="Dibajak")),
            ("PATCH", f"/profile/warehouse/{theirs['id']}/default", None),
            ("DELETE", f"/profile/warehouse/{theirs['id']}", None),
        ):
            response = await client.request(method, path, json=body, headers=headers)
            error = assert_error(response, 404, "not_found", message="Record not found", case=(method, path))
            assert "fields" not in error
            assert "Gudang B" not in response.text
    assert await snapshot(rt, theirs["id"]) == before
    listed = await client.get("/profile/warehouse", headers=a["headers"])
    assert [w["id"] for w in listed.json()["data"]] == [mine["id"]]
    # A cursor of B's list leads nowhere into B's warehouses.
    first = await client.get("/profile/warehouse", params={"limit": 1}, headers=b["headers"])
    cursor = first.json()["meta"]["next_cursor"]
    assert cursor
    walked = await client.get("/profile/warehouse", params={"cursor": cursor}, headers=a["headers"])
    assert walked.status_code == 200
    assert {w["id"] for w in walked.json()["data"]} <= {mine["id"]}
    # B's default is still B's own.
    assert (await warehouse_row(rt, theirs["id"])).is_default is True


async def test_list_queries_do_not_grow_with_warehouses(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    ids = [(await create_warehouse(client, owner["headers"]))["id"]]
    with count_queries(rt) as small:
        assert_page(await client.get("/profile/warehouse", headers=owner["headers"]))
    ids += [(await create_warehouse(client, owner["headers"], name=f"Gudang {n}"))["id"] for n in range(8)]
    assert_data(await client.put("/store/warehouse", json={"warehouse_ids": ids}, headers=owner["headers"]))
    with count_queries(rt) as large:
        response = await client.get("/profile/warehouse", headers=owner["headers"])
    assert len(response.json()["data"]) == 9
    assert all(w["store_ids"] == [owner["store"]["id"]] for w in response.json()["data"])
    # principal, count, default, page, store links
    assert large.count == small.count <= 5, large.statements
    with count_queries(rt) as store_list:
        response = await client.get("/store/warehouse", headers=owner["headers"])
    assert len(response.json()["data"]) == 9
    # principal, store context (membership + store), the store's warehouses
    assert store_list.count <= 4, store_list.statements
