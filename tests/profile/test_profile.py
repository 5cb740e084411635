"""GET /profile/me and PUT /profile: the caller's own account."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bosonline.models import AuthSession, User
from bosonline.runtime import Runtime
from tests.envelope import assert_error
from tests.factories import PASSWORD, add_staff, bearer, create_store, login, register, seller

NEW_PASSWORD = "sandi-baru-456"


async def put_profile(client: httpx.AsyncClient, account: dict[str, Any], body: Any) -> httpx.Response:
    return await client.put("/profile", json=body, headers=account["headers"])


# GET /profile/me


async def test_me_without_stores(client: httpx.AsyncClient) -> None:
    account = await register(client, name="Sari Dewi", phone="+62 812-1111-2222")
    response = await client.get("/profile/me", headers=account["headers"])
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["stores"] == []
    user = data["user"]
    assert user["id"] == account["user"]["id"]
    assert user["name"] == "Sari Dewi"
    assert user["email"] == account["email"]
    assert user["phone"] == "081211112222" and user["phone_e164"] == "6281211112222"
    assert user["is_platform_admin"] is False
    assert "password_hash" not in user and "password" not in str(user)


async def test_me_lists_every_store_with_role_and_member_id(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    second = await create_store(client, owner["headers"], name="Toko Kedua")
    other = await seller(client)
    staff = await add_staff(client, other["headers"], email=owner["email"], role="admin")

    response = await client.get("/profile/me", headers=owner["headers"])
    assert response.status_code == 200, response.text
    stores = {store["store_id"]: store for store in response.json()["data"]["stores"]}
    assert set(stores) == {owner["store"]["id"], second["id"], other["store"]["id"]}
    assert stores[owner["store"]["id"]]["role"] == "owner"
    assert stores[owner["store"]["id"]]["member_id"] == owner["store"]["member_id"]
    assert stores[owner["store"]["id"]]["subdomain"] == owner["store"]["subdomain"]
    assert stores[second["id"]]["store_name"] == "Toko Kedua"
    assert stores[other["store"]["id"]]["role"] == "admin"
    assert stores[other["store"]["id"]]["member_id"] == staff["id"]
    assert all(store["status"] == "active" for store in stores.values())


async def test_me_omits_stores_the_user_was_removed_from(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    cs_account = await register(client)
    staff = await add_staff(client, owner["headers"], email=cs_account["email"])
    removed = await client.delete(f"/store/staff/{staff['id']}", headers=owner["headers"])
    assert removed.status_code == 200, removed.text
    response = await client.get("/profile/me", headers=cs_account["headers"])
    assert response.json()["data"]["stores"] == []


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}])
async def test_me_needs_a_valid_token(client: httpx.AsyncClient, headers: dict[str, str]) -> None:
    response = await client.get("/profile/me", headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"


# PUT /profile: name and phone


async def test_update_name_and_phone(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await put_profile(client, account, {"name": "  Budi Baru  ", "phone": "0813-9999-8888"})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["tokens"] is None
    assert data["user"]["name"] == "Budi Baru"
    assert data["user"]["phone"] == "081399998888" and data["user"]["phone_e164"] == "6281399998888"
    me = (await client.get("/profile/me", headers=account["headers"])).json()["data"]["user"]
    assert (me["name"], me["phone"]) == ("Budi Baru", "081399998888")
    assert me["email"] == account["email"]


async def test_update_only_the_fields_sent(client: httpx.AsyncClient) -> None:
    account = await register(client, name="Tetap Nama", phone="081234567890")
    response = await put_profile(client, account, {"phone": "6281311112222"})
    assert response.status_code == 200, response.text
    user = response.json()["data"]["user"]
    assert (user["name"], user["phone"]) == ("Tetap Nama", "081311112222")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"phone": "12345"}, "phone"),
        ({"phone": "021-555-1234"}, "phone"),  # a landline is not a WhatsApp number
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "bad\u0000name"}, "name"),
        ({"email": "not-an-email", "current_password": PASSWORD}, "email"),
        ({"password": "short", "current_password": PASSWORD}, "password"),
        ({"is_platform_admin": True}, "is_platform_admin"),
    ],
)
async def test_invalid_update_names_the_field(client: httpx.AsyncClient, body: dict[str, Any], field: str) -> None:
    account = await register(client)
    error = assert_error(await put_profile(client, account, body), 422, "validation_error")
    assert field in error["fields"], error


@pytest.mark.parametrize(
    "body", [None, {}, [], "name", {"current_password": PASSWORD}, {"name": None}, {"phone": None}]
)
async def test_empty_or_null_update_is_422(client: httpx.AsyncClient, body: Any) -> None:
    account = await register(client, name="Asli")
    assert_error(await put_profile(client, account, body), 422, "validation_error")
    me = (await client.get("/profile/me", headers=account["headers"])).json()["data"]["user"]
    assert me["name"] == "Asli" and me["phone"] == "081234567890"


# PUT /profile: email


async def test_email_change_needs_current_password(client: httpx.AsyncClient) -> None:
    account = await register(client)
    error = assert_error(await put_profile(client, account, {"email": "baru@example.com"}), 422, "validation_error")
    assert "current_password" in error["fields"]


async def test_email_change_with_wrong_password_is_403(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await put_profile(client, account, {"email": "baru@example.com", "current_password": "salah-sekali"})
    assert_error(response, 403, "wrong_password")
    me = (await client.get("/profile/me", headers=account["headers"])).json()["data"]["user"]
    assert me["email"] == account["email"]


async def test_email_change_to_a_taken_address_is_409(client: httpx.AsyncClient) -> None:
    first = await register(client, email="pertama@example.com")
    second = await register(client)
    for taken in ("pertama@example.com", "PERTAMA@Example.COM"):
        response = await put_profile(client, second, {"email": taken, "current_password": PASSWORD})
        assert_error(response, 409, "email_taken")
    assert (await login(client, "pertama@example.com"))["access_token"]
    assert first["user"]["id"] != second["user"]["id"]


async def test_email_change(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await put_profile(
        client, account, {"email": "Ganti.Email@Example.com", "current_password": PASSWORD, "name": "Nama Baru"}
    )
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["user"]["email"] == "ganti.email@example.com"
    assert data["user"]["name"] == "Nama Baru"
    assert data["tokens"] is None
    # The session in use keeps working; the new address logs in, the old one no longer does.
    assert (await client.get("/profile/me", headers=account["headers"])).status_code == 200
    assert (await login(client, "ganti.email@example.com"))["access_token"]
    old = await client.post("/auth/login", json={"email": account["email"], "password": PASSWORD})
    assert old.status_code == 401


async def test_email_change_to_own_address_is_fine(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await put_profile(client, account, {"email": account["email"].upper(), "current_password": PASSWORD})
    assert response.status_code == 200, response.text
    assert response.json()["data"]["user"]["email"] == account["email"]


# PUT /profile: password


async def test_password_change_needs_current_password(client: httpx.AsyncClient) -> None:
    account = await register(client)
    error = assert_error(await put_profile(client, account, {"password": NEW_PASSWORD}), 422, "validation_error")
    assert "current_password" in error["fields"]
    assert_error(
        await put_profile(client, account, {"password": NEW_PASSWORD, "current_password": "salah-sekali"}),
        403,
        "wrong_password",
    )
    assert (await login(client, account["email"]))["access_token"]


async def test_password_change_returns_new_tokens_and_ends_older_sessions(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    account = await register(client)
    other_device = await login(client, account["email"])

    response = await put_profile(client, account, {"password": NEW_PASSWORD, "current_password": PASSWORD})
    assert response.status_code == 200, response.text
    tokens = response.json()["data"]["tokens"]
    assert tokens["access_token"] and tokens["refresh_token"] and tokens["expires_in"] > 0

    for old in (account["tokens"], other_device):
        stale = await client.get("/profile/me", headers=bearer(old))
        assert_error(stale, 401, "session_revoked")
        refreshed = await client.post("/auth/refresh", json={"refresh_token": old["refresh_token"]})
        assert refreshed.status_code == 401, refreshed.text

    me = await client.get("/profile/me", headers=bearer(tokens))
    assert me.status_code == 200, me.text
    refreshed = await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text

    assert (await login(client, account["email"], NEW_PASSWORD))["access_token"]
    old_password = await client.post("/auth/login", json={"email": account["email"], "password": PASSWORD})
    assert old_password.status_code == 401

    async with rt.db.session(write=False) as session:
        sessions = list(await session.scalars(select(AuthSession).where(AuthSession.user_id == account["user"]["id"])))
    revoked = [s for s in sessions if s.revoked_at is not None]
    assert {s.revoked_reason for s in revoked} == {"password_changed"}
    assert len(revoked) == 2


async def test_rejected_password_change_changes_nothing(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await register(client, name="Sebelum")
    response = await put_profile(
        client, account, {"name": "Sesudah", "password": NEW_PASSWORD, "current_password": "salah-sekali"}
    )
    assert_error(response, 403, "wrong_password")
    async with rt.db.session(write=False) as session:
        user = await session.get(User, account["user"]["id"])
        assert user is not None and user.name == "Sebelum"
    assert (await client.get("/profile/me", headers=account["headers"])).status_code == 200


async def test_email_or_password_change_voids_pending_reset_tokens(
    client: httpx.AsyncClient, rt: Runtime, notifier: Any
) -> None:
    """A reset token mailed before the change (maybe to the old address) must not take the account back."""
    for change in ({"email": "alamat-baru@example.com"}, {"password": NEW_PASSWORD}):
        account = await register(client)
        assert (await client.post("/auth/password/forgot", json={"email": account["email"]})).status_code == 202
        await rt.background.drain()  # the e-mail is sent after the response
        token = notifier.resets[-1]["token"]
        response = await put_profile(client, account, {**change, "current_password": PASSWORD})
        assert response.status_code == 200, response.text
        reset = await client.post("/auth/password/reset", json={"token": token, "password": "direbut-orang-1"})
        assert_error(reset, 400, "invalid_reset_token")
