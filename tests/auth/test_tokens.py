"""Access tokens: accepted on a protected route until they expire; anything forged or malformed is refused."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import httpx
import jwt

from bosonline.kit.clock import FrozenClock
from bosonline.runtime import Runtime
from tests.auth.helpers import get_me
from tests.envelope import assert_error
from tests.factories import register


def claims_for(account: dict[str, Any], clock: FrozenClock, **overrides: Any) -> dict[str, Any]:
    """The claims of the account's real access token, with some replaced (None removes one)."""
    real = jwt.decode(account["tokens"]["access_token"], options={"verify_signature": False})
    now = clock.now()
    real.update({"iat": int(now.timestamp()), "exp": int((now + timedelta(minutes=15)).timestamp())})
    real.update(overrides)
    return {k: v for k, v in real.items() if v is not None}


async def me_with(client: httpx.AsyncClient, authorization: str) -> httpx.Response:
    return await client.get("/profile/me", headers={"Authorization": authorization})


def assert_unauthorized(response: httpx.Response, code: str) -> None:
    assert_error(response, 401, code)
    assert response.headers.get("WWW-Authenticate") == "Bearer"


async def test_access_token_opens_protected_route(client: httpx.AsyncClient) -> None:
    account = await register(client, email="putu@example.com")
    response = await get_me(client, account["tokens"])
    assert response.status_code == 200, response.text
    assert response.json()["data"]["user"]["email"] == "putu@example.com"
    # the scheme name is case-insensitive
    lower = await me_with(client, f"bearer {account['tokens']['access_token']}")
    assert lower.status_code == 200, lower.text


