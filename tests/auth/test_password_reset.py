"""POST /auth/password/forgot and POST /auth/password/reset."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from bosonline.kit.clock import FrozenClock, as_utc
from bosonline.kit.security import hash_token
from bosonline.runtime import Runtime
from tests.auth.helpers import get_me, reset_tokens_of, sessions_of, user_by_email
from tests.conftest import RecordingNotifier
from tests.envelope import assert_error, assert_validation
from tests.factories import PASSWORD, login, register
from tests.querycount import count_queries

NEW_PASSWORD = "kata-sandi-baru-456"


async def forgot(client: httpx.AsyncClient, email: str) -> httpx.Response:
    """Asks for a reset and waits for the work the request left for after its response (token, e-mail)."""
    response = await client.post("/auth/password/forgot", json={"email": email})
    assert response.status_code == 202, response.text
    rt: Runtime = client._transport.app.state.runtime  # type: ignore[attr-defined]
    await rt.background.drain()
    return response


async def reset(client: httpx.AsyncClient, token: str, password: str = NEW_PASSWORD) -> httpx.Response:
    return await client.post("/auth/password/reset", json={"token": token, "password": password})


async def reset_token_for(client: httpx.AsyncClient, notifier: RecordingNotifier, email: str) -> str:
    before = len(notifier.resets)
    await forgot(client, email)
    assert len(notifier.resets) == before + 1
    return str(notifier.resets[-1]["token"])


async def try_login(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post("/auth/login", json={"email": email, "password": password})


async def test_forgot_answers_the_same_for_known_and_unknown_addresses(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, notifier: RecordingNotifier
) -> None:
    account = await register(client, email="lupa@example.com", name="Sri Lupa")
    known = await forgot(client, "lupa@example.com")
    unknown = await forgot(client, "tidak-ada@example.com")
    assert known.json() == unknown.json()
    assert set(known.json()) == {"data"} and known.json()["data"]["message"]

    assert len(notifier.resets) == 1
    sent = notifier.resets[0]
    assert sent["email"] == "lupa@example.com" and sent["name"] == "Sri Lupa"
    assert sent["expires_minutes"] == 60
    assert isinstance(sent["token"], str) and len(sent["token"]) >= 32

    [row] = await reset_tokens_of(rt, account["user"]["id"])
    assert row.token_hash == hash_token(sent["token"])  # the token itself is never stored
    assert as_utc(row.expires_at) == clock.now() + timedelta(minutes=60)
    assert row.used_at is None


async def test_the_forgot_request_does_the_same_work_for_known_and_unknown_addresses(
    client: httpx.AsyncClient, rt: Runtime, notifier: RecordingNotifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Why its latency says nothing: the request's own SQL is the same for both (its transaction and nothing else);
    the lookup, the token and the e-mail are left for after the response. (The deferred work is held back here so
    that it cannot interleave with the request being measured, then run for real.)"""
    await register(client, email="ada@example.com")
    deferred: list[Callable[[], Awaitable[None]]] = []

    def hold(work: Callable[[], Awaitable[None]], *, name: str) -> bool:
        deferred.append(work)
        return True

    monkeypatch.setattr(rt.background, "spawn", hold)
    statements = {}
    for email in ("ada@example.com", "tidak-ada@example.com"):
        with count_queries(rt) as queries:
            response = await client.post("/auth/password/forgot", json={"email": email})
        assert response.status_code == 202
        statements[email] = queries.statements
    assert statements["ada@example.com"] == statements["tidak-ada@example.com"]
    assert notifier.resets == [] and len(deferred) == 2
    for work in deferred:
        await work()
    assert [sent["email"] for sent in notifier.resets] == ["ada@example.com"]


async def test_forgot_matches_email_in_any_case(client: httpx.AsyncClient, notifier: RecordingNotifier) -> None:
    await register(client, email="besar@example.com")
    await forgot(client, "BESAR@Example.com")
    assert [r["email"] for r in notifier.resets] == ["besar@example.com"]


