from __future__ import annotations

import httpx

from tests.factories import add_staff, bearer, login, seller


async def test_done_when_story(client: httpx.AsyncClient) -> None:
    """Register, log in, create a store, add a CS who logs in and is refused staff management; another user
    sees none of it."""
    owner = await seller(client)
    cs = await add_staff(client, owner["headers"], email="putri@example.com")
    assert cs["role"] == "cs"

    cs_tokens = await login(client, "putri@example.com")
    store = await client.get("/store", headers=bearer(cs_tokens))
    assert store.status_code == 200
    assert store.json()["data"]["id"] == owner["store"]["id"]
    refused = await client.get("/store/staff", headers=bearer(cs_tokens))
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "permission_denied"

    stranger = await seller(client)
    mine = await client.get("/store/list", headers=stranger["headers"])
    assert [s["id"] for s in mine.json()["data"]] == [stranger["store"]["id"]]
    foreign = await client.get("/store/staff", headers=bearer(stranger["tokens"], owner["store"]["id"]))
    assert foreign.status_code == 403
