"""GET /store reads the caller, the store context and the store's settings in one statement: checked at every
request, nothing kept between requests (issue 15)."""

from __future__ import annotations

import httpx

from bosonline.runtime import Runtime
from tests.envelope import assert_error
from tests.factories import add_staff, bearer, login, seller
from tests.querycount import count_queries


async def test_a_logout_is_refused_at_the_next_store_read(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    assert (await client.get("/store", headers=owner["headers"])).status_code == 200
    assert (await client.post("/auth/logout", headers=owner["headers"])).status_code in (200, 204)
    assert_error(await client.get("/store", headers=owner["headers"]), 401, "session_revoked")


async def test_a_removed_member_is_refused_at_the_next_store_read(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    cs = await add_staff(client, owner["headers"], email="cs-read-path@example.com")
    tokens = await login(client, "cs-read-path@example.com")
    named = bearer(tokens, owner["store"]["id"])
    assert (await client.get("/store", headers=named)).status_code == 200
    removed = await client.delete(f"/store/staff/{cs['id']}", headers=owner["headers"])
    assert removed.status_code in (200, 204), removed.text
    assert_error(await client.get("/store", headers=named), 403, "not_a_member")
    assert_error(await client.get("/store", headers=bearer(tokens)), 404, "no_store")


async def test_settings_read_with_the_context_are_the_current_ones(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    changed = await client.put("/store", json={"settings": {"cod_fee_percent": 1.5}}, headers=owner["headers"])
    assert changed.status_code == 200, changed.text
    with count_queries(rt) as log:
        response = await client.get("/store", headers=owner["headers"])
    assert response.status_code == 200
    assert response.json()["data"]["settings"]["cod_fee_percent"] == 1.5
    assert log.count == 1, log.statements


async def test_a_store_write_reads_the_settings_it_changes_once(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    with count_queries(rt) as log:
        response = await client.put("/store", json={"settings": {"unique_code_max": 500}}, headers=owner["headers"])
    assert response.status_code == 200, response.text
    assert response.json()["data"]["settings"]["unique_code_max"] == 500
    assert not [statement for statement in log.statements if statement.lstrip().startswith("SELECT store_settings")]
