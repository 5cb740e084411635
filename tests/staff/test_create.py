"""POST /store/staff: new accounts, attaching existing accounts, re-adding removed members, validation."""

from __future__ import annotations

from typing import Any

import httpx

from bosonline.models import StoreMember, User
from bosonline.runtime import Runtime
from tests.envelope import assert_data, assert_error, assert_validation
from tests.factories import PASSWORD, add_staff, bearer, login, register, seller, staff_headers
from tests.staff.helpers import staff_body
from tests.store.helpers import count, member_row, users_with_email


async def test_create_staff_with_a_new_account_that_can_log_in(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    body = staff_body(email="  Putri@Example.COM ", phone="+62 813-9876-5432", password="kata sandi 99")
    data = assert_data(await client.post("/store/staff", json=body, headers=owner["headers"]), 201)
    assert (
        data["name"],
        data["email"],
        data["phone"],
        data["phone_e164"],
        data["role"],
        data["status"],
    ) == ("Putri CS", "putri@example.com", "081398765432", "6281398765432", "cs", "active")
    member = await member_row(rt, data["id"])
    assert member is not None
    assert (member.store_id, member.user_id, member.role, member.status, member.removed_at) == (
        owner["store"]["id"],
        data["user_id"],
        "cs",
        "active",
        None,
    )
    users = await users_with_email(rt, "putri@example.com")
    assert [u.id for u in users] == [data["user_id"]]
    assert users[0].name == "Putri CS"
    assert users[0].password_hash and "kata sandi 99" not in users[0].password_hash

    tokens = await login(client, "putri@example.com", "kata sandi 99")
    me = await client.get("/store", headers=bearer(tokens))
    assert me.status_code == 200, me.text
    assert (me.json()["data"]["id"], me.json()["data"]["role"], me.json()["data"]["member_id"]) == (
        owner["store"]["id"],
        "cs",
        data["id"],
    )
    wrong = await client.post("/auth/login", json={"email": "putri@example.com", "password": PASSWORD})
    assert wrong.status_code == 401


async def test_create_admin(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    admin = await add_staff(client, owner["headers"], role="admin", email="admin@example.com")
    assert admin["role"] == "admin"
    tokens = await login(client, "admin@example.com")
    assert (await client.get("/store", headers=bearer(tokens))).json()["data"]["role"] == "admin"


async def test_an_existing_account_is_attached_not_duplicated(client: httpx.AsyncClient, rt: Runtime) -> None:
    existing = await register(client, email="lama@example.com", name="Akun Lama", password="password-lama-1")
    owner = await seller(client)
    users_before = await count(rt, User)
    body = staff_body(email="LAMA@example.com", name="Nama Di Toko", password="password-baru-2")
    data = assert_data(await client.post("/store/staff", json=body, headers=owner["headers"]), 201)
    assert data["user_id"] == existing["user"]["id"]
    assert (data["name"], data["email"]) == ("Nama Di Toko", "lama@example.com")
    assert await count(rt, User) == users_before
    assert len(await users_with_email(rt, "lama@example.com")) == 1

    # The account keeps its password and its own name.
    tokens = await login(client, "lama@example.com", "password-lama-1")
    refused = await client.post("/auth/login", json={"email": "lama@example.com", "password": "password-baru-2"})
    assert refused.status_code == 401
    profile = await client.get("/profile/me", headers=bearer(tokens))
    assert profile.json()["data"]["user"]["name"] == "Akun Lama"
    assert [(s["store_id"], s["role"]) for s in profile.json()["data"]["stores"]] == [(owner["store"]["id"], "cs")]


async def test_an_existing_account_can_be_attached_without_a_password(client: httpx.AsyncClient) -> None:
    existing = await register(client, email="tanpa@example.com")
    owner = await seller(client)
    staff = await add_staff(client, owner["headers"], email="tanpa@example.com", password=None)
    assert staff["user_id"] == existing["user"]["id"]
    tokens = await login(client, "tanpa@example.com")
    assert (await client.get("/store", headers=bearer(tokens))).status_code == 200


async def test_a_new_email_needs_a_password(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    response = await client.post("/store/staff", json=staff_body(password=...), headers=owner["headers"])
    assert_validation(response, "password")
    assert await users_with_email(rt, "putri@example.com") == []
    assert await count(rt, StoreMember, StoreMember.store_id == owner["store"]["id"]) == 1


async def test_a_member_cannot_be_added_twice(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    first = await add_staff(client, owner["headers"], email="putri@example.com")
    for email in ("putri@example.com", "PUTRI@example.com"):
        response = await client.post(
            "/store/staff", json=staff_body(email=email, role="admin"), headers=owner["headers"]
        )
        assert_error(response, 409, "already_member")
    # The owner's own email is a member too.
    response = await client.post(
        "/store/staff", json=staff_body(email=owner["email"], password=None), headers=owner["headers"]
    )
    assert_error(response, 409, "already_member")
    member = await member_row(rt, first["id"])
    assert member is not None and member.role == "cs"
    assert await count(rt, StoreMember, StoreMember.store_id == owner["store"]["id"]) == 2


async def test_a_removed_member_added_back_gets_the_same_staff_id(
    client: httpx.AsyncClient, rt: Runtime, clock: Any
) -> None:
    owner = await seller(client)
    first = await add_staff(client, owner["headers"], email="balik@example.com", name="Nama Lama", role="cs")
    removed = await client.delete(f"/store/staff/{first['id']}", headers=owner["headers"])
    assert removed.status_code == 200, removed.text
    clock.advance(minutes=5)

    response = await client.post(
        "/store/staff",
        json=staff_body(email="balik@example.com", name="Nama Baru", phone="081311112222", role="admin", password=None),
        headers=owner["headers"],
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["id"] == first["id"]
    assert data["user_id"] == first["user_id"]
    assert (data["name"], data["phone"], data["role"], data["status"]) == (
        "Nama Baru",
        "081311112222",
        "admin",
        "active",
    )
    assert data["updated_at"] != first["updated_at"]
    member = await member_row(rt, first["id"])
    assert member is not None and member.removed_at is None and member.status == "active"
    assert await count(rt, StoreMember, StoreMember.user_id == first["user_id"]) == 1

    tokens = await login(client, "balik@example.com")
    assert (await client.get("/store", headers=bearer(tokens))).json()["data"]["role"] == "admin"


BAD_STAFF: list[tuple[dict[str, Any], str]] = [
    ({"role": "owner"}, "role"),
    ({"role": "boss"}, "role"),
    ({"role": "CS"}, "role"),
    ({"role": None}, "role"),
    ({"role": ...}, "role"),
    ({"email": "not-an-email"}, "email"),
    ({"email": "a@b"}, "email"),
    ({"email": ""}, "email"),
    ({"email": ...}, "email"),
    ({"email": None}, "email"),
    ({"email": "x" * 250 + "@example.com"}, "email"),
    ({"phone": "12345"}, "phone"),
    ({"phone": "0215551234"}, "phone"),
    ({"phone": "+1 202 555 0100"}, "phone"),
    ({"phone": "08" + "1" * 30}, "phone"),
    ({"phone": "0812abcdefgh"}, "phone"),
    ({"phone": ...}, "phone"),
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"name": "Putri\x00"}, "name"),
    ({"name": ...}, "name"),
    ({"password": "pendek"}, "password"),
    ({"password": "x" * 129}, "password"),
    ({"password": 12345678}, "password"),
    ({"status": "inactive"}, "status"),
    ({"store_id": 1}, "store_id"),
]


async def test_bad_staff_input_is_refused(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    for overrides, field in BAD_STAFF:
        response = await client.post("/store/staff", json=staff_body(**overrides), headers=owner["headers"])
        assert_validation(response, field, case=overrides)
    assert await count(rt, StoreMember) == 1
    assert await users_with_email(rt, "putri@example.com") == []


async def test_a_failed_create_leaves_no_account_behind(client: httpx.AsyncClient, rt: Runtime) -> None:
    """An admin trying to add an admin is refused before anything is written."""
    owner = await seller(client)
    admin = await staff_headers(client, owner["headers"], role="admin", email="admin@example.com")
    response = await client.post("/store/staff", json=staff_body(email="baru@example.com", role="admin"), headers=admin)
    assert_error(response, 403, "permission_denied")
    assert await users_with_email(rt, "baru@example.com") == []


async def test_a_store_has_at_most_200_staff(client: httpx.AsyncClient, rt: Runtime, clock: Any) -> None:
    owner = await seller(client)
    store_id = owner["store"]["id"]
    now = clock.now()
    # 199 more members, written straight to the database (200 sign-ups through the API would be slow).
    async with rt.db.session() as session:
        users = [
            User(name=f"Staf {i}", email=f"staf{i}@example.com", created_at=now, updated_at=now) for i in range(199)
        ]
        session.add_all(users)
        await session.flush()
        session.add_all(
            StoreMember(
                store_id=store_id,
                user_id=user.id,
                role="cs",
                status="active",
                name=user.name,
                created_at=now,
                updated_at=now,
            )
            for user in users
        )
        await session.commit()
    listed = await client.get("/store/staff", params={"limit": 1}, headers=owner["headers"])
    assert listed.json()["meta"]["total"] == 200

    response = await client.post("/store/staff", json=staff_body(email="ke201@example.com"), headers=owner["headers"])
    assert_error(response, 409, "staff_limit")
    assert await users_with_email(rt, "ke201@example.com") == []

    # Removed members do not count.
    last = listed.json()["meta"]["next_cursor"]
    assert last
    some = await client.get("/store/staff", params={"limit": 1, "cursor": last}, headers=owner["headers"])
    removed = await client.delete(f"/store/staff/{some.json()['data'][0]['id']}", headers=owner["headers"])
    assert removed.status_code == 200
    response = await client.post("/store/staff", json=staff_body(email="ke201@example.com"), headers=owner["headers"])
    assert response.status_code == 201, response.text
