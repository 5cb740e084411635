"""DELETE /profile (Data Deletion): erase personal data, end sessions, close solo stores, free the email."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import func, select

from bosonline.models import AuthSession, LoginAttempt, PasswordResetToken, Store, StoreMember, User
from bosonline.runtime import Runtime
from tests.factories import PASSWORD, add_staff, bearer, create_store, login, register, seller

ERASED = "Deleted user"


async def delete_me(client: httpx.AsyncClient, account: dict[str, Any], password: str = PASSWORD) -> httpx.Response:
    return await client.request("DELETE", "/profile", json={"password": password}, headers=account["headers"])


async def count(rt: Runtime, model: Any, *where: Any) -> int:
    async with rt.db.session(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def user_row(rt: Runtime, user_id: int) -> User:
    async with rt.db.session(write=False) as session:
        user = await session.get(User, user_id)
        assert user is not None
        return user


async def test_wrong_password_is_403_and_changes_nothing(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await seller(client)
    response = await delete_me(client, account, "salah-sekali")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "wrong_password"
    user = await user_row(rt, account["user"]["id"])
    assert user.email == account["email"] and user.deleted_at is None
    assert (await client.get("/store", headers=account["headers"])).status_code == 200


async def test_body_is_required(client: httpx.AsyncClient) -> None:
    account = await register(client)
    for body in (None, {}, {"password": ""}, {"password": PASSWORD, "extra": 1}):
        response = await client.request("DELETE", "/profile", json=body, headers=account["headers"])
        assert response.status_code == 422, (body, response.text)
    missing = await client.request("DELETE", "/profile", headers=account["headers"])
    assert missing.status_code == 422
    assert (await client.get("/profile/me", headers=account["headers"])).status_code == 200


async def test_needs_a_token(client: httpx.AsyncClient) -> None:
    response = await client.request("DELETE", "/profile", json={"password": PASSWORD})
    assert response.status_code == 401


async def test_owner_of_a_store_with_other_staff_is_refused(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    busy = await create_store(client, owner["headers"], name="Toko Ramai Sekali")
    await add_staff(client, bearer(owner["tokens"], busy["id"]))

    response = await delete_me(client, owner)
    assert response.status_code == 409, response.text
    error = response.json()["error"]
    assert error["code"] == "owner_has_active_stores"
    assert "Toko Ramai Sekali" in error["message"]
    assert owner["store"]["name"] not in error["message"].replace("Toko Ramai Sekali", "")

    # Nothing was changed: the account, its session and both stores are intact.
    user = await user_row(rt, owner["user"]["id"])
    assert user.email == owner["email"] and user.deleted_at is None and user.password_hash
    assert await count(rt, Store, Store.owner_id == owner["user"]["id"], Store.status == "active") == 2
    assert (await client.get("/profile/me", headers=owner["headers"])).status_code == 200


async def test_owner_can_leave_once_the_staff_are_removed(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    staff = await add_staff(client, owner["headers"])
    assert (await delete_me(client, owner)).status_code == 409
    removed = await client.delete(f"/store/staff/{staff['id']}", headers=owner["headers"])
    assert removed.status_code == 200, removed.text
    response = await delete_me(client, owner)
    assert response.status_code == 200, response.text


async def test_success_erases_the_person(client: httpx.AsyncClient, rt: Runtime, clock: Any) -> None:
    account = await seller(client, name="Rina Kusuma", phone="081377778888")
    second_device = await login(client, account["email"])

    response = await delete_me(client, account)
    assert response.status_code == 200, response.text
    assert response.json()["data"]["message"]

    user = await user_row(rt, account["user"]["id"])
    assert user.name == ERASED
    assert user.email is None and user.phone is None and user.password_hash is None
    assert user.deleted_at == clock.now()
    async with rt.db.session(write=False) as session:
        members = list(await session.scalars(select(StoreMember).where(StoreMember.user_id == user.id)))
    assert members and all(m.name == ERASED and m.phone is None and m.removed_at is not None for m in members)

    # Every session has ended: access tokens and refresh tokens of every device.
    assert await count(rt, AuthSession, AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None)) == 0
    for tokens in (account["tokens"], second_device):
        me = await client.get("/profile/me", headers=bearer(tokens))
        assert me.status_code == 401, me.text
        refreshed = await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert refreshed.status_code == 401, refreshed.text
    gone = await client.post("/auth/login", json={"email": account["email"], "password": PASSWORD})
    assert gone.status_code == 401
    assert gone.json()["error"]["code"] == "invalid_credentials"

    # The personal data is nowhere in the users table any more.
    async with rt.db.session(write=False) as session:
        assert await session.scalar(select(func.count()).where(User.email == account["email"])) == 0
        assert await session.scalar(select(func.count()).where(User.name == "Rina Kusuma")) == 0
        assert await session.scalar(select(func.count()).where(User.phone == "6281377778888")) == 0


async def test_solo_store_is_closed_and_its_subdomain_freed(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await seller(client)
    second = await create_store(client, account["headers"], subdomain="tokoku-sendiri")
    store_ids = {account["store"]["id"], second["id"]}

    assert (await delete_me(client, account)).status_code == 200

    async with rt.db.session(write=False) as session:
        stores = list(await session.scalars(select(Store).where(Store.id.in_(store_ids))))
    assert {store.status for store in stores} == {"closed"}
    assert {store.subdomain for store in stores} == {None}

    newcomer = await register(client)
    check = await client.get(
        "/store/subdomain/check", params={"subdomain": "tokoku-sendiri"}, headers=newcomer["headers"]
    )
    assert check.status_code == 200, check.text
    assert check.json()["data"]["available"] is True
    taken_over = await create_store(client, newcomer["headers"], subdomain="tokoku-sendiri")
    assert taken_over["id"] not in store_ids
    reused = await create_store(client, newcomer["headers"], subdomain=account["store"]["subdomain"])
    assert reused["subdomain"] == account["store"]["subdomain"]


async def test_memberships_in_other_stores_are_removed(client: httpx.AsyncClient) -> None:
    boss = await seller(client)
    worker = await register(client, name="Putri Pekerja", phone="081355556666")
    staff = await add_staff(client, boss["headers"], email=worker["email"], name="Putri di Toko", role="admin")

    response = await delete_me(client, worker)
    assert response.status_code == 200, response.text

    listing = await client.get("/store/staff", headers=boss["headers"])
    assert listing.status_code == 200, listing.text
    assert staff["id"] not in {member["id"] for member in listing.json()["data"]}
    assert "Putri" not in listing.text and worker["email"] not in listing.text
    detail = await client.get(f"/store/staff/{staff['id']}", headers=boss["headers"])
    assert detail.status_code == 404
    # The boss's store itself is untouched.
    assert (await client.get("/store", headers=boss["headers"])).json()["data"]["id"] == boss["store"]["id"]


async def test_login_attempts_and_reset_tokens_are_deleted(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await register(client)
    email = account["email"]
    for _ in range(2):
        failed = await client.post("/auth/login", json={"email": email, "password": "salah-sekali"})
        assert failed.status_code == 401
    await login(client, email)
    assert (await client.post("/auth/password/forgot", json={"email": email})).status_code == 202
    await rt.background.drain()  # the token is written after the response
    other = await register(client)
    await client.post("/auth/login", json={"email": other["email"], "password": "salah-sekali"})
    assert await count(rt, LoginAttempt, LoginAttempt.email == email) == 3
    assert await count(rt, PasswordResetToken, PasswordResetToken.user_id == account["user"]["id"]) == 1

    assert (await delete_me(client, account)).status_code == 200

    assert await count(rt, LoginAttempt, LoginAttempt.email == email) == 0
    assert await count(rt, LoginAttempt, LoginAttempt.user_id == account["user"]["id"]) == 0
    assert await count(rt, PasswordResetToken, PasswordResetToken.user_id == account["user"]["id"]) == 0
    assert await count(rt, LoginAttempt, LoginAttempt.email == other["email"]) == 1


async def test_the_freed_email_can_register_again(client: httpx.AsyncClient, rt: Runtime) -> None:
    old = await seller(client, email="kembali@example.com")
    assert (await delete_me(client, old)).status_code == 200

    new = await register(client, email="kembali@example.com", name="Orang Baru", password="sandi-lain-789")
    assert new["user"]["id"] != old["user"]["id"]
    tokens = await login(client, "kembali@example.com", "sandi-lain-789")
    me = await client.get("/profile/me", headers=bearer(tokens))
    assert me.json()["data"]["user"]["name"] == "Orang Baru"
    assert me.json()["data"]["stores"] == []
    # The erased account stays erased.
    erased = await user_row(rt, old["user"]["id"])
    assert erased.email is None and erased.deleted_at is not None


async def test_another_account_can_take_the_erased_email_via_profile(client: httpx.AsyncClient) -> None:
    old = await register(client, email="lepas@example.com")
    other = await register(client)
    assert (await delete_me(client, old)).status_code == 200
    response = await client.put(
        "/profile", json={"email": "lepas@example.com", "current_password": PASSWORD}, headers=other["headers"]
    )
    assert response.status_code == 200, response.text


async def test_deleting_twice_is_refused(client: httpx.AsyncClient) -> None:
    account = await register(client)
    assert (await delete_me(client, account)).status_code == 200
    again = await delete_me(client, account)
    assert again.status_code == 401


async def test_owner_with_open_orders_is_refused(client: httpx.AsyncClient, rt: Runtime) -> None:
    from sqlalchemy import update

    from bosonline.models import Order
    from tests.checkout.helpers import make_checkout_shop, place

    shop = await make_checkout_shop(client, rt, cs=0)
    assert (await place(client, shop, payment_method="cod")).status_code == 201
    body = {"password": PASSWORD}
    refused = await client.request("DELETE", "/profile", json=body, headers=shop.headers)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "owner_has_open_orders"
    assert "Toko Berkah (1 open)" in refused.json()["error"]["message"]
    async with rt.db.session() as session:
        await session.execute(update(Order).values(status="completed"))
        await session.commit()
    assert (await client.request("DELETE", "/profile", json=body, headers=shop.headers)).status_code == 200
