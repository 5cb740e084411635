"""Bad warehouse input: a 422 naming the field, never a 500, never a partial write."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.envelope import assert_error, assert_validation
from tests.factories import register, seller
from tests.warehouse.helpers import (
    DEPOK_POSTAL,
    SENAYAN_POSTAL,
    create_warehouse,
    warehouse_body,
    warehouse_row,
    warehouses_of,
)

BAD_FIELDS: list[tuple[str, Any]] = [
    # region_code: malformed, unknown, or not a district/village
    ("region_code", "abc"),
    ("region_code", "32.76.1"),
    ("region_code", "32-76-01"),
    ("region_code", "327601100"),
    ("region_code", "32.76.01.10066"),
    ("region_code", ""),
    ("region_code", "3" * 21),
    ("region_code", 3276011006),
    ("region_code", None),
    ("region_code", "32.76.01.9999"),  # well-formed, no such village
    ("region_code", "99.99.99"),
    ("region_code", "32"),  # a province
    ("region_code", "3276"),  # a city
    # postal_code: malformed, or not the region's
    ("postal_code", "1643"),
    ("postal_code", "164311"),
    ("postal_code", "16 431"),
    ("postal_code", "abcde"),
    ("postal_code", 16431),
    ("postal_code", SENAYAN_POSTAL),  # Senayan's, not Depok's
    # phone
    ("contact_phone", "12345"),
    ("contact_phone", "021-555-1234"),  # a landline
    ("contact_phone", "+1 415 555 0100"),
    ("contact_phone", ""),
    ("contact_phone", "0812" + "3" * 30),
    # strings: empty, too long, control characters
    ("name", ""),
    ("name", "   "),
    ("name", "x" * 101),
    ("name", "Gudang\nDepok"),
    ("contact_name", ""),
    ("contact_name", "x" * 101),
    ("address", ""),
    ("address", "x" * 501),
    ("address", "Jl. Margonda\x00"),
    ("address", "Jl. Margonda\nNo. 1"),
    ("is_default", "maybe"),
]


@pytest.mark.parametrize(("field", "value"), BAD_FIELDS)
async def test_bad_fields_are_422_and_write_nothing(
    client: httpx.AsyncClient, rt: Runtime, field: str, value: Any
) -> None:
    account = await register(client)
    response = await client.post(
        "/profile/warehouse", json=warehouse_body(**{field: value}), headers=account["headers"]
    )
    assert_validation(response, field, case=(field, value))
    assert await warehouses_of(rt, account["user"]["id"]) == []


async def test_bad_fields_on_edit_change_nothing(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await register(client)
    warehouse = await create_warehouse(client, account["headers"])
    before = await warehouse_row(rt, warehouse["id"])
    for field, value in BAD_FIELDS:
        if field == "is_default":
            continue
        response = await client.put(
            f"/profile/warehouse/{warehouse['id']}",
            json=warehouse_body(**{field: value}),
            headers=account["headers"],
        )
        assert_validation(response, field, case=(field, value))
    after = await warehouse_row(rt, warehouse["id"])
    assert (after.name, after.region_code, after.postal_code, after.updated_at) == (
        before.name,
        before.region_code,
        before.postal_code,
        before.updated_at,
    )


async def test_messages_say_what_is_wrong(client: httpx.AsyncClient) -> None:
    account = await register(client)

    async def fields_of(**overrides: Any) -> dict[str, str]:
        response = await client.post("/profile/warehouse", json=warehouse_body(**overrides), headers=account["headers"])
        return assert_validation(response)["fields"]  # type: ignore[no-any-return]

    assert "Kemendagri code" in (await fields_of(region_code="abc"))["region_code"]
    assert (await fields_of(region_code="32.76.01.9999"))["region_code"] == "no region has this code"
    assert "regency or city (Kota Depok, Jawa Barat)" in (await fields_of(region_code="32.76"))["region_code"]
    assert "province" in (await fields_of(region_code="32"))["region_code"]
    assert DEPOK_POSTAL in (await fields_of(postal_code=SENAYAN_POSTAL))["postal_code"]
    assert "Pancoran Mas" in (await fields_of(region_code="32.76.01", postal_code=SENAYAN_POSTAL))["postal_code"]
    assert (await fields_of(postal_code="1643"))["postal_code"] == "must be 5 digits"
    assert "mobile" in (await fields_of(contact_phone="021-555-1234"))["contact_phone"]


async def test_missing_and_unknown_keys(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await register(client)
    for field in ("name", "contact_name", "contact_phone", "address", "region_code"):
        response = await client.post(
            "/profile/warehouse", json=warehouse_body(**{field: ...}), headers=account["headers"]
        )
        assert_validation(response, field, case=field)
    for extra in ({"owner_id": 1}, {"deleted_at": None}, {"store_ids": [1]}, {"id": 5}):
        response = await client.post(
            "/profile/warehouse", json={**warehouse_body(), **extra}, headers=account["headers"]
        )
        assert_validation(response, *extra, case=extra)
    for body in ([], "gudang", None, {}):
        response = await client.post("/profile/warehouse", json=body, headers=account["headers"])
        assert response.status_code == 422, (body, response.text)
    broken = await client.post(
        "/profile/warehouse",
        content=b'{"name": ',
        headers={**account["headers"], "content-type": "application/json"},
    )
    assert_error(broken, 400, "invalid_json")
    assert await warehouses_of(rt, account["user"]["id"]) == []


async def test_path_ids_are_bounded(client: httpx.AsyncClient) -> None:
    account = await register(client)
    for bad in ("0", str(2**53 + 1)):
        assert_validation(
            await client.get(f"/profile/warehouse/{bad}", headers=account["headers"]),
            "warehouse_id",
            case=bad,
        )
    for unrouted in ("abc", "1.5", "-1"):
        response = await client.get(f"/profile/warehouse/{unrouted}", headers=account["headers"])
        assert_error(response, 404, "not_found", case=unrouted)
    assert_error(await client.get("/profile/warehouse/999999", headers=account["headers"]), 404, "not_found")
    for bad in ({"limit": 0}, {"limit": 101}, {"cursor": "not-a-cursor"}, {"cursor": "WyJ4Il0"}):
        response = await client.get("/profile/warehouse", params=bad, headers=account["headers"])
        assert_validation(response, *bad, case=bad)


async def test_store_warehouse_list_body_is_bounded(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    warehouse = await create_warehouse(client, owner["headers"])
    for body, field in (
        ({"warehouse_ids": []}, "warehouse_ids"),
        ({"warehouse_ids": [warehouse["id"], warehouse["id"]]}, "warehouse_ids"),
        ({"warehouse_ids": list(range(1, 52))}, "warehouse_ids"),
        ({"warehouse_ids": [0]}, "warehouse_ids.0"),
        ({"warehouse_ids": [2**53 + 1]}, "warehouse_ids.0"),
        ({"warehouse_ids": ["x"]}, "warehouse_ids.0"),
        ({"warehouse_ids": None}, "warehouse_ids"),
        ({}, "warehouse_ids"),
        ({"warehouse_ids": [warehouse["id"]], "store_id": 1}, "store_id"),
    ):
        response = await client.put("/store/warehouse", json=body, headers=owner["headers"])
        assert_validation(response, field, case=body)


async def test_every_route_needs_a_login(client: httpx.AsyncClient) -> None:
    for method, path in (
        ("GET", "/profile/warehouse"),
        ("POST", "/profile/warehouse"),
        ("GET", "/profile/warehouse/1"),
        ("PUT", "/profile/warehouse/1"),
        ("PATCH", "/profile/warehouse/1/default"),
        ("DELETE", "/profile/warehouse/1"),
        ("GET", "/store/warehouse"),
        ("PUT", "/store/warehouse"),
    ):
        response = await client.request(method, path, json=warehouse_body())
        assert_error(response, 401, "unauthorized", case=(method, path))
