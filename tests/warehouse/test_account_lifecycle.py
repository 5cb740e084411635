"""Warehouses across the account's life: a new store ships from the default warehouse; Data Deletion erases the
contact details and address the warehouses held."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from bosonline.models import Warehouse
from bosonline.runtime import Runtime
from tests.factories import PASSWORD, create_store, register
from tests.warehouse.helpers import create_warehouse


async def test_a_new_store_ships_from_the_default_warehouse(client: httpx.AsyncClient) -> None:
    account = await register(client)
    first_store = await create_store(client, account["headers"])
    default = await create_warehouse(client, account["headers"], name="Gudang Utama")
    await create_warehouse(client, account["headers"], name="Gudang Kedua")
    second_store = await create_store(client, account["headers"])
    for store in (first_store, second_store):
        headers = {**account["headers"], "X-Store-Id": str(store["id"])}
        listed = (await client.get("/store/warehouse", headers=headers)).json()["data"]
        assert [w["id"] for w in listed] == [default["id"]], store


async def test_a_store_made_before_any_warehouse_ships_from_nowhere(client: httpx.AsyncClient) -> None:
    account = await register(client)
    store = await create_store(client, account["headers"])
    headers = {**account["headers"], "X-Store-Id": str(store["id"])}
    assert (await client.get("/store/warehouse", headers=headers)).json()["data"] == []


async def test_data_deletion_erases_warehouse_contacts(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await register(client)
    await create_store(client, account["headers"])
    await create_warehouse(client, account["headers"], contact_name="Siti Aminah", address="Jl. Rahasia 7")
    response = await client.request("DELETE", "/profile", json={"password": PASSWORD}, headers=account["headers"])
    assert response.status_code == 200, response.text
    async with rt.db.session() as session:
        [warehouse] = (await session.scalars(select(Warehouse))).all()
    assert warehouse.deleted_at is not None
    assert (warehouse.contact_name, warehouse.contact_phone, warehouse.address) == ("Deleted user", "", "")