async def test_at_most_five_reset_mails_per_hour(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, notifier: RecordingNotifier
) -> None:
    account = await register(client, email="spam@example.com")
    bodies = []
    for _ in range(7):
        bodies.append((await forgot(client, "spam@example.com")).json())
        clock.advance(minutes=1)
    assert len(notifier.resets) == 5
    assert all(body == bodies[0] for body in bodies)  # the limit is not revealed either
    assert len(await reset_tokens_of(rt, account["user"]["id"])) == 5
    # the last token sent is still the one that works
    clock.advance(minutes=50)  # 57 minutes after the first: still within the hour
    await forgot(client, "spam@example.com")
    assert len(notifier.resets) == 5
    clock.advance(minutes=4)  # the first request is now over an hour old
    await forgot(client, "spam@example.com")
    assert len(notifier.resets) == 6
    assert (await reset(client, notifier.resets[-1]["token"])).status_code == 200


async def test_reset_limit_is_per_account(client: httpx.AsyncClient, notifier: RecordingNotifier) -> None:
    await register(client, email="a1@example.com")
    await register(client, email="a2@example.com")
    for _ in range(6):
        await forgot(client, "a1@example.com")
    await forgot(client, "a2@example.com")
    assert [r["email"] for r in notifier.resets] == ["a1@example.com"] * 5 + ["a2@example.com"]


async def test_reset_changes_the_password_and_ends_every_session(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, notifier: RecordingNotifier
) -> None:
    account = await register(client, email="ganti@example.com")
    other = await login(client, "ganti@example.com")
    old_hash = (await user_by_email(rt, "ganti@example.com")).password_hash  # type: ignore[union-attr]
    token = await reset_token_for(client, notifier, "ganti@example.com")

    clock.advance(minutes=10)
    response = await reset(client, token)
    assert response.status_code == 200, response.text
    assert set(response.json()) == {"data"} and response.json()["data"]["message"]

    for tokens in (account["tokens"], other):
        assert_error(await get_me(client, tokens), 401, "session_revoked")
        refused = await client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
        assert_error(refused, 401, "invalid_refresh_token")
    sessions = await sessions_of(rt, account["user"]["id"])
    assert len(sessions) == 2
    assert all(s.revoked_reason == "password_reset" for s in sessions)
    assert all(as_utc(s.revoked_at) == clock.now() for s in sessions)  # type: ignore[arg-type]

    assert_error(await try_login(client, "ganti@example.com", PASSWORD), 401, "invalid_credentials")
    fresh = await try_login(client, "ganti@example.com", NEW_PASSWORD)
    assert fresh.status_code == 200, fresh.text
    assert (await get_me(client, fresh.json()["data"])).status_code == 200

    stored = await user_by_email(rt, "ganti@example.com")
    assert stored is not None and stored.password_hash != old_hash
    assert NEW_PASSWORD not in (stored.password_hash or "")
    assert as_utc(stored.updated_at) == clock.now()
    [row] = await reset_tokens_of(rt, account["user"]["id"])
    assert row.used_at is not None and as_utc(row.used_at) == clock.now()


async def test_reset_token_works_once(client: httpx.AsyncClient, notifier: RecordingNotifier) -> None:
    await register(client, email="sekali@example.com")
    token = await reset_token_for(client, notifier, "sekali@example.com")
    assert (await reset(client, token)).status_code == 200
    second = await reset(client, token, password="yet-another-pass-789")
    assert_error(second, 400, "invalid_reset_token")
    # the second attempt changed nothing
    assert_error(await try_login(client, "sekali@example.com", "yet-another-pass-789"), 401, "invalid_credentials")
    assert (await try_login(client, "sekali@example.com", NEW_PASSWORD)).status_code == 200


