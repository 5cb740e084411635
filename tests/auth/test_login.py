"""POST /auth/login: shape, uniform failures, the login_attempts record and throttling per email+IP."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bosonline.app import create_app
from bosonline.kit.clock import FrozenClock
from bosonline.runtime import Runtime
from tests.auth.helpers import OTHER_IP, TEST_IP, get_me, login_attempts, sessions_of
from tests.envelope import assert_error, assert_validation
from tests.factories import PASSWORD, register

WRONG = "salah-sekali-99"


@pytest.fixture
async def other_ip_client(rt: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(runtime=rt), client=(OTHER_IP, 1))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def attempt(client: httpx.AsyncClient, email: str, password: str, **headers: str) -> httpx.Response:
    return await client.post("/auth/login", json={"email": email, "password": password}, headers=headers)


async def fail_times(client: httpx.AsyncClient, email: str, times: int) -> None:
    for _ in range(times):
        assert_error(await attempt(client, email, WRONG), 401, "invalid_credentials")


def retry_after(response: httpx.Response) -> int:
    value = response.headers.get("Retry-After")
    assert value is not None and value.isdigit(), response.headers
    assert int(value) > 0
    return int(value)


async def test_login_returns_the_token_pair_and_the_user(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await register(client, email="ani@example.com")
    response = await attempt(client, "ani@example.com", PASSWORD, **{"User-Agent": "pytest-browser/1.0"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"data"}
    data = body["data"]
    assert set(data) == {"access_token", "refresh_token", "token_type", "expires_in", "user"}
    assert data["user"] == account["user"]  # the same account object Register answers
    assert data["token_type"] == "bearer"
    assert data["expires_in"] == 900
    assert data["refresh_token"] != account["tokens"]["refresh_token"]
    assert data["access_token"] != account["tokens"]["access_token"]
    me = await get_me(client, data)
    assert me.status_code == 200, me.text
    # a second, independent login session next to the one registration opened
    sessions = await sessions_of(rt, account["user"]["id"])
    assert len(sessions) == 2
    assert sessions[1].user_agent == "pytest-browser/1.0" and sessions[1].ip == TEST_IP


async def test_email_is_case_insensitive(client: httpx.AsyncClient, rt: Runtime) -> None:
    await register(client, email="wati@example.com")
    response = await attempt(client, "  WATI@Example.com ", PASSWORD)
    assert response.status_code == 200, response.text
    [row] = await login_attempts(rt)
    assert row.email == "wati@example.com"


async def test_wrong_password_and_unknown_email_look_the_same(client: httpx.AsyncClient, rt: Runtime) -> None:
    await register(client, email="joko@example.com")
    wrong = assert_error(await attempt(client, "joko@example.com", WRONG), 401, "invalid_credentials")
    unknown = assert_error(await attempt(client, "nobody@example.com", PASSWORD), 401, "invalid_credentials")
    case = assert_error(await attempt(client, "joko@example.com", PASSWORD.upper()), 401, "invalid_credentials")
    assert wrong == unknown == case
    assert "fields" not in wrong


async def test_every_attempt_is_recorded(client: httpx.AsyncClient, rt: Runtime) -> None:
    account = await register(client, email="rina@example.com")
    ua = {"User-Agent": "Mozilla/5.0 (test)"}
    assert (await attempt(client, "rina@example.com", WRONG, **ua)).status_code == 401
    assert (await attempt(client, "ghost@example.com", WRONG, **ua)).status_code == 401
    assert (await attempt(client, "rina@example.com", PASSWORD, **ua)).status_code == 200
    rows = await login_attempts(rt)
    assert [(r.email, r.outcome) for r in rows] == [
        ("rina@example.com", "failure"),
        ("ghost@example.com", "failure"),
        ("rina@example.com", "success"),
    ]
    assert all(r.ip == TEST_IP and r.user_agent == "Mozilla/5.0 (test)" for r in rows)
    assert [r.user_id for r in rows] == [account["user"]["id"], None, account["user"]["id"]]


async def test_sixth_attempt_after_five_failures_is_throttled_even_with_the_right_password(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    await register(client, email="tono@example.com")
    await fail_times(client, "tono@example.com", 5)
    response = await attempt(client, "tono@example.com", PASSWORD)
    error = assert_error(response, 429, "too_many_requests")
    assert "fields" not in error
    assert 0 < retry_after(response) <= 15 * 60 + 1
    # still throttled, and nothing was issued
    again = await attempt(client, "tono@example.com", PASSWORD)
    assert_error(again, 429, "too_many_requests")
    rows = await login_attempts(rt, "tono@example.com")
    assert [r.outcome for r in rows] == ["failure"] * 5 + ["throttled"] * 2
    assert all(r.ip == TEST_IP for r in rows)
    user_id = rows[0].user_id
    assert user_id is not None
    assert len(await sessions_of(rt, user_id)) == 1  # only the one registration opened


async def test_four_failures_do_not_throttle(client: httpx.AsyncClient) -> None:
    await register(client, email="ucok@example.com")
    await fail_times(client, "ucok@example.com", 4)
    assert (await attempt(client, "ucok@example.com", PASSWORD)).status_code == 200


async def test_unknown_email_is_throttled_too(client: httpx.AsyncClient, rt: Runtime) -> None:
    await fail_times(client, "ghost@example.com", 5)
    assert_error(await attempt(client, "ghost@example.com", WRONG), 429, "too_many_requests")
    rows = await login_attempts(rt, "ghost@example.com")
    assert rows[-1].outcome == "throttled" and rows[-1].user_id is None


async def test_throttle_is_per_ip(client: httpx.AsyncClient, other_ip_client: httpx.AsyncClient, rt: Runtime) -> None:
    await register(client, email="lina@example.com")
    await fail_times(client, "lina@example.com", 5)
    assert_error(await attempt(client, "lina@example.com", PASSWORD), 429, "too_many_requests")
    response = await attempt(other_ip_client, "lina@example.com", PASSWORD)
    assert response.status_code == 200, response.text
    rows = await login_attempts(rt, "lina@example.com")
    assert (rows[-1].ip, rows[-1].outcome) == (OTHER_IP, "success")
    # the success from elsewhere does not lift the throttle on the first address
    assert_error(await attempt(client, "lina@example.com", PASSWORD), 429, "too_many_requests")


async def test_throttle_is_per_email(client: httpx.AsyncClient) -> None:
    await register(client, email="one@example.com")
    await register(client, email="two@example.com")
    await fail_times(client, "one@example.com", 5)
    assert (await attempt(client, "two@example.com", PASSWORD)).status_code == 200
    # different case of the throttled address is the same address
    assert_error(await attempt(client, "ONE@example.com", PASSWORD), 429, "too_many_requests")


async def test_login_works_again_after_the_window(client: httpx.AsyncClient, clock: FrozenClock) -> None:
    await register(client, email="agus@example.com")
    await fail_times(client, "agus@example.com", 5)
    assert_error(await attempt(client, "agus@example.com", PASSWORD), 429, "too_many_requests")
    clock.advance(minutes=14)
    assert_error(await attempt(client, "agus@example.com", PASSWORD), 429, "too_many_requests")
    clock.advance(minutes=2)
    response = await attempt(client, "agus@example.com", PASSWORD)
    assert response.status_code == 200, response.text


async def test_window_slides_and_retry_after_counts_from_the_oldest_failure(
    client: httpx.AsyncClient, clock: FrozenClock
) -> None:
    await register(client, email="dedi@example.com")
    await fail_times(client, "dedi@example.com", 3)
    clock.advance(minutes=10)
    await fail_times(client, "dedi@example.com", 2)
    throttled = await attempt(client, "dedi@example.com", PASSWORD)
    assert_error(throttled, 429, "too_many_requests")
    # the oldest failure leaves the 15-minute window in 5 minutes
    assert 5 * 60 <= retry_after(throttled) <= 5 * 60 + 1
    clock.advance(minutes=5, seconds=1)
    # three failures have aged out: two remain, so a wrong password is a plain 401 again
    assert_error(await attempt(client, "dedi@example.com", WRONG), 401, "invalid_credentials")
    assert (await attempt(client, "dedi@example.com", PASSWORD)).status_code == 200


async def test_a_success_resets_the_failure_count(client: httpx.AsyncClient, rt: Runtime) -> None:
    await register(client, email="yani@example.com")
    await fail_times(client, "yani@example.com", 4)
    assert (await attempt(client, "yani@example.com", PASSWORD)).status_code == 200
    await fail_times(client, "yani@example.com", 4)
    assert (await attempt(client, "yani@example.com", PASSWORD)).status_code == 200
    await fail_times(client, "yani@example.com", 5)
    assert_error(await attempt(client, "yani@example.com", PASSWORD), 429, "too_many_requests")


async def test_invalid_login_body_is_422(client: httpx.AsyncClient, rt: Runtime) -> None:
    cases: list[tuple[dict[str, object], str]] = [
        ({"password": PASSWORD}, "email"),
        ({"email": "a@example.com"}, "password"),
        ({"email": "not-an-email", "password": PASSWORD}, "email"),
        ({"email": "a@example.com", "password": ""}, "password"),
        ({"email": "a@example.com", "password": "p" * 129}, "password"),
        ({"email": "a@example.com", "password": PASSWORD, "remember": True}, "remember"),
    ]
    for body, field in cases:
        response = await client.post("/auth/login", json=body)
        assert response.status_code == 422, (body, response.text)
        assert_validation(response, field)
    assert await login_attempts(rt) == []


async def test_login_body_not_json_is_400(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/login", content=b'{"email": ', headers={"Content-Type": "application/json"})
    assert_error(response, 400, "invalid_json")
