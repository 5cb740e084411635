"""GET /store/list: the caller's stores with their role, keyset pagination and total."""

from __future__ import annotations

import base64
import json

import httpx

from tests.envelope import assert_error, assert_validation
from tests.factories import add_staff, bearer, create_store, login, register, seller


def cursor_of(values: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


async def test_lists_every_store_of_the_caller_with_its_role(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    second = await create_store(client, owner["headers"], name="Kedua")
    other = await seller(client)
    await add_staff(client, other["headers"], email=owner["email"], role="admin", password=None)

    response = await client.get("/store/list", headers=owner["headers"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data", "meta"}
    assert body["meta"] == {"next_cursor": None, "total": 3}
    assert [(s["id"], s["role"]) for s in body["data"]] == [
        (owner["store"]["id"], "owner"),
        (second["id"], "owner"),
        (other["store"]["id"], "admin"),
    ]
    first = body["data"][0]
    assert set(first) == {
        "id",
        "name",
        "subdomain",
        "phone",
        "phone_e164",
        "timezone",
        "status",
        "owner_id",
        "role",
        "created_at",
    }
    assert (first["name"], first["subdomain"], first["owner_id"]) == (
        owner["store"]["name"],
        owner["store"]["subdomain"],
        owner["user"]["id"],
    )
    assert body["data"][2]["owner_id"] == other["user"]["id"]


async def test_keyset_pagination_walks_every_store_once(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    ids = [owner["store"]["id"]]
    for index in range(4):
        ids.append((await create_store(client, owner["headers"], name=f"Toko {index}"))["id"])

    seen: list[int] = []
    cursor = None
    pages = 0
    while True:
        params: dict[str, str | int] = {"limit": 2}
        if cursor:
            params["cursor"] = cursor
        response = await client.get("/store/list", params=params, headers=owner["headers"])
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["meta"]["total"] == 5
        assert len(body["data"]) <= 2
        seen += [store["id"] for store in body["data"]]
        pages += 1
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            break
        assert isinstance(cursor, str)
    assert seen == sorted(ids)
    assert pages == 3

    first = await client.get("/store/list", params={"limit": 1}, headers=owner["headers"])
    assert [s["id"] for s in first.json()["data"]] == [ids[0]]
    assert first.json()["meta"]["next_cursor"]
    nxt = await client.get(
        "/store/list",
        params={"limit": 1, "cursor": first.json()["meta"]["next_cursor"]},
        headers=owner["headers"],
    )
    assert [s["id"] for s in nxt.json()["data"]] == [ids[1]]

    everything = await client.get("/store/list", params={"limit": 100}, headers=owner["headers"])
    assert [s["id"] for s in everything.json()["data"]] == ids
    assert everything.json()["meta"]["next_cursor"] is None


async def test_removed_and_inactive_memberships(client: httpx.AsyncClient) -> None:
    """A removed member no longer lists the store; an inactive one still does (with their role)."""
    first = await seller(client)
    second = await seller(client)
    in_first = await add_staff(client, first["headers"], email="pindah@example.com")
    in_second = await add_staff(client, second["headers"], email="pindah@example.com", password=None)
    tokens = await login(client, "pindah@example.com")

    deleted = await client.delete(f"/store/staff/{in_first['id']}", headers=first["headers"])
    assert deleted.status_code == 200, deleted.text
    paused = await client.patch(
        f"/store/staff/{in_second['id']}/status", json={"status": "inactive"}, headers=second["headers"]
    )
    assert paused.status_code == 200, paused.text
    response = await client.get("/store/list", headers=bearer(tokens))
    assert [(s["id"], s["role"]) for s in response.json()["data"]] == [(second["store"]["id"], "cs")]
    assert response.json()["meta"]["total"] == 1


async def test_bad_limits_and_cursors_are_refused(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    for limit in ["0", "101", "-1", "abc", "1.5", "", "1e2"]:
        response = await client.get("/store/list", params={"limit": limit}, headers=owner["headers"])
        assert_validation(response, "limit", case=limit)
    for cursor in [
        "not-a-cursor!!",
        "%%%",
        "x" * 201,
        cursor_of({"id": 1}),
        cursor_of([1, 2]),
        cursor_of([]),
        cursor_of([True]),
        cursor_of([None]),
        cursor_of([1.5]),
        cursor_of("1"),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    ]:
        response = await client.get("/store/list", params={"cursor": cursor}, headers=owner["headers"])
        assert_validation(response, "cursor", case=cursor)


async def test_cursors_with_foreign_key_values_are_refused(client: httpx.AsyncClient) -> None:
    """A forged cursor whose key is a string or does not fit a BIGINT is a 422, not a database error."""
    owner = await seller(client)
    for values in (["abc"], ["1"], [10**30], [2**63], [-(2**63) - 1]):
        for path in ("/store/list", "/store/staff"):
            response = await client.get(path, params={"cursor": cursor_of(values)}, headers=owner["headers"])
            assert_validation(response, "cursor", case=(path, values))


async def test_a_user_without_stores_gets_an_empty_list(client: httpx.AsyncClient) -> None:
    user = await register(client)
    response = await client.get("/store/list", headers=user["headers"])
    assert response.status_code == 200
    assert response.json() == {"data": [], "meta": {"next_cursor": None, "total": 0}}


async def test_listing_needs_no_store_header_and_ignores_it(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    await create_store(client, owner["headers"])
    response = await client.get("/store/list", headers=owner["headers"])
    assert response.status_code == 200
    assert response.json()["meta"]["total"] == 2
    stranger = await seller(client)
    response = await client.get("/store/list", headers=bearer(owner["tokens"], stranger["store"]["id"]))
    assert response.status_code == 200
    assert stranger["store"]["id"] not in [s["id"] for s in response.json()["data"]]
    assert response.json()["meta"]["total"] == 2
    assert_error(await client.get("/store/list"), 401, "unauthorized")
