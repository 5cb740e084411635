"""Who may manage whom: owner manages admin and CS, admin manages CS, CS manages nobody; the owner is
protected from everyone and nobody manages themselves."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.envelope import assert_data, assert_error
from tests.factories import add_staff, bearer, login, seller
from tests.staff.helpers import member_changes, staff_body
from tests.store.helpers import member_row


async def store_with_roles(client: httpx.AsyncClient) -> dict[str, Any]:
    owner = await seller(client)
    people: dict[str, Any] = {"owner": {"member": {"id": owner["store"]["member_id"]}, "headers": owner["headers"]}}
    for key, role in (("admin", "admin"), ("admin2", "admin"), ("cs", "cs"), ("cs2", "cs")):
        email = f"{key}@example.com"
        member = await add_staff(client, owner["headers"], role=role, email=email, name=key.upper())
        people[key] = {"member": member, "headers": bearer(await login(client, email))}
    return people


async def snapshot(rt: Runtime, member_id: int) -> tuple[Any, ...]:
    member = await member_row(rt, member_id)
    assert member is not None
    return (member.name, member.phone, member.role, member.status, member.removed_at)


async def assert_unchanged_by(
    client: httpx.AsyncClient, rt: Runtime, headers: dict[str, str], member_id: int, code: str, *edits: dict[str, Any]
) -> None:
    """Every change of the member (`member_changes`, then these edits) is refused with 403 `code`; the member's row
    stays as it was."""
    before = await snapshot(rt, member_id)
    for method, path, payload in member_changes(member_id) + [("PUT", f"/store/staff/{member_id}", e) for e in edits]:
        response = await client.request(method, path, json=payload, headers=headers)
        assert_error(response, 403, code, case=(method, payload))
    assert await snapshot(rt, member_id) == before


async def test_cs_cannot_read_or_manage_staff(client: httpx.AsyncClient, rt: Runtime) -> None:
    people = await store_with_roles(client)
    cs = people["cs"]["headers"]
    assert_error(await client.get("/store/staff", headers=cs), 403, "permission_denied")
    for target in ("cs2", "cs"):
        assert_error(
            await client.get(f"/store/staff/{people[target]['member']['id']}", headers=cs), 403, "permission_denied"
        )
    created = await client.post(
        "/store/staff", json=staff_body(name="X", phone="081311112222", email="x@example.com"), headers=cs
    )
    assert_error(created, 403, "permission_denied")
    for target in ("owner", "admin", "cs", "cs2"):
        await assert_unchanged_by(client, rt, cs, people[target]["member"]["id"], "permission_denied")
    # A missing id gives away nothing more to a CS either.
    assert_error(await client.get("/store/staff/999999", headers=cs), 403, "permission_denied")


@pytest.mark.parametrize("target", ["admin", "cs"])
async def test_owner_manages_admins_and_cs(client: httpx.AsyncClient, rt: Runtime, target: str) -> None:
    people = await store_with_roles(client)
    owner = people["owner"]["headers"]
    member_id = people[target]["member"]["id"]
    for method, path, payload in member_changes(member_id):
        response = await client.request(method, path, json=payload, headers=owner)
        assert response.status_code == 200, (method, response.text)
    member = await member_row(rt, member_id)
    assert member is not None and member.name == "Diubah" and member.removed_at is not None


async def test_owner_promotes_and_demotes(client: httpx.AsyncClient) -> None:
    people = await store_with_roles(client)
    owner = people["owner"]["headers"]
    up = await client.put(f"/store/staff/{people['cs']['member']['id']}", json={"role": "admin"}, headers=owner)
    assert up.status_code == 200 and up.json()["data"]["role"] == "admin"
    down = await client.put(f"/store/staff/{people['admin']['member']['id']}", json={"role": "cs"}, headers=owner)
    assert down.status_code == 200 and down.json()["data"]["role"] == "cs"


async def test_admin_manages_cs_only(client: httpx.AsyncClient, rt: Runtime) -> None:
    people = await store_with_roles(client)
    admin = people["admin"]["headers"]

    new_cs = staff_body(name="CS Baru", phone="081311112222", email="baru@example.com")
    assert_data(await client.post("/store/staff", json=new_cs, headers=admin), 201)
    new_admin = staff_body(name="Admin Baru", phone="081311112222", email="adm@example.com", role="admin")
    refused = await client.post("/store/staff", json=new_admin, headers=admin)
    assert_error(refused, 403, "permission_denied")

    other_admin = people["admin2"]["member"]["id"]
    await assert_unchanged_by(client, rt, admin, other_admin, "permission_denied", {"role": "cs"})

    cs_id = people["cs"]["member"]["id"]
    # An admin may not make a CS an admin...
    promoted = await client.put(f"/store/staff/{cs_id}", json={"role": "admin"}, headers=admin)
    assert_error(promoted, 403, "permission_denied")
    member = await member_row(rt, cs_id)
    assert member is not None and member.role == "cs"
    # ...but edits and removes CS freely.
    for method, path, payload in member_changes(cs_id):
        response = await client.request(method, path, json=payload, headers=admin)
        assert response.status_code == 200, (method, response.text)
    same_role = await client.put(f"/store/staff/{people['cs2']['member']['id']}", json={"role": "cs"}, headers=admin)
    assert same_role.status_code == 200


@pytest.mark.parametrize("actor", ["owner", "admin"])
async def test_nobody_manages_the_owner(client: httpx.AsyncClient, rt: Runtime, actor: str) -> None:
    people = await store_with_roles(client)
    owner_id = people["owner"]["member"]["id"]
    edits = ({"role": "admin"}, {"role": "cs"}, {"phone": "081311112222"})
    await assert_unchanged_by(client, rt, people[actor]["headers"], owner_id, "owner_protected", *edits)
    assert (await client.get("/store", headers=people["owner"]["headers"])).json()["data"]["role"] == "owner"


async def test_nobody_manages_themselves(client: httpx.AsyncClient, rt: Runtime) -> None:
    people = await store_with_roles(client)
    admin_id = people["admin"]["member"]["id"]
    admin = people["admin"]["headers"]
    await assert_unchanged_by(client, rt, admin, admin_id, "self_management", {"role": "cs"})
    # Reading oneself is fine.
    me = await client.get(f"/store/staff/{admin_id}", headers=admin)
    assert me.status_code == 200 and me.json()["data"]["role"] == "admin"


async def test_an_inactive_admin_can_do_nothing(client: httpx.AsyncClient, rt: Runtime) -> None:
    people = await store_with_roles(client)
    admin_id = people["admin"]["member"]["id"]
    paused = await client.patch(
        f"/store/staff/{admin_id}/status", json={"status": "inactive"}, headers=people["owner"]["headers"]
    )
    assert paused.status_code == 200
    admin = people["admin"]["headers"]
    cs_id = people["cs"]["member"]["id"]
    assert_error(await client.get("/store/staff", headers=admin), 403, "member_inactive")
    for method, path, payload in member_changes(cs_id):
        assert_error(await client.request(method, path, json=payload, headers=admin), 403, "member_inactive")
    assert (await snapshot(rt, cs_id))[3:] == ("active", None)


async def test_a_demoted_admin_loses_staff_rights_at_once(client: httpx.AsyncClient) -> None:
    people = await store_with_roles(client)
    demoted = await client.put(
        f"/store/staff/{people['admin']['member']['id']}",
        json={"role": "cs"},
        headers=people["owner"]["headers"],
    )
    assert demoted.status_code == 200
    # The access token issued while they were an admin grants nothing more.
    assert_error(await client.get("/store/staff", headers=people["admin"]["headers"]), 403, "permission_denied")
