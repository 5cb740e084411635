"""GET /store/staff and GET /store/staff/{id}: listing, filters, pagination, bad ids."""

from __future__ import annotations

from typing import Any

import httpx

from tests.envelope import assert_error, assert_page, assert_validation
from tests.factories import add_staff, bearer, login, seller
from tests.staff.helpers import member_requests

STAFF_KEYS = {
    "id",
    "user_id",
    "name",
    "email",
    "phone",
    "phone_e164",
    "role",
    "status",
    "created_at",
    "updated_at",
}


async def crew(client: httpx.AsyncClient) -> dict[str, Any]:
    """An owner with an admin and three CS (one inactive)."""
    owner = await seller(client, name="Budi Pemilik", email="budi@example.com")
    admin = await add_staff(
        client,
        owner["headers"],
        role="admin",
        name="Andi Admin",
        phone="081311110001",
        email="andi@example.com",
    )
    siti = await add_staff(client, owner["headers"], name="Siti Aminah", phone="081311110002", email="siti@example.com")
    rina = await add_staff(client, owner["headers"], name="Rina Wati", phone="081311110003", email="rina@example.com")
    dewi = await add_staff(
        client, owner["headers"], name="Dewi Sartika", phone="085711110004", email="dewi@example.com"
    )
    paused = await client.patch(
        f"/store/staff/{dewi['id']}/status", json={"status": "inactive"}, headers=owner["headers"]
    )
    assert paused.status_code == 200
    return {"owner": owner, "admin": admin, "siti": siti, "rina": rina, "dewi": dewi}


async def staff_list(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    return assert_page(await client.get("/store/staff", params=params, headers=headers))


async def test_list_shows_every_member_oldest_first(client: httpx.AsyncClient) -> None:
    team = await crew(client)
    owner = team["owner"]
    body = await staff_list(client, owner["headers"])
    assert body["meta"] == {"next_cursor": None, "total": 5}
    rows = body["data"]
    assert [r["id"] for r in rows] == [
        owner["store"]["member_id"],
        team["admin"]["id"],
        team["siti"]["id"],
        team["rina"]["id"],
        team["dewi"]["id"],
    ]
    assert all(set(r) == STAFF_KEYS for r in rows)
    assert [(r["role"], r["status"]) for r in rows] == [
        ("owner", "active"),
        ("admin", "active"),
        ("cs", "active"),
        ("cs", "active"),
        ("cs", "inactive"),
    ]
    assert rows[0]["email"] == "budi@example.com"
    assert rows[0]["user_id"] == owner["user"]["id"]
    assert (rows[2]["name"], rows[2]["email"], rows[2]["phone"], rows[2]["phone_e164"]) == (
        "Siti Aminah",
        "siti@example.com",
        "081311110002",
        "6281311110002",
    )


async def test_list_filters(client: httpx.AsyncClient) -> None:
    team = await crew(client)
    cases: list[tuple[dict[str, str], list[str]]] = [
        ({"role": "cs"}, ["Siti Aminah", "Rina Wati", "Dewi Sartika"]),
        ({"role": "admin"}, ["Andi Admin"]),
        ({"role": "owner"}, ["Budi Pemilik"]),
        ({"status": "inactive"}, ["Dewi Sartika"]),
        ({"status": "active", "role": "cs"}, ["Siti Aminah", "Rina Wati"]),
        ({"q": "siti"}, ["Siti Aminah"]),
        ({"q": "WATI"}, ["Rina Wati"]),
        ({"q": "a"}, ["Andi Admin", "Siti Aminah", "Rina Wati", "Dewi Sartika"]),
        ({"q": "8571111"}, ["Dewi Sartika"]),
        ({"q": "0857"}, ["Dewi Sartika"]),
        ({"q": "0857-1111"}, ["Dewi Sartika"]),
        ({"q": "+62 857"}, ["Dewi Sartika"]),
        ({"q": "0811"}, []),
        ({"q": "nobody"}, []),
        ({"q": "%"}, []),
        ({"q": "_"}, []),
        ({"q": "S%i"}, []),
        ({"q": "sart", "status": "active"}, []),
    ]
    for params, names in cases:
        body = await staff_list(client, team["owner"]["headers"], **params)
        assert [r["name"] for r in body["data"]] == names, params
        assert body["meta"]["total"] == len(names), params


async def test_list_paginates_with_total(client: httpx.AsyncClient) -> None:
    team = await crew(client)
    headers = team["owner"]["headers"]
    everything = [r["id"] for r in (await staff_list(client, headers))["data"]]
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        body = await staff_list(client, headers, **params)
        assert body["meta"]["total"] == 5
        assert len(body["data"]) <= 2
        seen += [r["id"] for r in body["data"]]
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            break
    assert seen == everything

    # Filters and pages together: total counts the filter, pages follow it.
    first = await staff_list(client, headers, role="cs", limit=1)
    assert [r["name"] for r in first["data"]] == ["Siti Aminah"] and first["meta"]["total"] == 3
    second = await staff_list(client, headers, role="cs", limit=1, cursor=first["meta"]["next_cursor"])
    assert [r["name"] for r in second["data"]] == ["Rina Wati"] and second["meta"]["total"] == 3


async def test_list_refuses_bad_parameters(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"role": "boss"}, "role"),
        ({"role": "OWNER"}, "role"),
        ({"status": "removed"}, "status"),
        ({"q": ""}, "q"),
        ({"q": "x" * 101}, "q"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"cursor": "garbage!"}, "cursor"),
    ]
    for params, field in cases:
        response = await client.get("/store/staff", params=params, headers=owner["headers"])
        assert_validation(response, field, case=params)


async def test_admin_can_read_staff(client: httpx.AsyncClient) -> None:
    team = await crew(client)
    admin = bearer(await login(client, "andi@example.com"))
    body = await staff_list(client, admin)
    assert body["meta"]["total"] == 5
    response = await client.get(f"/store/staff/{team['siti']['id']}", headers=admin)
    assert response.status_code == 200
    assert response.json()["data"]["name"] == "Siti Aminah"


async def test_get_one_member(client: httpx.AsyncClient) -> None:
    team = await crew(client)
    owner = team["owner"]
    response = await client.get(f"/store/staff/{team['rina']['id']}", headers=owner["headers"])
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"data"}
    assert response.json()["data"] == team["rina"]
    me = await client.get(f"/store/staff/{owner['store']['member_id']}", headers=owner["headers"])
    assert me.status_code == 200
    assert (me.json()["data"]["role"], me.json()["data"]["user_id"]) == ("owner", owner["user"]["id"])


async def test_malformed_staff_ids_are_validation_errors(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    for staff_id in ["0", "-1", "abc", "1.5", str(2**53 + 1), str(2**64), "9" * 40, "1e3"]:
        for method, path, payload in member_requests(staff_id):
            response = await client.request(method, path, json=payload, headers=headers)
            assert_validation(response, "staff_id", case=(method, staff_id))


async def test_missing_staff_ids_are_not_found(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    for staff_id in [999999, 2**53, 2**31 + 7]:
        for method, path, payload in member_requests(staff_id):
            response = await client.request(method, path, json=payload, headers=headers)
            assert_error(response, 404, "not_found", message="Record not found", case=(method, staff_id))
