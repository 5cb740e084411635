"""GET /store and the X-Store-Id header: which store a request acts in."""

from __future__ import annotations

import httpx

from bosonline.runtime import Runtime
from tests.envelope import assert_error, assert_validation
from tests.factories import add_staff, bearer, create_store, login, register, seller


async def test_the_only_store_is_used_without_a_header(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    response = await client.get("/store", headers=owner["headers"])
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert set(response.json()) == {"data"}
    assert data["id"] == owner["store"]["id"]
    assert data["role"] == "owner"
    assert data["member_id"] == owner["store"]["member_id"]


async def test_several_stores_need_the_header(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    second = await create_store(client, owner["headers"], name="Toko Kedua")
    response = await client.get("/store", headers=owner["headers"])
    assert_error(response, 400, "store_required")

    for store in (owner["store"], second):
        response = await client.get("/store", headers=bearer(owner["tokens"], store["id"]))
        assert response.status_code == 200, response.text
        assert response.json()["data"]["id"] == store["id"]
        assert response.json()["data"]["name"] == store["name"]


async def test_staff_of_two_stores_picks_one_and_sees_their_role_there(client: httpx.AsyncClient) -> None:
    first = await seller(client)
    second = await seller(client)
    await add_staff(client, first["headers"], email="dua@example.com", role="cs")
    await add_staff(client, second["headers"], email="dua@example.com", role="admin")
    tokens = await login(client, "dua@example.com")
    assert_error(await client.get("/store", headers=bearer(tokens)), 400, "store_required")
    in_first = await client.get("/store", headers=bearer(tokens, first["store"]["id"]))
    in_second = await client.get("/store", headers=bearer(tokens, second["store"]["id"]))
    assert (in_first.json()["data"]["role"], in_second.json()["data"]["role"]) == ("cs", "admin")
    assert in_first.json()["data"]["owner_id"] == first["user"]["id"]


async def test_a_store_of_someone_else_is_forbidden_whether_or_not_it_exists(
    client: httpx.AsyncClient,
) -> None:
    owner = await seller(client)
    stranger = await seller(client)
    foreign = assert_error(
        await client.get("/store", headers=bearer(owner["tokens"], stranger["store"]["id"])),
        403,
        "not_a_member",
    )
    missing = assert_error(await client.get("/store", headers=bearer(owner["tokens"], 987654)), 403, "not_a_member")
    # Nothing tells an existing store from a missing one.
    assert foreign == missing
    assert stranger["store"]["name"] not in str(foreign)


async def test_a_malformed_store_header_is_a_validation_error(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    for value in [
        "abc",
        "0",
        "-1",
        "1.5",
        "",
        " ",
        str(2**53 + 1),
        str(2**64),
        "1e3",
        "1; DROP TABLE stores",
    ]:
        headers = {**owner["headers"], "X-Store-Id": value}
        assert_validation(await client.get("/store", headers=headers), "X-Store-Id", case=value)
        # The same for a route that writes.
        response = await client.put("/store", json={"name": "Baru"}, headers=headers)
        assert_validation(response, "X-Store-Id", case=value)
    current = await client.get("/store", headers=owner["headers"])
    assert current.json()["data"]["name"] == owner["store"]["name"]


async def test_a_user_without_a_store_gets_no_store(client: httpx.AsyncClient) -> None:
    user = await register(client)
    assert_error(await client.get("/store", headers=user["headers"]), 404, "no_store")
    assert_error(await client.put("/store", json={"name": "X"}, headers=user["headers"]), 404, "no_store")
    assert_error(await client.get("/store/staff", headers=user["headers"]), 404, "no_store")
    listed = await client.get("/store/list", headers=user["headers"])
    assert listed.status_code == 200
    assert listed.json() == {"data": [], "meta": {"next_cursor": None, "total": 0}}


async def test_store_routes_need_authentication(client: httpx.AsyncClient) -> None:
    for method, path in [
        ("GET", "/store"),
        ("PUT", "/store"),
        ("GET", "/store/list"),
        ("GET", "/store/subdomain/check?subdomain=abc"),
        ("PUT", "/store/subdomain"),
        ("GET", "/store/staff"),
        ("GET", "/store/staff/1"),
        ("POST", "/store/staff"),
        ("PUT", "/store/staff/1"),
        ("PATCH", "/store/staff/1/status"),
        ("DELETE", "/store/staff/1"),
    ]:
        response = await client.request(method, path, json={} if method in ("PUT", "POST", "PATCH") else None)
        assert_error(response, 401, "unauthorized")


async def test_the_store_of_a_closed_account_is_gone(client: httpx.AsyncClient, rt: Runtime) -> None:
    """A store closed by its owner's Data Deletion can no longer be acted in."""
    owner = await seller(client)
    store_id = owner["store"]["id"]
    erased = await client.request("DELETE", "/profile", json={"password": owner["password"]}, headers=owner["headers"])
    assert erased.status_code == 200, erased.text
    other = await register(client)
    # Its subdomain is free again.
    response = await client.get(
        "/store/subdomain/check", params={"subdomain": owner["store"]["subdomain"]}, headers=other["headers"]
    )
    assert response.json()["data"]["available"] is True
    assert_error(await client.get("/store", headers=bearer(other["tokens"], store_id)), 403, "not_a_member")
