"""PUT /store: partial updates of the store and its settings, validation, and who may do it."""

from __future__ import annotations

from datetime import time
from typing import Any

import httpx

from bosonline.kit.clock import FrozenClock
from bosonline.runtime import Runtime
from tests.envelope import assert_data, assert_error, assert_validation, fields, refusals
from tests.factories import bearer, create_store, seller, staff_headers
from tests.store.helpers import DEFAULT_SETTINGS, settings_row, store_row


async def put_store(client: httpx.AsyncClient, headers: dict[str, str], payload: Any) -> httpx.Response:
    return await client.put("/store", json=payload, headers=headers)


async def test_only_the_fields_sent_change(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock) -> None:
    owner = await seller(client)
    before = owner["store"]
    clock.advance(minutes=5)
    after = assert_data(await put_store(client, owner["headers"], {"name": "Toko Baru"}))
    assert after["name"] == "Toko Baru"
    for key in ("subdomain", "phone", "timezone", "settings", "owner_id", "member_id", "role", "created_at"):
        assert after[key] == before[key], key
    assert after["updated_at"] != before["updated_at"]

    data = assert_data(
        await put_store(client, owner["headers"], {"phone": "0813-1111-2222", "timezone": "Asia/Jayapura"})
    )
    expected = ("Toko Baru", "081311112222", "6281311112222", "Asia/Jayapura")
    assert fields(data, "name", "phone", "phone_e164", "timezone") == expected
    store = await store_row(rt, before["id"])
    assert store is not None
    assert (store.name, store.phone, store.timezone) == ("Toko Baru", "6281311112222", "Asia/Jayapura")
    assert data == (await client.get("/store", headers=owner["headers"])).json()["data"]


