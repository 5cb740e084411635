"""Fixed query budgets on the paths every authenticated request takes: no N+1 as a store grows."""

from __future__ import annotations

import httpx

from bosonline.runtime import Runtime
from tests.factories import add_staff, seller
from tests.querycount import count_queries


async def test_authenticated_store_request_budget(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    with count_queries(rt) as log:
        response = await client.get("/store", headers=owner["headers"])
    assert response.status_code == 200
    # principal (user + session), store context (membership + store), settings; the context's rows are reused
    assert log.count == 3, log.statements


async def test_staff_list_does_not_grow_with_staff(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    await add_staff(client, owner["headers"])
    with count_queries(rt) as small:
        assert (await client.get("/store/staff", headers=owner["headers"])).status_code == 200
    for _ in range(10):
        await add_staff(client, owner["headers"])
    with count_queries(rt) as large:
        response = await client.get("/store/staff", headers=owner["headers"])
    assert response.status_code == 200
    assert len(response.json()["data"]) == 12
    assert large.count == small.count <= 5, large.statements


async def test_store_list_budget(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    with count_queries(rt) as log:
        response = await client.get("/store/list", headers=owner["headers"])
    assert response.status_code == 200
    assert log.count <= 4, log.statements
