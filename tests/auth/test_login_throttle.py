"""Login throttling under pressure: bursts of concurrent guesses, an account guessed from many addresses, and
IPv6 clients that hold a whole /64."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest

from bosonline.kit.clock import FrozenClock
from bosonline.kit.security import PasswordMatch
from bosonline.runtime import Runtime
from tests.auth.helpers import login_attempts
from tests.auth.test_login import WRONG, attempt, fail_times, retry_after
from tests.envelope import assert_error
from tests.factories import PASSWORD, register

ClientAt = Callable[[str], httpx.AsyncClient]


@pytest.fixture
def password_checks(rt: Runtime, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password the runtime's hasher is asked to check, in order."""
    checked: list[str] = []
    check = rt.passwords.check

    async def counting(password_hash: str | None, password: str) -> PasswordMatch:
        checked.append(password)
        return await check(password_hash, password)

    monkeypatch.setattr(rt.passwords, "check", counting)
    return checked


async def test_bursts_of_wrong_logins_check_at_most_the_limit(
    client: httpx.AsyncClient, rt: Runtime, password_checks: list[str]
) -> None:
    """30 guesses at once from one address, twice (on PostgreSQL they really run side by side): each is counted
    before its password is checked, so no more than the limit (5) are ever checked in the window."""
    await register(client, email="serbu@example.com")
    responses: list[httpx.Response] = []
    for _ in range(2):
        responses += await asyncio.gather(*(attempt(client, "serbu@example.com", WRONG) for _ in range(30)))
    statuses = [r.status_code for r in responses]
    checked = len(password_checks)
    # Under load every attempt of a burst may commit its row before any is counted: then none is checked at all.
    assert checked <= rt.settings.login_max_failures, statuses
    assert statuses.count(401) == checked and statuses.count(429) == 60 - checked
    for refused in (r for r in responses if r.status_code == 429):
        assert_error(refused, 429, "too_many_requests")
        assert 0 < retry_after(refused) <= 15 * 60 + 1
    rows = await login_attempts(rt, "serbu@example.com")
    assert sorted(r.outcome for r in rows) == ["failure"] * checked + ["throttled"] * (60 - checked)


async def test_an_account_is_protected_across_many_addresses(
    client: httpx.AsyncClient, client_at: ClientAt, rt: Runtime, clock: FrozenClock, password_checks: list[str]
) -> None:
    """A botnet: every address guesses once. The account's own limit (default 20 failures in the window from
    all addresses together) stops it; the owner logging in meanwhile clears nothing for the botnet."""
    await register(client, email="target@example.com")
    bots = [client_at(f"198.51.100.{n}") for n in range(1, 31)]
    for bot in bots[:19]:
        assert_error(await attempt(bot, "target@example.com", WRONG), 401, "invalid_credentials")
    assert (await attempt(client, "target@example.com", PASSWORD)).status_code == 200
    assert_error(await attempt(bots[19], "target@example.com", WRONG), 401, "invalid_credentials")
    checked = len(password_checks)
    assert checked == 21
    for bot in bots[20:]:
        refused = await attempt(bot, "target@example.com", PASSWORD)
        assert_error(refused, 429, "too_many_requests")
        assert 0 < retry_after(refused) <= 15 * 60 + 1
    assert len(password_checks) == checked  # refused without looking at the password
    # the owner's device that logged in before is not locked out by strangers (review of step 7); a device that
    # never logged in waits for the window; other accounts are untouched
    assert (await attempt(client, "target@example.com", PASSWORD)).status_code == 200
    assert_error(await attempt(client_at("203.0.113.77"), "target@example.com", PASSWORD), 429, "too_many_requests")
    await register(client, email="bystander@example.com")
    assert (await attempt(bots[0], "bystander@example.com", PASSWORD)).status_code == 200
    clock.advance(minutes=15, seconds=1)
    assert (await attempt(client, "target@example.com", PASSWORD)).status_code == 200


async def test_the_account_limit_is_a_setting(client: httpx.AsyncClient, client_at: ClientAt, rt: Runtime) -> None:
    rt.settings.login_max_failures_per_account = 3
    try:
        await register(client, email="kecil@example.com")
        for n in range(1, 4):
            assert_error(
                await attempt(client_at(f"192.0.2.{n}"), "kecil@example.com", WRONG), 401, "invalid_credentials"
            )
        assert_error(await attempt(client_at("192.0.2.9"), "kecil@example.com", PASSWORD), 429, "too_many_requests")
    finally:
        rt.settings.login_max_failures_per_account = 20


async def test_one_ipv6_64_is_one_client(client: httpx.AsyncClient, client_at: ClientAt, rt: Runtime) -> None:
    """An IPv6 subscriber picks any of the 2^64 addresses of its /64: they count as one client."""
    await register(client, email="enam@example.com")
    for n in range(1, 6):
        assert_error(
            await attempt(client_at(f"2001:db8:1:2::{n:x}"), "enam@example.com", WRONG), 401, "invalid_credentials"
        )
    refused = await attempt(client_at("2001:db8:1:2:ffff:ffff:ffff:ffff"), "enam@example.com", PASSWORD)
    assert_error(refused, 429, "too_many_requests")
    # the neighbouring /64 is another client
    assert (await attempt(client_at("2001:db8:1:3::1"), "enam@example.com", PASSWORD)).status_code == 200
    rows = await login_attempts(rt, "enam@example.com")
    assert rows[0].ip == "2001:db8:1:2::1"  # the record keeps the full address


async def test_an_ipv4_mapped_address_is_its_ipv4_client(client: httpx.AsyncClient, client_at: ClientAt) -> None:
    await register(client, email="mapped@example.com")
    await fail_times(client_at("198.51.100.77"), "mapped@example.com", 5)
    refused = await attempt(client_at("::ffff:198.51.100.77"), "mapped@example.com", PASSWORD)
    assert_error(refused, 429, "too_many_requests")
