"""GET /store/subdomain/check and PUT /store/subdomain."""

from __future__ import annotations

import httpx

from bosonline.runtime import Runtime
from tests.envelope import assert_error, assert_validation
from tests.factories import bearer, create_store, register, seller, staff_headers
from tests.store.helpers import BAD_SUBDOMAINS, store_row


async def check(client: httpx.AsyncClient, headers: dict[str, str], subdomain: str) -> dict[str, object]:
    response = await client.get("/store/subdomain/check", params={"subdomain": subdomain}, headers=headers)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"data"}
    data = response.json()["data"]
    assert set(data) == {"subdomain", "valid", "available", "reason"}
    return data  # type: ignore[no-any-return]


async def test_check_a_free_valid_subdomain(client: httpx.AsyncClient) -> None:
    user = await register(client)
    assert await check(client, user["headers"], "toko-baru") == {
        "subdomain": "toko-baru",
        "valid": True,
        "available": True,
        "reason": None,
    }
    assert await check(client, user["headers"], "  Toko-Baru ") == {
        "subdomain": "toko-baru",
        "valid": True,
        "available": True,
        "reason": None,
    }


async def test_check_an_invalid_subdomain_says_why(client: httpx.AsyncClient) -> None:
    user = await register(client)
    for subdomain in [
        "ab",
        "a" * 31,
        "-abc",
        "abc-",
        "a--b",
        "toko_ku",
        "toko.ku",
        "toko ku",
        "tokö",
        "a" * 63,
    ]:
        data = await check(client, user["headers"], subdomain)
        assert data["valid"] is False and data["available"] is False, (subdomain, data)
        assert isinstance(data["reason"], str) and data["reason"] and data["reason"] != "is reserved", data


async def test_check_a_reserved_subdomain(client: httpx.AsyncClient) -> None:
    user = await register(client)
    for subdomain in ["www", "api", "admin", "WWW", " Api "]:
        data = await check(client, user["headers"], subdomain)
        assert data == {
            "subdomain": subdomain.strip().lower(),
            "valid": False,
            "available": False,
            "reason": "is reserved",
        }


async def test_check_a_taken_subdomain(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    other = await register(client)
    for headers in (other["headers"], owner["headers"]):
        data = await check(client, headers, owner["store"]["subdomain"].upper())
        assert data == {
            "subdomain": owner["store"]["subdomain"],
            "valid": True,
            "available": False,
            "reason": "is already taken",
        }


async def test_check_validates_its_parameter(client: httpx.AsyncClient) -> None:
    user = await register(client)
    assert_validation(await client.get("/store/subdomain/check", headers=user["headers"]), "subdomain")
    for value in ("", "a" * 64, "a" * 500):
        response = await client.get("/store/subdomain/check", params={"subdomain": value}, headers=user["headers"])
        assert_validation(response, "subdomain")
    assert_error(await client.get("/store/subdomain/check", params={"subdomain": "abc"}), 401, "unauthorized")


async def test_change_subdomain_frees_the_old_one(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    other = await register(client)
    old = owner["store"]["subdomain"]
    response = await client.put("/store/subdomain", json={"subdomain": " Pindah-Sini "}, headers=owner["headers"])
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["subdomain"] == "pindah-sini"
    assert data["id"] == owner["store"]["id"]
    assert data["name"] == owner["store"]["name"]
    store = await store_row(rt, owner["store"]["id"])
    assert store is not None and store.subdomain == "pindah-sini"

    assert (await check(client, other["headers"], old))["available"] is True
    assert (await check(client, other["headers"], "pindah-sini"))["available"] is False
    # The old name can now be used by someone else.
    response = await client.post(
        "/store",
        json={"name": "Toko Lain", "subdomain": old, "phone": "081298765432"},
        headers=other["headers"],
    )
    assert response.status_code == 201, response.text


async def test_change_subdomain_to_its_own_value_is_allowed(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    current = owner["store"]["subdomain"]
    response = await client.put("/store/subdomain", json={"subdomain": current.upper()}, headers=owner["headers"])
    assert response.status_code == 200, response.text
    assert response.json()["data"]["subdomain"] == current


async def test_change_subdomain_to_a_taken_one_is_a_conflict(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    other = await seller(client)
    sibling = await create_store(client, owner["headers"])
    taken_by = {"stranger": other["store"]["subdomain"], "sibling": sibling["subdomain"]}
    for subdomain in taken_by.values():
        response = await client.put(
            "/store/subdomain",
            json={"subdomain": subdomain},
            headers=bearer(owner["tokens"], owner["store"]["id"]),
        )
        assert_error(response, 409, "subdomain_taken")
    store = await store_row(rt, owner["store"]["id"])
    assert store is not None and store.subdomain == owner["store"]["subdomain"]


async def test_change_subdomain_to_an_invalid_one_is_refused(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    for subdomain in BAD_SUBDOMAINS:
        response = await client.put("/store/subdomain", json={"subdomain": subdomain}, headers=owner["headers"])
        assert_validation(response, "subdomain", case=subdomain)
    for payload in [{}, {"subdomain": None}, {"subdomain": 12345}, {"subdomain": "abc", "x": 1}, ["abc"]]:
        response = await client.put("/store/subdomain", json=payload, headers=owner["headers"])
        assert_error(response, 422, "validation_error", case=payload)
    store = await store_row(rt, owner["store"]["id"])
    assert store is not None and store.subdomain == owner["store"]["subdomain"]


async def test_only_owner_and_admin_change_the_subdomain(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    cs = await staff_headers(client, owner["headers"], role="cs", email="cs@example.com")
    admin = await staff_headers(client, owner["headers"], role="admin", email="admin@example.com")

    refused = await client.put("/store/subdomain", json={"subdomain": "punya-cs"}, headers=cs)
    assert_error(refused, 403, "permission_denied")
    store = await store_row(rt, owner["store"]["id"])
    assert store is not None and store.subdomain == owner["store"]["subdomain"]
    assert (await check(client, cs, "punya-cs"))["available"] is True

    response = await client.put("/store/subdomain", json={"subdomain": "punya-admin"}, headers=admin)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["subdomain"] == "punya-admin"


async def test_change_subdomain_of_a_foreign_store_is_forbidden(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    other = await seller(client)
    response = await client.put(
        "/store/subdomain", json={"subdomain": "rebut"}, headers=bearer(owner["tokens"], other["store"]["id"])
    )
    assert_error(response, 403, "not_a_member")
    store = await store_row(rt, other["store"]["id"])
    assert store is not None and store.subdomain == other["store"]["subdomain"]