async def test_settings_change_one_by_one(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    store_id = owner["store"]["id"]
    response = await put_store(client, owner["headers"], {"settings": {"cod_fee_percent": 2.5}})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["settings"] == {**DEFAULT_SETTINGS, "cod_fee_percent": 2.5}

    changes = {
        "unique_code_enabled": False,
        "unique_code_min": 100,
        "unique_code_max": 500,
        "quiet_hours_start": "22:30",
        "quiet_hours_end": "06:15",
    }
    response = await put_store(client, owner["headers"], {"settings": changes})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["settings"] == {"cod_fee_percent": 2.5, "cs_sees_all_orders": False, **changes}

    response = await put_store(client, owner["headers"], {"settings": {"cs_sees_all_orders": True}})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["settings"]["cs_sees_all_orders"] is True
    assert response.json()["data"]["name"] == owner["store"]["name"]

    settings = await settings_row(rt, store_id)
    assert settings is not None
    assert settings.cod_fee_bps == 250
    assert (settings.unique_code_enabled, settings.unique_code_min, settings.unique_code_max) == (
        False,
        100,
        500,
    )
    assert (settings.quiet_hours_start, settings.quiet_hours_end) == (time(22, 30), time(6, 15))


async def test_cod_fee_accepts_two_decimals_between_0_and_100(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    cases: list[tuple[Any, int, float]] = [
        (0, 0, 0.0),
        (100, 10000, 100.0),
        ("12.34", 1234, 12.34),
        (0.01, 1, 0.01),
        (99.99, 9999, 99.99),
        (7, 700, 7.0),
        (4.1, 410, 4.1),
        ("3.50", 350, 3.5),
    ]
    for value, stored_bps, shown in cases:
        response = await put_store(client, owner["headers"], {"settings": {"cod_fee_percent": value}})
        assert response.status_code == 200, (value, response.text)
        assert response.json()["data"]["settings"]["cod_fee_percent"] == shown, value
        settings = await settings_row(rt, owner["store"]["id"])
        assert settings is not None and settings.cod_fee_bps == stored_bps, value


# Each setting with the values it refuses (the 422 names `settings.<setting>`); then a range upside down.
BAD_SETTINGS = refusals(
    {
        "cod_fee_percent": [3.555, "0.001", -0.01, 100.01, "abc", "NaN", "Infinity", None],
        "unique_code_enabled": [None, "maybe"],
        "unique_code_min": [0, 1.5, None],
        "unique_code_max": [1000],
        "quiet_hours_start": ["24:00", "7:00"],
        "quiet_hours_end": ["07:60", "0700", "07:00:00", "", None, 700],
        "cod_fee_bps": [300],  # the stored name is not the API's
    },
    prefix="settings.",
)
BAD_SETTINGS.append(({"unique_code_min": 500, "unique_code_max": 100}, "settings.unique_code_min"))


async def test_bad_settings_are_refused_and_nothing_changes(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    for settings, field in BAD_SETTINGS:
        # Another valid change in the same request must not be applied either.
        response = await put_store(client, owner["headers"], {"name": "Tidak Jadi", "settings": settings})
        assert_validation(response, field, case=settings)
        current = (await client.get("/store", headers=owner["headers"])).json()["data"]
        assert current["name"] == owner["store"]["name"], settings
        assert current["settings"] == DEFAULT_SETTINGS, settings
    stored = await settings_row(rt, owner["store"]["id"])
    assert stored is not None
    assert (stored.cod_fee_bps, stored.unique_code_min, stored.unique_code_max) == (300, 1, 999)
    assert (stored.quiet_hours_start, stored.quiet_hours_end) == (time(21, 0), time(8, 0))
    store = await store_row(rt, owner["store"]["id"])
    assert store is not None and store.name == owner["store"]["name"]


async def test_unique_code_range_is_checked_against_the_stored_bounds(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    response = await put_store(client, owner["headers"], {"settings": {"unique_code_max": 50}})
    assert response.status_code == 200, response.text
    response = await put_store(client, owner["headers"], {"settings": {"unique_code_min": 51}})
    assert_validation(response, "settings.unique_code_min")
    response = await put_store(client, owner["headers"], {"settings": {"unique_code_min": 50}})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["settings"]["unique_code_min"] == 50
    assert response.json()["data"]["settings"]["unique_code_max"] == 50
    settings = await settings_row(rt, owner["store"]["id"])
    assert settings is not None and (settings.unique_code_min, settings.unique_code_max) == (50, 50)


async def test_bad_store_edits_are_refused(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    cases: list[tuple[Any, str]] = [({}, "body"), ([], "body"), ({"settings": {"unknown": 1}}, "settings.unknown")]
    cases += refusals(
        {
            "name": [None, "", "x" * 101],
            "phone": [None, "0215551234"],
            "timezone": [None, "Asia/Singapore"],
            "settings": [None, "3"],
            "subdomain": ["lewat-sini"],  # changed on its own route
            "owner_id": [99],
            "status": ["closed"],
        }
    )
    for payload, field in cases:
        assert_validation(await put_store(client, owner["headers"], payload), field, case=payload)
    store = await store_row(rt, owner["store"]["id"])
    assert store is not None
    assert (store.name, store.subdomain, store.phone, store.timezone, store.status, store.owner_id) == (
        owner["store"]["name"],
        owner["store"]["subdomain"],
        owner["store"]["phone_e164"],
        "Asia/Jakarta",
        "active",
        owner["user"]["id"],
    )


async def test_cs_cannot_edit_the_store_but_admin_can(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    cs = await staff_headers(client, owner["headers"], role="cs", email="cs@example.com")
    admin = await staff_headers(client, owner["headers"], role="admin", email="admin@example.com")

    assert (await client.get("/store", headers=cs)).json()["data"]["role"] == "cs"
    for payload in ({"name": "Punya CS"}, {"settings": {"cod_fee_percent": 0}}):
        assert_error(await put_store(client, cs, payload), 403, "permission_denied")
    refused = await client.put("/store/subdomain", json={"subdomain": "punya-cs"}, headers=cs)
    assert_error(refused, 403, "permission_denied")
    store = await store_row(rt, owner["store"]["id"])
    assert store is not None and store.name == owner["store"]["name"]
    settings = await settings_row(rt, owner["store"]["id"])
    assert settings is not None and settings.cod_fee_bps == 300

    response = await put_store(client, admin, {"name": "Diubah Admin", "settings": {"cod_fee_percent": 1.5}})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert (data["name"], data["role"], data["settings"]["cod_fee_percent"]) == ("Diubah Admin", "admin", 1.5)
    # The owner sees the admin's change; ownership did not move.
    seen = (await client.get("/store", headers=owner["headers"])).json()["data"]
    assert (seen["name"], seen["owner_id"], seen["role"]) == ("Diubah Admin", owner["user"]["id"], "owner")


async def test_edits_apply_to_the_store_named_in_the_header_only(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    second = await create_store(client, owner["headers"], name="Kedua")
    assert_error(await put_store(client, owner["headers"], {"name": "Mana?"}), 400, "store_required")
    response = await put_store(client, bearer(owner["tokens"], second["id"]), {"name": "Kedua Baru"})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["id"] == second["id"]
    first = await store_row(rt, owner["store"]["id"])
    other = await store_row(rt, second["id"])
    assert first is not None and other is not None
    assert (first.name, other.name) == (owner["store"]["name"], "Kedua Baru")