async def test_token_carries_the_documented_claims(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    account = await register(client)
    claims = jwt.decode(account["tokens"]["access_token"], options={"verify_signature": False})
    assert claims["sub"] == str(account["user"]["id"])
    assert claims["typ"] == "access"
    assert claims["iss"] == "bosonline"
    assert claims["exp"] - claims["iat"] == 900
    assert claims["iat"] == int(clock.now().timestamp())
    assert jwt.get_unverified_header(account["tokens"]["access_token"])["alg"] == "HS256"


async def test_token_expires_after_fifteen_minutes(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    account = await register(client)
    clock.advance(minutes=14, seconds=59)
    assert (await get_me(client, account["tokens"])).status_code == 200
    clock.advance(seconds=1)  # exactly 15 minutes: no longer valid
    assert_unauthorized(await get_me(client, account["tokens"]), "token_expired")
    clock.advance(minutes=1)
    assert_unauthorized(await get_me(client, account["tokens"]), "token_expired")


async def test_expired_token_is_still_expired_not_revoked(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    """Expiry is told apart from forgery so that clients know to refresh rather than log in."""
    account = await register(client)
    clock.advance(minutes=16)
    error = assert_error(await get_me(client, account["tokens"]), 401, "token_expired")
    assert "expired" in error["message"].lower()
    refreshed = await client.post("/auth/refresh", json={"refresh_token": account["tokens"]["refresh_token"]})
    assert refreshed.status_code == 200, refreshed.text
    assert (await get_me(client, refreshed.json()["data"])).status_code == 200


async def test_tokens_follow_the_app_clock_not_the_wall_clock(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    """Issue and expiry are judged by the runtime's clock, also when it runs far ahead of the wall clock."""
    clock.advance(days=400)
    account = await register(client)
    assert (await get_me(client, account["tokens"])).status_code == 200
    clock.advance(minutes=16)
    assert_unauthorized(await get_me(client, account["tokens"]), "token_expired")


async def test_token_issued_in_the_future_is_invalid(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock
) -> None:
    account = await register(client)
    later = int(clock.now().timestamp()) + 3600
    token = jwt.encode(
        claims_for(account, clock, iat=later, exp=later + 900),
        rt.settings.effective_secret_key,
        algorithm="HS256",
    )
    assert_unauthorized(await me_with(client, f"Bearer {token}"), "invalid_token")


def flip(text: str, index: int) -> str:
    return text[:index] + ("A" if text[index] != "A" else "B") + text[index + 1 :]


async def test_tampered_signature_is_invalid(client: httpx.AsyncClient) -> None:
    token = (await register(client))["tokens"]["access_token"]
    header, payload, signature = token.split(".")
    for index in (0, len(signature) // 2):
        forged = f"{header}.{payload}.{flip(signature, index)}"
        assert_unauthorized(await me_with(client, f"Bearer {forged}"), "invalid_token")
    assert_unauthorized(await me_with(client, f"Bearer {header}.{payload}."), "invalid_token")


async def test_tampered_payload_is_invalid(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    """Someone else's id in the payload, the original signature kept."""
    victim = await register(client)
    attacker = await register(client)
    header, _, signature = attacker["tokens"]["access_token"].split(".")
    forged_claims = claims_for(attacker, clock, sub=str(victim["user"]["id"]))
    payload = base64.urlsafe_b64encode(json.dumps(forged_claims).encode()).decode().rstrip("=")
    assert_unauthorized(await me_with(client, f"Bearer {header}.{payload}.{signature}"), "invalid_token")


async def test_garbage_is_invalid(client: httpx.AsyncClient) -> None:
    await register(client)
    for token in ("garbage", "a.b.c", "eyJhbGciOiJIUzI1NiJ9..", "....", "Bearer", "ü" * 10, "x" * 2049):
        response = await client.get("/profile/me", headers={"Authorization": f"Bearer {token}".encode()})
        assert response.status_code == 401, (token, response.text)
        assert_unauthorized(response, "invalid_token")


async def test_token_signed_with_another_key_is_invalid(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    account = await register(client)
    forged = jwt.encode(claims_for(account, clock), "another-secret-key-" + "y" * 32, algorithm="HS256")
    assert_unauthorized(await me_with(client, f"Bearer {forged}"), "invalid_token")


WRONG_CLAIMS: list[dict[str, Any]] = [
    {"typ": "refresh"},
    {"typ": None},
    {"typ": "ACCESS"},
    {"iss": "someone-else"},
    {"iss": None},
    {"sid": None},
    {"sub": None},
    {"sub": "admin"},
    {"sub": "-1"},
    {"exp": None},
    {"exp": "never"},
    {"exp": True},
    {"iat": "yesterday"},
]


async def test_right_key_but_wrong_claims_is_invalid(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock
) -> None:
    account = await register(client)
    for overrides in WRONG_CLAIMS:
        claims = claims_for(account, clock, **overrides)
        token = jwt.encode(claims, rt.settings.effective_secret_key, algorithm="HS256")
        response = await me_with(client, f"Bearer {token}")
        assert response.status_code == 401, (overrides, response.text)
        assert response.json()["error"]["code"] == "invalid_token", (overrides, response.text)
        assert_unauthorized(response, "invalid_token")


async def test_properly_signed_copy_is_accepted(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock) -> None:
    """Control for the test above: the same construction with nothing changed works."""
    account = await register(client)
    token = jwt.encode(claims_for(account, clock), rt.settings.effective_secret_key, algorithm="HS256")
    assert (await me_with(client, f"Bearer {token}")).status_code == 200


async def test_other_algorithms_are_refused(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock) -> None:
    account = await register(client)
    claims = claims_for(account, clock)
    hs384 = jwt.encode(claims, rt.settings.effective_secret_key, algorithm="HS384")
    assert_unauthorized(await me_with(client, f"Bearer {hs384}"), "invalid_token")
    unsigned = jwt.encode(claims, None, algorithm="none")  # type: ignore[arg-type]
    assert_unauthorized(await me_with(client, f"Bearer {unsigned}"), "invalid_token")


async def test_refresh_token_is_not_an_access_token(client: httpx.AsyncClient) -> None:
    account = await register(client)
    assert_unauthorized(await me_with(client, f"Bearer {account['tokens']['refresh_token']}"), "invalid_token")


async def test_valid_signature_for_unknown_session_is_refused(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock
) -> None:
    account = await register(client)
    for overrides in ({"sid": "0" * 32}, {"sub": "999999"}):
        token = jwt.encode(claims_for(account, clock, **overrides), rt.settings.effective_secret_key, algorithm="HS256")
        assert_unauthorized(await me_with(client, f"Bearer {token}"), "session_revoked")


async def test_missing_or_other_scheme_is_401_with_challenge(client: httpx.AsyncClient) -> None:
    account = await register(client)
    response = await client.get("/profile/me")
    assert_unauthorized(response, "unauthorized")
    basic = await me_with(client, "Basic dXNlcjpwYXNz")
    assert_unauthorized(basic, "unauthorized")
    bare = await me_with(client, account["tokens"]["access_token"])  # no scheme
    assert_unauthorized(bare, "unauthorized")
    empty = await me_with(client, "Bearer ")
    assert_unauthorized(empty, "unauthorized")
