"""PUT /store/staff/{id}, PATCH /store/staff/{id}/status and DELETE /store/staff/{id}."""

from __future__ import annotations

from typing import Any

import httpx

from bosonline.kit.clock import FrozenClock
from bosonline.runtime import Runtime
from tests.envelope import assert_data, assert_error, assert_validation, fields, refusals
from tests.factories import add_staff, bearer, login, seller
from tests.store.helpers import member_row


async def team(client: httpx.AsyncClient) -> tuple[dict[str, Any], dict[str, Any]]:
    owner = await seller(client)
    cs = await add_staff(client, owner["headers"], email="putri@example.com", name="Putri CS")
    return owner, cs


async def test_edit_name_phone_and_role(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock) -> None:
    owner, cs = await team(client)
    clock.advance(minutes=3)
    data = assert_data(
        await client.put(f"/store/staff/{cs['id']}", json={"name": "Putri Ayu"}, headers=owner["headers"])
    )
    assert (data["name"], data["phone"], data["role"], data["status"], data["email"]) == (
        "Putri Ayu",
        cs["phone"],
        "cs",
        "active",
        "putri@example.com",
    )
    assert data["updated_at"] != cs["updated_at"] and data["created_at"] == cs["created_at"]

    edit = {"phone": "0857-2222-3333", "role": "admin"}
    data = assert_data(await client.put(f"/store/staff/{cs['id']}", json=edit, headers=owner["headers"]))
    expected = ("Putri Ayu", "085722223333", "6285722223333", "admin")
    assert fields(data, "name", "phone", "phone_e164", "role") == expected
    member = await member_row(rt, cs["id"])
    assert member is not None
    assert (member.name, member.phone, member.role) == ("Putri Ayu", "6285722223333", "admin")

    # The new role applies at once; the account's own profile is untouched.
    tokens = await login(client, "putri@example.com")
    assert (await client.get("/store/staff", headers=bearer(tokens))).status_code == 200
    profile = await client.get("/profile/me", headers=bearer(tokens))
    assert profile.json()["data"]["user"]["name"] == "Putri CS"

    back = await client.put(f"/store/staff/{cs['id']}", json={"role": "cs"}, headers=owner["headers"])
    assert back.status_code == 200 and back.json()["data"]["role"] == "cs"
    assert_error(await client.get("/store/staff", headers=bearer(tokens)), 403, "permission_denied")


async def test_bad_edits_are_refused(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, cs = await team(client)
    cases: list[tuple[Any, str]] = [({}, "body"), ({"name": "Sah", "role": "owner"}, "role")]
    cases += refusals(
        {
            "name": [None, "", "x" * 101],
            "phone": [None, "12345"],
            "role": [None, "owner", "boss"],
            "email": ["baru@example.com"],  # not editable here: each of these is the account's own
            "status": ["inactive"],
            "password": ["password-baru"],
        }
    )
    for payload, field in cases:
        response = await client.put(f"/store/staff/{cs['id']}", json=payload, headers=owner["headers"])
        assert_validation(response, field, case=payload)
    member = await member_row(rt, cs["id"])
    assert member is not None
    assert (member.name, member.phone, member.role, member.status) == (
        "Putri CS",
        cs["phone_e164"],
        "cs",
        "active",
    )


async def test_deactivate_and_reactivate(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, cs = await team(client)
    tokens = await login(client, "putri@example.com")
    assert (await client.get("/store", headers=bearer(tokens))).status_code == 200

    response = await client.patch(
        f"/store/staff/{cs['id']}/status", json={"status": "inactive"}, headers=owner["headers"]
    )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["status"] == "inactive"
    member = await member_row(rt, cs["id"])
    assert member is not None and member.status == "inactive" and member.removed_at is None

    assert_error(await client.get("/store", headers=bearer(tokens)), 403, "member_inactive")
    assert_error(await client.get("/store", headers=bearer(tokens, owner["store"]["id"])), 403, "member_inactive")
    # Still listed for the owner, as inactive.
    listed = await client.get("/store/staff", params={"status": "inactive"}, headers=owner["headers"])
    assert [r["id"] for r in listed.json()["data"]] == [cs["id"]]
    # Deactivating again is harmless.
    again = await client.patch(f"/store/staff/{cs['id']}/status", json={"status": "inactive"}, headers=owner["headers"])
    assert again.status_code == 200 and again.json()["data"]["status"] == "inactive"

    response = await client.patch(
        f"/store/staff/{cs['id']}/status", json={"status": "active"}, headers=owner["headers"]
    )
    assert response.status_code == 200 and response.json()["data"]["status"] == "active"
    current = await client.get("/store", headers=bearer(tokens))
    assert current.status_code == 200 and current.json()["data"]["role"] == "cs"


async def test_bad_status_is_refused(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, cs = await team(client)
    for payload in [
        {},
        {"status": None},
        {"status": "removed"},
        {"status": "ACTIVE"},
        {"status": "active", "x": 1},
        {"status": True},
    ]:
        response = await client.patch(f"/store/staff/{cs['id']}/status", json=payload, headers=owner["headers"])
        assert_error(response, 422, "validation_error", case=payload)
    member = await member_row(rt, cs["id"])
    assert member is not None and member.status == "active"


async def test_remove_a_member(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, cs = await team(client)
    tokens = await login(client, "putri@example.com")
    response = await client.delete(f"/store/staff/{cs['id']}", headers=owner["headers"])
    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"id": cs["id"], "deleted": True}}

    member = await member_row(rt, cs["id"])
    assert member is not None and member.removed_at is not None  # kept for history

    # They can no longer act in the store...
    assert_error(await client.get("/store", headers=bearer(tokens, owner["store"]["id"])), 403, "not_a_member")
    assert_error(await client.get("/store", headers=bearer(tokens)), 404, "no_store")
    # ...their account still works...
    fresh = await login(client, "putri@example.com")
    profile = await client.get("/profile/me", headers=bearer(fresh))
    assert profile.status_code == 200 and profile.json()["data"]["stores"] == []
    # ...and the store no longer shows them.
    listed = await client.get("/store/staff", headers=owner["headers"])
    assert cs["id"] not in [r["id"] for r in listed.json()["data"]]
    assert listed.json()["meta"]["total"] == 1
    for response in (
        await client.get(f"/store/staff/{cs['id']}", headers=owner["headers"]),
        await client.put(f"/store/staff/{cs['id']}", json={"name": "X"}, headers=owner["headers"]),
        await client.patch(f"/store/staff/{cs['id']}/status", json={"status": "active"}, headers=owner["headers"]),
        await client.delete(f"/store/staff/{cs['id']}", headers=owner["headers"]),
    ):
        assert_error(response, 404, "not_found", message="Record not found")
    member = await member_row(rt, cs["id"])
    assert member is not None and member.removed_at is not None and member.status == "inactive"


async def test_removing_from_one_store_keeps_the_other(client: httpx.AsyncClient) -> None:
    first = await seller(client)
    second = await seller(client)
    in_first = await add_staff(client, first["headers"], email="dua@example.com")
    await add_staff(client, second["headers"], email="dua@example.com", password=None)
    tokens = await login(client, "dua@example.com")
    assert (await client.delete(f"/store/staff/{in_first['id']}", headers=first["headers"])).status_code == 200
    # Only one store left, so no header is needed any more.
    current = await client.get("/store", headers=bearer(tokens))
    assert current.status_code == 200 and current.json()["data"]["id"] == second["store"]["id"]
