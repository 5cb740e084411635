"""POST /auth/refresh (rotation, reuse detection, expiry) and POST /auth/logout."""

from __future__ import annotations

import asyncio
import secrets
from typing import Any

import httpx

from bosonline.kit.clock import FrozenClock, as_utc
from bosonline.kit.security import hash_token
from bosonline.runtime import Runtime
from tests.auth.helpers import get_me, refresh_tokens_of, sessions_of
from tests.envelope import assert_error, assert_validation
from tests.factories import login, register


async def refresh(client: httpx.AsyncClient, tokens: dict[str, Any]) -> httpx.Response:
    return await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})


async def rotate(client: httpx.AsyncClient, tokens: dict[str, Any]) -> dict[str, Any]:
    response = await refresh(client, tokens)
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def assert_works(client: httpx.AsyncClient, tokens: dict[str, Any]) -> None:
    assert (await get_me(client, tokens)).status_code == 200


async def assert_revoked(client: httpx.AsyncClient, tokens: dict[str, Any]) -> None:
    """Neither the access token nor the refresh token of this pair works any more."""
    assert_error(await get_me(client, tokens), 401, "session_revoked")
    assert_error(await refresh(client, tokens), 401, "invalid_refresh_token")


async def test_refresh_returns_a_new_pair(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock) -> None:
    account = await register(client)
    clock.advance(minutes=5)
    response = await refresh(client, account["tokens"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data"}
    pair = body["data"]
    assert set(pair) == {"access_token", "refresh_token", "token_type", "expires_in"}
    assert pair["token_type"] == "bearer" and pair["expires_in"] == 900
    assert pair["refresh_token"] != account["tokens"]["refresh_token"]
    assert pair["access_token"] != account["tokens"]["access_token"]
    await assert_works(client, pair)

    [session] = await sessions_of(rt, account["user"]["id"])
    assert as_utc(session.last_used_at) == clock.now()
    old, new = await refresh_tokens_of(rt, session.id)
    assert old.token_hash == hash_token(account["tokens"]["refresh_token"])
    assert old.rotated_at is not None and as_utc(old.rotated_at) == clock.now()
    assert new.token_hash == hash_token(pair["refresh_token"]) and new.rotated_at is None
    # only hashes are stored
    assert pair["refresh_token"] not in {old.token_hash, new.token_hash}


async def test_refresh_chain_keeps_working(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    tokens = (await register(client))["tokens"]
    for _ in range(3):
        clock.advance(minutes=20)  # every access token has expired by now
        assert_error(await get_me(client, tokens), 401, "token_expired")
        tokens = await rotate(client, tokens)
        await assert_works(client, tokens)


async def test_reused_refresh_token_revokes_the_whole_session(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock
) -> None:
    account = await register(client, email="korban@example.com")
    other = await login(client, "korban@example.com")  # a second login of the same user
    first = await login(client, "korban@example.com")
    second = await rotate(client, first)
    newest = await rotate(client, second)

    clock.advance(seconds=30)
    reused = await refresh(client, first)  # a retired token comes back: stolen or replayed
    assert_error(reused, 401, "refresh_token_reused")
    assert reused.headers.get("WWW-Authenticate") == "Bearer"

    # every token of that login is dead: the newest refresh token and all its access tokens
    await assert_revoked(client, newest)
    assert_error(await get_me(client, second), 401, "session_revoked")
    assert_error(await get_me(client, first), 401, "session_revoked")
    # presenting the reused token again changes nothing
    assert_error(await refresh(client, first), 401, "invalid_refresh_token")

    # the other logins of the same user are unaffected
    await assert_works(client, other)
    await assert_works(client, account["tokens"])
    await assert_works(client, await rotate(client, other))

    sessions = {s.id: s for s in await sessions_of(rt, account["user"]["id"])}
    revoked = [s for s in sessions.values() if s.revoked_at is not None]
    assert len(sessions) == 3 and len(revoked) == 1
    assert revoked[0].revoked_reason == "refresh_token_reuse"
    assert as_utc(revoked[0].revoked_at) == clock.now()  # type: ignore[arg-type]
    hashes = {t.token_hash for t in await refresh_tokens_of(rt, revoked[0].id)}
    assert hash_token(newest["refresh_token"]) in hashes


async def test_reuse_of_the_middle_token_also_revokes(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    first = (await register(client))["tokens"]
    second = await rotate(client, first)
    third = await rotate(client, second)
    clock.advance(seconds=10)
    assert_error(await refresh(client, second), 401, "refresh_token_reused")
    await assert_revoked(client, third)


async def test_reuse_within_the_grace_period_answers_the_same_successor(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock
) -> None:
    account = await register(client)
    first = await rotate(client, account["tokens"])
    clock.advance(seconds=9)  # within the default 10 s grace: a second tab that refreshed with the same token
    again = await rotate(client, account["tokens"])
    assert again["refresh_token"] == first["refresh_token"]
    await assert_works(client, again)
    [session] = await sessions_of(rt, account["user"]["id"])
    assert session.revoked_at is None
    # no second successor was made, and the one there is stored as a hash only
    old, new = await refresh_tokens_of(rt, session.id)
    assert old.token_hash == hash_token(account["tokens"]["refresh_token"])
    assert new.token_hash == hash_token(first["refresh_token"]) and new.rotated_at is None
    # the successor goes on working as the login's one refresh token
    await assert_works(client, await rotate(client, again))


async def test_reuse_after_the_grace_period_revokes_the_session(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock
) -> None:
    account = await register(client)
    successor = await rotate(client, account["tokens"])
    clock.advance(seconds=10)
    assert_error(await refresh(client, account["tokens"]), 401, "refresh_token_reused")
    await assert_revoked(client, successor)
    [session] = await sessions_of(rt, account["user"]["id"])
    assert session.revoked_reason == "refresh_token_reuse"


async def test_grace_period_is_a_setting(client: httpx.AsyncClient, rt: Runtime) -> None:
    rt.settings.refresh_reuse_grace_seconds = 0
    try:
        account = await register(client)
        successor = await rotate(client, account["tokens"])
        assert_error(await refresh(client, account["tokens"]), 401, "refresh_token_reused")
        await assert_revoked(client, successor)
    finally:
        rt.settings.refresh_reuse_grace_seconds = 10


async def test_concurrent_refreshes_of_one_token_get_the_same_pair(client: httpx.AsyncClient, rt: Runtime) -> None:
    """Two (here five) tabs refreshing at the same moment: on PostgreSQL the requests really run side by side,
    and the refresh token's row lock makes them take turns."""
    account = await register(client)
    responses = await asyncio.gather(*(refresh(client, account["tokens"]) for _ in range(5)))
    assert [r.status_code for r in responses] == [200] * 5, [r.text for r in responses]
    pairs = [r.json()["data"] for r in responses]
    assert len({pair["refresh_token"] for pair in pairs}) == 1
    for pair in pairs:
        await assert_works(client, pair)
    [session] = await sessions_of(rt, account["user"]["id"])
    assert session.revoked_at is None
    assert len(await refresh_tokens_of(rt, session.id)) == 2
    await assert_works(client, await rotate(client, pairs[0]))


async def test_logout_ends_the_grace_period_too(client: httpx.AsyncClient) -> None:
    tokens = (await register(client))["tokens"]
    successor = await rotate(client, tokens)
    response = await client.post("/auth/logout", headers={"Authorization": f"Bearer {successor['access_token']}"})
    assert response.status_code == 200, response.text
    assert_error(await refresh(client, tokens), 401, "invalid_refresh_token")
    await assert_revoked(client, successor)


async def test_refresh_token_expires_after_thirty_days(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    account = await register(client)
    clock.advance(days=29, hours=23)
    kept = await rotate(client, account["tokens"])  # a rotation issues a fresh 30-day token
    await assert_works(client, kept)

    stale = (await register(client))["tokens"]
    clock.advance(days=31)
    assert_error(await refresh(client, stale), 401, "invalid_refresh_token")
    assert_error(await refresh(client, kept), 401, "invalid_refresh_token")


async def test_expired_refresh_token_is_not_treated_as_reuse(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock
) -> None:
    account = await register(client)
    clock.advance(days=31)
    assert_error(await refresh(client, account["tokens"]), 401, "invalid_refresh_token")
    [session] = await sessions_of(rt, account["user"]["id"])
    assert session.revoked_at is None


async def test_unknown_refresh_token_is_401(client: httpx.AsyncClient) -> None:
    await register(client)
    for token in (secrets.token_urlsafe(32), "x" * 16, "y" * 200):
        response = await client.post("/auth/refresh", json={"refresh_token": token})
        assert_error(response, 401, "invalid_refresh_token")


async def test_access_token_is_not_a_refresh_token(client: httpx.AsyncClient) -> None:
    tokens = (await register(client))["tokens"]
    assert len(tokens["access_token"]) > 200  # longer than any refresh token may be
    response = await client.post("/auth/refresh", json={"refresh_token": tokens["access_token"]})
    assert_validation(response, "refresh_token")
    response = await client.post("/auth/refresh", json={"refresh_token": tokens["access_token"][-200:]})
    assert_error(response, 401, "invalid_refresh_token")


async def test_malformed_refresh_body_is_422(client: httpx.AsyncClient) -> None:
    bodies: list[dict[str, Any]] = [
        {"refresh_token": "short"},
        {"refresh_token": "x" * 15},
        {"refresh_token": ""},
        {"refresh_token": "x" * 201},
        {"refresh_token": 12345678901234567890},
        {"refresh_token": None},
        {},
        {"refresh_token": "x" * 40, "access_token": "y"},
    ]
    for body in bodies:
        response = await client.post("/auth/refresh", json=body)
        assert response.status_code == 422, (body, response.text)
        assert_validation(response, "access_token" if "access_token" in body else "refresh_token")


async def test_logout_ends_only_that_session(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock) -> None:
    account = await register(client, email="pulang@example.com")
    phone = await login(client, "pulang@example.com")
    laptop = await login(client, "pulang@example.com")
    rotated_phone = await rotate(client, phone)

    clock.advance(minutes=1)
    response = await client.post("/auth/logout", headers={"Authorization": f"Bearer {phone['access_token']}"})
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"data"} and response.json()["data"]["message"]

    await assert_revoked(client, rotated_phone)
    assert_error(await get_me(client, phone), 401, "session_revoked")
    assert_error(await refresh(client, phone), 401, "invalid_refresh_token")
    # the other sessions keep working, refresh included
    await assert_works(client, laptop)
    await assert_works(client, account["tokens"])
    await assert_works(client, await rotate(client, laptop))

    sessions = await sessions_of(rt, account["user"]["id"])
    ended = [s for s in sessions if s.revoked_at is not None]
    assert len(ended) == 1 and ended[0].revoked_reason == "logout"
    assert as_utc(ended[0].revoked_at) == clock.now()  # type: ignore[arg-type]


async def test_logout_twice_is_401(client: httpx.AsyncClient) -> None:
    tokens = (await register(client))["tokens"]
    headers = {"Authorization": f"Bearer {tokens['access_token']}"}
    assert (await client.post("/auth/logout", headers=headers)).status_code == 200
    assert_error(await client.post("/auth/logout", headers=headers), 401, "session_revoked")


async def test_logout_needs_a_valid_access_token(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    tokens = (await register(client))["tokens"]
    missing = await client.post("/auth/logout")
    assert_error(missing, 401, "unauthorized")
    assert missing.headers.get("WWW-Authenticate") == "Bearer"
    refresh_as_access = await client.post(
        "/auth/logout", headers={"Authorization": f"Bearer {tokens['refresh_token']}"}
    )
    assert_error(refresh_as_access, 401, "invalid_token")
    clock.advance(minutes=16)
    expired = await client.post("/auth/logout", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert_error(expired, 401, "token_expired")
    # nothing was ended by the refused attempts
    await assert_works(client, await rotate(client, tokens))
