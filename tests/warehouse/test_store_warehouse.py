"""Store → Warehouse: which of the owner's warehouses a store ships from; roles; the service other domains use."""

from __future__ import annotations

from typing import Any

import httpx

from bosonline.runtime import Runtime
from bosonline.warehouse.service import WarehouseService
from tests.envelope import assert_error
from tests.factories import add_staff, bearer, create_store, login, seller
from tests.warehouse.helpers import create_warehouse, put_stock, set_stock, store_links


async def store_with_warehouses(client: httpx.AsyncClient, count: int = 3) -> dict[str, Any]:
    owner = await seller(client)
    owner["warehouses"] = [
        await create_warehouse(client, owner["headers"], name=f"Gudang {n}") for n in range(1, count + 1)
    ]
    for role in ("admin", "cs"):
        email = f"{role}-{owner['store']['id']}@example.com"
        await add_staff(client, owner["headers"], role=role, email=email)
        owner[role] = bearer(await login(client, email))
    return owner


def ids(response: httpx.Response) -> list[int]:
    assert response.status_code == 200, response.text
    return [w["id"] for w in response.json()["data"]]


async def test_get_lists_the_stores_warehouses_with_details(client: httpx.AsyncClient) -> None:
    owner = await store_with_warehouses(client)
    first = owner["warehouses"][0]
    response = await client.get("/store/warehouse", headers=owner["headers"])
    assert ids(response) == [first["id"]]  # only the first was attached (the store had none then)
    assert response.headers.get("cache-control") is None
    item = response.json()["data"][0]
    assert item == {key: value for key, value in first.items() if key != "store_ids"}
    assert response.json()["meta"] == {"next_cursor": None, "total": 1}
    # Every member may see it, CS included.
    assert ids(await client.get("/store/warehouse", headers=owner["cs"])) == [first["id"]]
    assert ids(await client.get("/store/warehouse", headers=owner["admin"])) == [first["id"]]