async def test_reset_token_expires_after_sixty_minutes(
    client: httpx.AsyncClient, clock: FrozenClock, notifier: RecordingNotifier
) -> None:
    await register(client, email="basi@example.com")
    token = await reset_token_for(client, notifier, "basi@example.com")
    clock.advance(minutes=60)
    assert_error(await reset(client, token), 400, "invalid_reset_token")
    assert (await try_login(client, "basi@example.com", PASSWORD)).status_code == 200

    fresh = await reset_token_for(client, notifier, "basi@example.com")
    clock.advance(minutes=59, seconds=59)
    assert (await reset(client, fresh)).status_code == 200


async def test_a_new_token_retires_the_older_one(
    client: httpx.AsyncClient, rt: Runtime, notifier: RecordingNotifier
) -> None:
    account = await register(client, email="dua@example.com")
    first = await reset_token_for(client, notifier, "dua@example.com")
    second = await reset_token_for(client, notifier, "dua@example.com")
    assert first != second
    assert_error(await reset(client, first), 400, "invalid_reset_token")
    rows = await reset_tokens_of(rt, account["user"]["id"])
    assert [row.used_at is None for row in rows] == [False, True]
    assert (await reset(client, second)).status_code == 200
    # nothing changed by the refused attempt, nothing was ended before the real reset
    assert (await try_login(client, "dua@example.com", NEW_PASSWORD)).status_code == 200


async def test_unknown_reset_token_is_400(client: httpx.AsyncClient, notifier: RecordingNotifier) -> None:
    await register(client, email="asing@example.com")
    await reset_token_for(client, notifier, "asing@example.com")
    for token in ("z" * 16, "a-token-nobody-was-ever-sent-1234567890"):
        assert_error(await reset(client, token), 400, "invalid_reset_token")
    assert (await try_login(client, "asing@example.com", PASSWORD)).status_code == 200


async def test_weak_new_password_is_422_and_keeps_the_token(
    client: httpx.AsyncClient, notifier: RecordingNotifier
) -> None:
    account = await register(client, email="lemah@example.com")
    token = await reset_token_for(client, notifier, "lemah@example.com")
    for password in ("short", "1234567", "", "p" * 129, None, 12345678):
        response = await client.post("/auth/password/reset", json={"token": token, "password": password})
        assert response.status_code == 422, (password, response.text)
        assert_validation(response, "password")
    # no partial write: the token, the password and the sessions are untouched
    assert (await get_me(client, account["tokens"])).status_code == 200
    assert (await try_login(client, "lemah@example.com", PASSWORD)).status_code == 200
    assert (await reset(client, token)).status_code == 200


async def test_malformed_reset_body_is_422(client: httpx.AsyncClient) -> None:
    cases: list[tuple[dict[str, Any], str]] = [
        ({"password": NEW_PASSWORD}, "token"),
        ({"token": "short", "password": NEW_PASSWORD}, "token"),
        ({"token": "t" * 201, "password": NEW_PASSWORD}, "token"),
        ({"token": "t" * 40}, "password"),
        ({"token": "t" * 40, "password": NEW_PASSWORD, "email": "x@example.com"}, "email"),
    ]
    for body, field in cases:
        response = await client.post("/auth/password/reset", json=body)
        assert response.status_code == 422, (body, response.text)
        assert_validation(response, field)


async def test_malformed_forgot_body_is_422(client: httpx.AsyncClient, notifier: RecordingNotifier) -> None:
    await register(client, email="a@example.com")
    cases: list[tuple[dict[str, Any], str]] = [
        ({}, "email"),
        ({"email": "nope"}, "email"),
        ({"email": "a@example.com", "name": "x"}, "name"),
    ]
    for body, field in cases:
        response = await client.post("/auth/password/forgot", json=body)
        assert response.status_code == 422, (body, response.text)
        assert_validation(response, field)
    assert notifier.resets == []


async def test_reset_bodies_not_json_are_400(client: httpx.AsyncClient) -> None:
    for path in ("/auth/password/forgot", "/auth/password/reset"):
        response = await client.post(path, content=b"email=a@b.c", headers={"Content-Type": "application/json"})
        assert_error(response, 400, "invalid_json")
