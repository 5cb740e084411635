"""Races on one account's warehouses: still exactly one default, the limit holds, no 500."""

from __future__ import annotations

import asyncio

import httpx

from bosonline.runtime import Runtime
from tests.factories import seller
from tests.warehouse.helpers import create_warehouse, defaults_of, store_links, warehouse_body, warehouses_of


async def test_first_warehouses_created_at_once_make_one_default(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await seller(client)
    responses = await asyncio.gather(
        *(
            client.post("/profile/warehouse", json=warehouse_body(name=f"Gudang {n}"), headers=account["headers"])
            for n in range(6)
        )
    )
    assert [r.status_code for r in responses] == [201] * 6, [r.text for r in responses]
    created = await warehouses_of(rt, account["user"]["id"])
    assert len(created) == 6
    assert len(await defaults_of(rt, account["user"]["id"])) == 1
    # Only one of them was attached to the (then bare) store.
    assert len(await store_links(rt, account["store"]["id"])) == 1


async def test_default_switched_at_once_leaves_one(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await seller(client)
    ids = [(await create_warehouse(client, account["headers"], name=f"Gudang {n}"))["id"] for n in range(5)]
    responses = await asyncio.gather(
        *(client.patch(f"/profile/warehouse/{i}/default", headers=account["headers"]) for i in ids),
        client.delete(f"/profile/warehouse/{ids[0]}", headers=account["headers"]),
    )
    assert all(r.status_code in (200, 404) for r in responses), [r.text for r in responses]
    defaults = await defaults_of(rt, account["user"]["id"])
    assert len(defaults) == 1
    assert (await client.get(f"/profile/warehouse/{defaults[0]}", headers=account["headers"])).status_code == 200
