"""POST /store: defaults, the caller becomes owner, time zones, subdomain rules, limits."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from bosonline.models import Store, StoreMember
from bosonline.runtime import Runtime
from tests.envelope import assert_data, assert_error, assert_validation
from tests.factories import add_staff, bearer, login, register, seller, unique, with_overrides
from tests.store.helpers import BAD_SUBDOMAINS, DEFAULT_SETTINGS, count, members_of_store, settings_row, store_row


def body(**overrides: Any) -> dict[str, Any]:
    return with_overrides({"name": "Toko Berkah", "subdomain": unique("toko"), "phone": "081298765432"}, overrides)


async def test_create_store_makes_the_caller_owner_with_default_settings(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    user = await register(client)
    body = {"name": "  Toko Berkah  ", "subdomain": "berkah-jaya", "phone": "+62 812 9876 5432"}
    data = assert_data(await client.post("/store", json=body, headers=user["headers"]), 201)
    assert data["name"] == "Toko Berkah"
    assert data["subdomain"] == "berkah-jaya"
    assert data["phone"] == "081298765432"
    assert data["phone_e164"] == "6281298765432"
    assert data["timezone"] == "Asia/Jakarta"
    assert data["status"] == "active"
    assert data["role"] == "owner"
    assert data["owner_id"] == user["user"]["id"]
    assert data["settings"] == DEFAULT_SETTINGS
    assert isinstance(data["id"], int) and isinstance(data["member_id"], int)
    assert data["created_at"] and data["updated_at"]

    store = await store_row(rt, data["id"])
    assert store is not None
    assert (store.name, store.subdomain, store.owner_id, store.timezone) == (
        "Toko Berkah",
        "berkah-jaya",
        user["user"]["id"],
        "Asia/Jakarta",
    )
    members = await members_of_store(rt, data["id"])
    assert [(m.id, m.user_id, m.role, m.status, m.removed_at) for m in members] == [
        (data["member_id"], user["user"]["id"], "owner", "active", None)
    ]
    settings = await settings_row(rt, data["id"])
    assert settings is not None
    assert settings.cod_fee_bps == 300
    assert (settings.unique_code_min, settings.unique_code_max, settings.unique_code_enabled) == (
        1,
        999,
        True,
    )

    # The new store is what GET /store answers with.
    current = await client.get("/store", headers=user["headers"])
    assert current.status_code == 200
    assert current.json()["data"] == data


async def test_create_store_accepts_indonesian_time_zones(client: httpx.AsyncClient, rt: Runtime) -> None:
    user = await register(client)
    for timezone in ("Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"):
        response = await client.post("/store", json=body(timezone=timezone), headers=user["headers"])
        assert response.status_code == 201, (timezone, response.text)
        data = response.json()["data"]
        assert data["timezone"] == timezone
        store = await store_row(rt, data["id"])
        assert store is not None and store.timezone == timezone


async def test_create_store_refuses_other_time_zones(client: httpx.AsyncClient, rt: Runtime) -> None:
    user = await register(client)
    for timezone in ("Europe/London", "UTC", "asia/jakarta", "WIB", "Asia/Singapore", "", None, 7):
        response = await client.post("/store", json=body(timezone=timezone), headers=user["headers"])
        assert_validation(response, "timezone", case=timezone)
    assert await count(rt, Store) == 0


async def test_create_store_accepts_and_normalizes_subdomains(client: httpx.AsyncClient, rt: Runtime) -> None:
    user = await register(client)
    for raw, stored in [
        ("TokoKu", "tokoku"),
        ("abc", "abc"),
        ("a1-b2-c3", "a1-b2-c3"),
        ("123", "123"),
        ("  spaced  ", "spaced"),
        ("a" * 30, "a" * 30),
    ]:
        response = await client.post("/store", json=body(subdomain=raw), headers=user["headers"])
        assert response.status_code == 201, (raw, response.text)
        assert response.json()["data"]["subdomain"] == stored
        store = await store_row(rt, response.json()["data"]["id"])
        assert store is not None and store.subdomain == stored


async def test_create_store_refuses_bad_subdomains(client: httpx.AsyncClient, rt: Runtime) -> None:
    user = await register(client)
    for subdomain in BAD_SUBDOMAINS:
        response = await client.post("/store", json=body(subdomain=subdomain), headers=user["headers"])
        assert_validation(response, "subdomain", case=subdomain)
    assert await count(rt, Store) == 0
    assert await count(rt, StoreMember) == 0


async def test_create_store_refuses_a_taken_subdomain(client: httpx.AsyncClient, rt: Runtime) -> None:
    first = await register(client)
    second = await register(client)
    created = await client.post("/store", json=body(subdomain="laris"), headers=first["headers"])
    assert created.status_code == 201
    for attempt in ("laris", "LARIS", " Laris "):
        response = await client.post("/store", json=body(subdomain=attempt), headers=second["headers"])
        assert_error(response, 409, "subdomain_taken")
    assert await count(rt, Store) == 1
    assert await count(rt, StoreMember, StoreMember.user_id == second["user"]["id"]) == 0


async def test_create_store_validates_every_field(client: httpx.AsyncClient, rt: Runtime) -> None:
    user = await register(client)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"name": ...}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": None}, "name"),
        ({"name": "Toko\x07"}, "name"),
        ({"subdomain": ...}, "subdomain"),
        ({"subdomain": None}, "subdomain"),
        ({"subdomain": 123}, "subdomain"),
        ({"phone": ...}, "phone"),
        ({"phone": "021-555-1234"}, "phone"),
        ({"phone": "12345"}, "phone"),
        ({"phone": "+1 202 555 0100"}, "phone"),
        ({"owner_id": 1}, "owner_id"),
        ({"status": "closed"}, "status"),
    ]
    for overrides, field in cases:
        response = await client.post("/store", json=body(**overrides), headers=user["headers"])
        assert_validation(response, field, case=overrides)
    assert await count(rt, Store) == 0


async def test_create_store_refuses_non_object_bodies(client: httpx.AsyncClient) -> None:
    user = await register(client)
    for payload in ([], "toko", 1):
        response = await client.post("/store", json=payload, headers=user["headers"])
        assert_error(response, 422, "validation_error")
    response = await client.post(
        "/store", content=b"{not json", headers={**user["headers"], "Content-Type": "application/json"}
    )
    assert_error(response, 400, "invalid_json")


async def test_create_store_needs_authentication(client: httpx.AsyncClient, rt: Runtime) -> None:
    response = await client.post("/store", json=body())
    assert_error(response, 401, "unauthorized")
    assert response.headers["www-authenticate"] == "Bearer"
    response = await client.post("/store", json=body(), headers={"Authorization": "Bearer not-a-token"})
    assert_error(response, 401, "invalid_token")
    assert await count(rt, Store) == 0


async def test_an_account_owns_at_most_twenty_stores(client: httpx.AsyncClient, rt: Runtime) -> None:
    user = await register(client)
    for _ in range(20):
        response = await client.post("/store", json=body(), headers=user["headers"])
        assert response.status_code == 201, response.text
    response = await client.post("/store", json=body(subdomain="satu-lagi"), headers=user["headers"])
    assert_error(response, 409, "store_limit")
    assert await count(rt, Store, Store.owner_id == user["user"]["id"]) == 20
    async with rt.db.session() as session:
        assert await session.scalar(select(Store.id).where(Store.subdomain == "satu-lagi")) is None
    # Someone else still can.
    other = await register(client)
    response = await client.post("/store", json=body(subdomain="satu-lagi"), headers=other["headers"])
    assert response.status_code == 201, response.text


async def test_being_staff_elsewhere_does_not_count_toward_the_store_limit(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    staff = await add_staff(client, owner["headers"], email="multi@example.com")
    assert staff["role"] == "cs"
    tokens = await login(client, "multi@example.com")
    response = await client.post("/store", json=body(), headers=bearer(tokens))
    assert response.status_code == 201, response.text
    assert response.json()["data"]["role"] == "owner"
