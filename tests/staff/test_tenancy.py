"""Tenancy: one seller never sees nor touches another seller's store or staff."""

from __future__ import annotations

from typing import Any

import httpx

from bosonline.runtime import Runtime
from tests.envelope import assert_error
from tests.factories import add_staff, bearer, login, seller, staff_headers
from tests.staff.helpers import member_requests, staff_body
from tests.store.helpers import member_row, settings_row, store_row


async def two_sellers(client: httpx.AsyncClient) -> tuple[dict[str, Any], dict[str, Any]]:
    a = await seller(client, email="a@example.com")
    b = await seller(client, email="b@example.com")
    a["cs"] = await add_staff(client, a["headers"], email="a-cs@example.com", name="CS Toko A")
    b["cs"] = await add_staff(client, b["headers"], email="b-cs@example.com", name="CS Toko B")
    b["admin"] = await add_staff(client, b["headers"], email="b-admin@example.com", name="Admin Toko B", role="admin")
    return a, b


async def snapshot(rt: Runtime, member_id: int) -> tuple[Any, ...]:
    member = await member_row(rt, member_id)
    assert member is not None
    return (
        member.store_id,
        member.user_id,
        member.name,
        member.phone,
        member.role,
        member.status,
        member.removed_at,
        member.updated_at,
    )


async def test_another_stores_staff_id_is_not_found(client: httpx.AsyncClient, rt: Runtime) -> None:
    a, b = await two_sellers(client)
    for target in ("cs", "admin", "owner"):
        member_id = b["store"]["member_id"] if target == "owner" else b[target]["id"]
        before = await snapshot(rt, member_id)
        for headers in (a["headers"], bearer(a["tokens"], a["store"]["id"])):
            for method, path, payload in member_requests(member_id, {"name": "Dibajak", "role": "cs"}):
                response = await client.request(method, path, json=payload, headers=headers)
                error = assert_error(response, 404, "not_found", message="Record not found", case=(target, method))
                assert "fields" not in error
                assert "Toko B" not in response.text and "b@example.com" not in response.text
        assert await snapshot(rt, member_id) == before, target
        # B still has them, untouched.
        seen = await client.get(f"/store/staff/{member_id}", headers=b["headers"])
        assert seen.status_code == 200 and seen.json()["data"]["status"] == "active"


async def test_an_admin_of_a_cannot_reach_b_either(client: httpx.AsyncClient, rt: Runtime) -> None:
    a, b = await two_sellers(client)
    admin = await staff_headers(client, a["headers"], role="admin", email="a-admin@example.com")
    before = await snapshot(rt, b["cs"]["id"])
    assert_error(await client.get(f"/store/staff/{b['cs']['id']}", headers=admin), 404, "not_found")
    assert_error(await client.delete(f"/store/staff/{b['cs']['id']}", headers=admin), 404, "not_found")
    assert await snapshot(rt, b["cs"]["id"]) == before


async def test_naming_another_store_in_the_header_is_forbidden(client: httpx.AsyncClient, rt: Runtime) -> None:
    a, b = await two_sellers(client)
    foreign = bearer(a["tokens"], b["store"]["id"])
    member_id = b["cs"]["id"]
    before = await snapshot(rt, member_id)
    requests: list[tuple[str, str, Any]] = [
        ("GET", "/store", None),
        ("PUT", "/store", {"name": "Dibajak"}),
        ("PUT", "/store", {"settings": {"cod_fee_percent": 50}}),
        ("PUT", "/store/subdomain", {"subdomain": "dibajak"}),
        ("GET", "/store/staff", None),
        (
            "POST",
            "/store/staff",
            staff_body(name="Penyusup", phone="081311112222", email="x@example.com", role="admin"),
        ),
        *member_requests(member_id, {"name": "Dibajak"}),
    ]
    for method, path, payload in requests:
        response = await client.request(method, path, json=payload, headers=foreign)
        assert_error(response, 403, "not_a_member")
        assert "Toko B" not in response.text
    # The same for B's CS naming A's store.
    b_cs = bearer(await login(client, "b-cs@example.com"), a["store"]["id"])
    assert_error(await client.get("/store", headers=b_cs), 403, "not_a_member")

    assert await snapshot(rt, member_id) == before
    store = await store_row(rt, b["store"]["id"])
    assert store is not None
    assert (store.name, store.subdomain) == (b["store"]["name"], b["store"]["subdomain"])
    settings = await settings_row(rt, b["store"]["id"])
    assert settings is not None and settings.cod_fee_bps == 300
    staff = await client.get("/store/staff", headers=b["headers"])
    assert [r["name"] for r in staff.json()["data"]] == ["Budi Santoso", "CS Toko B", "Admin Toko B"]


async def test_lists_show_only_ones_own_stores_and_staff(client: httpx.AsyncClient) -> None:
    a, b = await two_sellers(client)
    listed = await client.get("/store/list", headers=a["headers"])
    assert [s["id"] for s in listed.json()["data"]] == [a["store"]["id"]]
    assert listed.json()["meta"]["total"] == 1

    me = await client.get("/profile/me", headers=a["headers"])
    assert me.status_code == 200, me.text
    assert [(s["store_id"], s["role"]) for s in me.json()["data"]["stores"]] == [(a["store"]["id"], "owner")]
    assert b["store"]["subdomain"] not in me.text

    staff = await client.get("/store/staff", headers=a["headers"])
    assert [r["id"] for r in staff.json()["data"]] == [a["store"]["member_id"], a["cs"]["id"]]
    assert staff.json()["meta"]["total"] == 2
    for q in ("Toko B", "b-cs", "Admin"):
        found = await client.get("/store/staff", params={"q": q}, headers=a["headers"])
        assert found.json() == {"data": [], "meta": {"next_cursor": None, "total": 0}}

    current = await client.get("/store", headers=a["headers"])
    assert current.json()["data"]["id"] == a["store"]["id"]


async def test_a_cursor_cannot_lead_into_another_store(client: httpx.AsyncClient) -> None:
    a, b = await two_sellers(client)
    first = await client.get("/store/staff", params={"limit": 1}, headers=b["headers"])
    cursor = first.json()["meta"]["next_cursor"]
    assert cursor
    response = await client.get("/store/staff", params={"cursor": cursor}, headers=a["headers"])
    assert response.status_code == 200
    assert {r["id"] for r in response.json()["data"]} <= {a["store"]["member_id"], a["cs"]["id"]}


async def test_attaching_bs_staff_to_a_leaves_their_place_in_b_alone(client: httpx.AsyncClient, rt: Runtime) -> None:
    a, b = await two_sellers(client)
    before = await snapshot(rt, b["cs"]["id"])
    attached = await add_staff(client, a["headers"], email="b-cs@example.com", password=None, name="Juga di A")
    assert attached["user_id"] == b["cs"]["user_id"]
    assert attached["id"] != b["cs"]["id"]
    assert await snapshot(rt, b["cs"]["id"]) == before

    # A removes them from A: B is untouched, and the person still works in B.
    assert (await client.delete(f"/store/staff/{attached['id']}", headers=a["headers"])).status_code == 200
    assert await snapshot(rt, b["cs"]["id"]) == before
    tokens = await login(client, "b-cs@example.com")
    current = await client.get("/store", headers=bearer(tokens))
    assert current.status_code == 200 and current.json()["data"]["id"] == b["store"]["id"]