async def test_put_sets_the_list_default_first(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await store_with_warehouses(client)
    w1, w2, w3 = (w["id"] for w in owner["warehouses"])
    store_id = owner["store"]["id"]
    assert ids(await client.put("/store/warehouse", json={"warehouse_ids": [w3, w2]}, headers=owner["headers"])) == [
        w2,
        w3,
    ]
    assert await store_links(rt, store_id) == [w2, w3]
    # The account's default comes first.
    await client.patch(f"/profile/warehouse/{w3}/default", headers=owner["headers"])
    assert ids(await client.get("/store/warehouse", headers=owner["headers"])) == [w3, w2]
    # Idempotent; a full replacement, not an addition.
    for body in ([w1, w2, w3], [w1, w2, w3], [w1]):
        assert (
            sorted(ids(await client.put("/store/warehouse", json={"warehouse_ids": body}, headers=owner["headers"])))
            == body
        )
        assert await store_links(rt, store_id) == body
    listed = await client.get("/profile/warehouse", headers=owner["headers"])
    assert {w["id"]: w["store_ids"] for w in listed.json()["data"]} == {w1: [store_id], w2: [], w3: []}


async def test_an_admin_sets_the_owners_warehouses_and_a_cs_cannot(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await store_with_warehouses(client)
    w1, w2, _ = (w["id"] for w in owner["warehouses"])
    assert ids(await client.put("/store/warehouse", json={"warehouse_ids": [w2]}, headers=owner["admin"])) == [w2]
    refused = await client.put("/store/warehouse", json={"warehouse_ids": [w1]}, headers=owner["cs"])
    assert_error(refused, 403, "permission_denied")
    assert await store_links(rt, owner["store"]["id"]) == [w2]
    # The admin has no warehouses of their own and cannot see the owner's through the profile.
    assert (await client.get("/profile/warehouse", headers=owner["admin"])).json()["meta"]["total"] == 0
    assert_error(await client.get(f"/profile/warehouse/{w1}", headers=owner["admin"]), 404, "not_found")


async def test_an_admins_own_warehouse_is_not_the_stores_to_pick(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await store_with_warehouses(client, count=1)
    admins_own = await create_warehouse(client, owner["admin"], name="Gudang Admin")
    response = await client.put(
        "/store/warehouse",
        json={"warehouse_ids": [owner["warehouses"][0]["id"], admins_own["id"]]},
        headers=owner["admin"],
    )
    error = assert_error(response, 404, "not_found", message="Record not found")
    assert "fields" not in error
    assert await store_links(rt, owner["store"]["id"]) == [owner["warehouses"][0]["id"]]


async def test_another_accounts_or_a_deleted_warehouse_is_404(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await store_with_warehouses(client)
    other = await seller(client)
    foreign = await create_warehouse(client, other["headers"], name="Gudang Orang Lain")
    w1, w2, w3 = (w["id"] for w in owner["warehouses"])
    assert (await client.delete(f"/profile/warehouse/{w3}", headers=owner["headers"])).status_code == 200
    for wanted in ([foreign["id"]], [w1, foreign["id"]], [w3], [w1, w3], [999_999]):
        response = await client.put("/store/warehouse", json={"warehouse_ids": wanted}, headers=owner["headers"])
        assert_error(response, 404, "not_found", case=wanted)
        assert "Orang Lain" not in response.text
    assert await store_links(rt, owner["store"]["id"]) == [w1]
    assert await store_links(rt, other["store"]["id"]) == [foreign["id"]]
    # And the other seller cannot take this one.
    response = await client.put("/store/warehouse", json={"warehouse_ids": [w2]}, headers=other["headers"])
    assert_error(response, 404, "not_found")


async def test_naming_another_store_is_forbidden(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await store_with_warehouses(client, count=1)
    other = await seller(client)
    theirs = await create_warehouse(client, other["headers"])
    foreign = bearer(owner["tokens"], other["store"]["id"])
    assert_error(await client.get("/store/warehouse", headers=foreign), 403, "not_a_member")
    response = await client.put("/store/warehouse", json={"warehouse_ids": [theirs["id"]]}, headers=foreign)
    assert_error(response, 403, "not_a_member")
    assert await store_links(rt, other["store"]["id"]) == [theirs["id"]]


async def test_taking_off_a_warehouse_holding_this_stores_stock_is_409(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await store_with_warehouses(client)
    w1, w2, _ = (w["id"] for w in owner["warehouses"])
    store_id = owner["store"]["id"]
    await client.put("/store/warehouse", json={"warehouse_ids": [w1, w2]}, headers=owner["headers"])
    stock_id = await put_stock(rt, store_id=store_id, warehouse_id=w1, on_hand=0, reserved=0)
    for on_hand, reserved in ((4, 0), (2, 2)):
        await set_stock(rt, stock_id, on_hand=on_hand, reserved=reserved)
        response = await client.put("/store/warehouse", json={"warehouse_ids": [w2]}, headers=owner["headers"])
        error = assert_error(response, 409, "warehouse_has_stock", case=(on_hand, reserved))
        assert f"#{w1}" in error["message"]
        assert await store_links(rt, store_id) == [w1, w2]
    # Keeping it is fine while it holds stock.
    assert ids(await client.put("/store/warehouse", json={"warehouse_ids": [w2, w1]}, headers=owner["headers"])) == [
        w1,
        w2,
    ]
    # Stock of ANOTHER store of the same owner in w2 does not stop this store from dropping w2.
    second = await create_store(client, owner["headers"], name="Toko Kedua")
    there = bearer(owner["tokens"], second["id"])
    assert ids(await client.put("/store/warehouse", json={"warehouse_ids": [w2]}, headers=there)) == [w2]
    await put_stock(rt, store_id=second["id"], warehouse_id=w2, on_hand=9)
    here = bearer(owner["tokens"], store_id)
    assert ids(await client.put("/store/warehouse", json={"warehouse_ids": [w1]}, headers=here)) == [w1]
    # Emptied, the first can go too.
    await set_stock(rt, stock_id, on_hand=0, reserved=0)
    assert ids(await client.put("/store/warehouse", json={"warehouse_ids": [w2]}, headers=here)) == [w2]


async def test_the_service_other_domains_call(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await store_with_warehouses(client)
    other = await seller(client)
    w1, w2, w3 = (w["id"] for w in owner["warehouses"])
    foreign = await create_warehouse(client, other["headers"])
    store_id = owner["store"]["id"]
    await client.put("/store/warehouse", json={"warehouse_ids": [w3, w1]}, headers=owner["headers"])
    async with rt.db.session(write=False) as session:
        service = WarehouseService(session, rt.clock)
        assert await service.store_warehouse_ids(store_id) == [w1, w3]
        assert await service.store_uses_warehouse(store_id, w1) is True
        assert await service.store_uses_warehouse(store_id, w2) is False
        assert await service.store_uses_warehouse(store_id, foreign["id"]) is False
        assert await service.store_uses_warehouse(other["store"]["id"], foreign["id"]) is True
    # Deleted warehouses are not shipped from (their links are removed with them).
    assert (await client.delete(f"/profile/warehouse/{w3}", headers=owner["headers"])).status_code == 200
    async with rt.db.session(write=False) as session:
        service = WarehouseService(session, rt.clock)
        assert await service.store_warehouse_ids(store_id) == [w1]
        assert await service.store_uses_warehouse(store_id, w3) is False
