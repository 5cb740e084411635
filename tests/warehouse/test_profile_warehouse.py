"""Profile → Warehouse: create, list, detail, edit, default switching, delete, and attaching to bare stores."""

from __future__ import annotations

import httpx

from bosonline.models import InventoryMovement, Stock, Warehouse
from bosonline.runtime import Runtime
from tests.envelope import assert_data, assert_error, fields
from tests.factories import add_staff, create_store, register, seller
from tests.warehouse.helpers import (
    DEPOK_POSTAL,
    DEPOK_REGION,
    DEPOK_VILLAGE,
    PANCORAN_MAS,
    PANCORAN_MAS_REGION,
    SENAYAN_POSTAL,
    SENAYAN_VILLAGE,
    create_warehouse,
    defaults_of,
    put_stock,
    set_stock,
    store_links,
    warehouse_body,
    warehouse_row,
    warehouses_of,
)


async def test_create_normalizes_resolves_the_region_and_fills_the_postal_code(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    account = await register(client)
    data = await create_warehouse(
        client, account["headers"], name="  Gudang Utama ", contact_phone="+62 812-3456-7890", region_code="3276011006"
    )
    assert data["name"] == "Gudang Utama"
    assert (data["contact_phone"], data["contact_phone_e164"]) == ("081234567890", "6281234567890")
    assert (data["region_code"], data["postal_code"]) == (DEPOK_VILLAGE, DEPOK_POSTAL)
    assert data["region"] == DEPOK_REGION
    assert data["is_default"] is True  # the account's first
    assert data["store_ids"] == []  # no store yet
    row = await warehouse_row(rt, data["id"])
    assert (row.owner_id, row.contact_phone, row.region_code, row.postal_code, row.deleted_at) == (
        account["user"]["id"],
        "6281234567890",
        DEPOK_VILLAGE,
        DEPOK_POSTAL,
        None,
    )


async def test_a_district_is_enough_and_its_postal_code_is_optional(client: httpx.AsyncClient) -> None:
    account = await register(client)
    bare = await create_warehouse(client, account["headers"], region_code="32.76.01")
    assert (bare["region_code"], bare["postal_code"]) == (PANCORAN_MAS, None)
    assert bare["region"] == PANCORAN_MAS_REGION
    # A kode pos of one of the district's villages is accepted with the district.
    with_postal = await create_warehouse(client, account["headers"], region_code="327601", postal_code=DEPOK_POSTAL)
    assert (with_postal["region_code"], with_postal["postal_code"]) == (PANCORAN_MAS, DEPOK_POSTAL)
    # The village's own kode pos, given explicitly, is fine too.
    explicit = await create_warehouse(client, account["headers"], postal_code=DEPOK_POSTAL)
    assert explicit["postal_code"] == DEPOK_POSTAL


async def test_list_default_first_then_by_id_with_keyset_pages(client: httpx.AsyncClient) -> None:
    account = await register(client)
    ids = [(await create_warehouse(client, account["headers"], name=f"Gudang {n}"))["id"] for n in range(5)]
    made = await client.patch(f"/profile/warehouse/{ids[3]}/default", headers=account["headers"])
    assert made.status_code == 200, made.text
    expected = [ids[3], ids[0], ids[1], ids[2], ids[4]]

    whole = await client.get("/profile/warehouse", headers=account["headers"])
    assert whole.status_code == 200
    body = whole.json()
    assert [w["id"] for w in body["data"]] == expected
    assert [w["is_default"] for w in body["data"]] == [True, False, False, False, False]
    assert body["meta"] == {"next_cursor": None, "total": 5}

    for limit in (1, 2, 3):
        seen: list[int] = []
        cursor = None
        while True:
            params: dict[str, str | int] = {"limit": limit}
            if cursor:
                params["cursor"] = cursor
            page = await client.get("/profile/warehouse", params=params, headers=account["headers"])
            assert page.status_code == 200, page.text
            assert len(page.json()["data"]) <= limit
            assert page.json()["meta"]["total"] == 5
            seen += [w["id"] for w in page.json()["data"]]
            cursor = page.json()["meta"]["next_cursor"]
            if cursor is None:
                break
        assert seen == expected, limit


async def test_a_lone_default_on_a_page_of_one_has_no_next_page(client: httpx.AsyncClient) -> None:
    account = await register(client)
    only = await create_warehouse(client, account["headers"])
    page = await client.get("/profile/warehouse", params={"limit": 1}, headers=account["headers"])
    assert page.json() == {"data": [page.json()["data"][0]], "meta": {"next_cursor": None, "total": 1}}
    assert page.json()["data"][0]["id"] == only["id"]
    empty = await client.get("/profile/warehouse", headers=(await register(client))["headers"])
    assert empty.json() == {"data": [], "meta": {"next_cursor": None, "total": 0}}


async def test_detail_and_edit(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await seller(client)
    created = await create_warehouse(client, account["headers"])
    detail = await client.get(f"/profile/warehouse/{created['id']}", headers=account["headers"])
    assert detail.status_code == 200
    assert detail.json()["data"] == created

    body = warehouse_body(
        name="Gudang Senayan",
        contact_name="Siti",
        contact_phone="6281398765432",
        address="Jl. Asia Afrika 8",
        region_code=SENAYAN_VILLAGE,
    )
    data = assert_data(await client.put(f"/profile/warehouse/{created['id']}", json=body, headers=account["headers"]))
    expected = ("Gudang Senayan", "Siti", "081398765432", "Jl. Asia Afrika 8")
    assert fields(data, "name", "contact_name", "contact_phone", "address") == expected
    # The region changed, and the old village's kode pos was not kept: the new village's is filled in.
    assert (data["region_code"], data["postal_code"], data["region"]["name"]) == (
        SENAYAN_VILLAGE,
        SENAYAN_POSTAL,
        "Senayan",
    )
    assert (data["is_default"], data["store_ids"]) == (True, [account["store"]["id"]])
    row = await warehouse_row(rt, created["id"])
    assert (row.name, row.region_code, row.postal_code) == ("Gudang Senayan", SENAYAN_VILLAGE, SENAYAN_POSTAL)

    # The default cannot be changed through the edit.
    refused = await client.put(
        f"/profile/warehouse/{created['id']}",
        json=warehouse_body(is_default=False),
        headers=account["headers"],
    )
    assert_error(refused, 422, "validation_error", fields=["is_default"])


async def test_is_default_on_create_moves_the_default(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await register(client)
    first = await create_warehouse(client, account["headers"], is_default=False)
    assert first["is_default"] is True  # the first is the default whatever is asked
    second = await create_warehouse(client, account["headers"])
    assert second["is_default"] is False
    third = await create_warehouse(client, account["headers"], is_default=True)
    assert third["is_default"] is True
    assert await defaults_of(rt, account["user"]["id"]) == [third["id"]]


async def test_default_switching_keeps_exactly_one(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await register(client)
    a = await create_warehouse(client, account["headers"], name="A")
    b = await create_warehouse(client, account["headers"], name="B")
    owner_id = account["user"]["id"]
    for target, expected in ((b, [b["id"]]), (b, [b["id"]]), (a, [a["id"]])):
        response = await client.patch(f"/profile/warehouse/{target['id']}/default", headers=account["headers"])
        assert response.status_code == 200, response.text
        assert response.json()["data"]["is_default"] is True
        assert await defaults_of(rt, owner_id) == expected
    listed = await client.get("/profile/warehouse", headers=account["headers"])
    assert [(w["id"], w["is_default"]) for w in listed.json()["data"]] == [(a["id"], True), (b["id"], False)]


async def test_delete_soft_deletes_and_hands_the_default_to_the_oldest(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await seller(client)
    store_id = account["store"]["id"]
    first = await create_warehouse(client, account["headers"], name="Pertama")
    second = await create_warehouse(client, account["headers"], name="Kedua")
    third = await create_warehouse(client, account["headers"], name="Ketiga", is_default=True)
    put = await client.put(
        "/store/warehouse", json={"warehouse_ids": [first["id"], third["id"]]}, headers=account["headers"]
    )
    assert put.status_code == 200, put.text

    deleted = await client.delete(f"/profile/warehouse/{third['id']}", headers=account["headers"])
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {"data": {"id": third["id"], "deleted": True}}
    row = await warehouse_row(rt, third["id"])
    assert row.deleted_at is not None and row.is_default is False  # the row stays, for history
    assert await store_links(rt, store_id) == [first["id"]]
    assert await defaults_of(rt, account["user"]["id"]) == [first["id"]]  # the oldest remaining

    assert_error(await client.get(f"/profile/warehouse/{third['id']}", headers=account["headers"]), 404, "not_found")
    assert_error(await client.delete(f"/profile/warehouse/{third['id']}", headers=account["headers"]), 404, "not_found")
    listed = await client.get("/profile/warehouse", headers=account["headers"])
    assert [w["id"] for w in listed.json()["data"]] == [first["id"], second["id"]]
    assert listed.json()["meta"]["total"] == 2

    # Deleting one that is not the default leaves the default alone; deleting the last leaves none.
    assert (await client.delete(f"/profile/warehouse/{second['id']}", headers=account["headers"])).status_code == 200
    assert await defaults_of(rt, account["user"]["id"]) == [first["id"]]
    assert (await client.delete(f"/profile/warehouse/{first['id']}", headers=account["headers"])).status_code == 200
    assert await defaults_of(rt, account["user"]["id"]) == []
    assert await store_links(rt, store_id) == []
    # The next warehouse is the default again, and the now bare store ships from it.
    again = await create_warehouse(client, account["headers"])
    assert (again["is_default"], again["store_ids"]) == (True, [store_id])


async def test_delete_is_refused_while_stock_is_on_hand_or_reserved(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await seller(client)
    warehouse = await create_warehouse(client, account["headers"])
    stock_id = await put_stock(rt, store_id=account["store"]["id"], warehouse_id=warehouse["id"], on_hand=5)
    for on_hand, reserved in ((5, 0), (3, 3), (1, 0)):
        await set_stock(rt, stock_id, on_hand=on_hand, reserved=reserved)
        response = await client.delete(f"/profile/warehouse/{warehouse['id']}", headers=account["headers"])
        assert_error(response, 409, "warehouse_has_stock", case=(on_hand, reserved))
        row = await warehouse_row(rt, warehouse["id"])
        assert (row.deleted_at, row.is_default) == (None, True)
        assert await store_links(rt, account["store"]["id"]) == [warehouse["id"]]
    await set_stock(rt, stock_id, on_hand=0, reserved=0)  # an empty stock row does not block
    response = await client.delete(f"/profile/warehouse/{warehouse['id']}", headers=account["headers"])
    assert response.status_code == 200, response.text
    assert (await warehouse_row(rt, warehouse["id"])).deleted_at is not None


async def test_delete_is_refused_once_an_order_came_from_the_warehouse(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await seller(client)
    warehouse = await create_warehouse(client, account["headers"])
    stock_id = await put_stock(rt, store_id=account["store"]["id"], warehouse_id=warehouse["id"], on_hand=0)
    async with rt.db.session() as session:
        stock = await session.get(Stock, stock_id)
        assert stock is not None
        # An order reserved a unit here and shipped it: the stock is back at zero, the order still names it.
        session.add(
            InventoryMovement(
                store_id=stock.store_id,
                variant_id=stock.variant_id,
                warehouse_id=warehouse["id"],
                reason="order_shipped",
                delta_on_hand=-1,
                delta_reserved=-1,
                on_hand_after=0,
                reserved_after=0,
                order_id=7,
            )
        )
        await session.commit()
    response = await client.delete(f"/profile/warehouse/{warehouse['id']}", headers=account["headers"])
    assert_error(response, 409, "warehouse_used_by_orders")
    assert (await warehouse_row(rt, warehouse["id"])).deleted_at is None


async def test_new_warehouse_attaches_to_the_accounts_bare_stores_only(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await seller(client)
    first_store = account["store"]["id"]
    second_store = (await create_store(client, account["headers"], name="Toko Kedua"))["id"]
    first = await create_warehouse(client, account["headers"])
    assert sorted(first["store_ids"]) == sorted([first_store, second_store])  # both had none
    assert await store_links(rt, first_store) == [first["id"]]

    # A store made later starts with the default warehouse (store/service.py), so it is not bare.
    third_store = (await create_store(client, account["headers"], name="Toko Ketiga"))["id"]
    assert await store_links(rt, third_store) == [first["id"]]
    second = await create_warehouse(client, account["headers"], name="Gudang Kedua")
    assert second["store_ids"] == []
    for store_id in (first_store, second_store, third_store):
        assert await store_links(rt, store_id) == [first["id"]]

    # Neither another seller's bare store, nor one where the account only works (as an admin), is touched.
    other = await seller(client)
    await add_staff(client, other["headers"], role="admin", email=account["email"], password=None)
    third = await create_warehouse(client, account["headers"], name="Gudang Ketiga")
    assert third["store_ids"] == []
    assert await store_links(rt, other["store"]["id"]) == []
    listed = await client.get("/profile/warehouse", headers=account["headers"])
    assert {w["id"]: sorted(w["store_ids"]) for w in listed.json()["data"]} == {
        first["id"]: sorted([first_store, second_store, third_store]),
        second["id"]: [],
        third["id"]: [],
    }


async def test_at_most_fifty_warehouses(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await register(client)
    owner_id = account["user"]["id"]
    async with rt.db.session() as session:
        session.add_all(
            Warehouse(
                owner_id=owner_id,
                name=f"Gudang {n}",
                contact_name="Budi",
                contact_phone="6281234567890",
                address="Jl. Margonda",
                region_code=DEPOK_VILLAGE,
                postal_code=DEPOK_POSTAL,
                is_default=n == 0,
            )
            for n in range(50)
        )
        await session.commit()
    response = await client.post("/profile/warehouse", json=warehouse_body(), headers=account["headers"])
    assert_error(response, 409, "warehouse_limit")
    assert len(await warehouses_of(rt, owner_id)) == 50
    # A deleted warehouse frees its place.
    victim = (await warehouses_of(rt, owner_id))[-1].id
    assert (await client.delete(f"/profile/warehouse/{victim}", headers=account["headers"])).status_code == 200
    await create_warehouse(client, account["headers"])
