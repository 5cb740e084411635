"""Defects a review of step 7 found: a forgot-password flood, a grace-period refresh handing out a successor that
was itself rotated, and two resets of one account at once passing the hourly limit."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
from sqlalchemy import func, select

from bosonline.auth.service import AuthService
from bosonline.models import PasswordResetToken
from bosonline.notify import PasswordReset
from bosonline.notify.reset_email import device_of, who_asked
from bosonline.principals import Client
from bosonline.runtime import Runtime
from tests.auth.test_login import WRONG, attempt
from tests.auth.test_refresh_logout import assert_works, refresh, rotate
from tests.envelope import assert_error
from tests.factories import PASSWORD, register

ClientAt = Callable[[str], httpx.AsyncClient]


async def forgot(http: httpx.AsyncClient, email: str) -> httpx.Response:
    return await http.post("/auth/password/forgot", json={"email": email})


async def test_forgot_password_is_limited_per_client_address(client_at: ClientAt, rt: Runtime) -> None:
    """A flood from one client (any addresses asked for, one IPv6 /64) is refused before it crowds out real resets;
    another client is not affected."""
    rt.settings.forgot_password_per_hour = 3
    try:
        for n in range(3):
            response = await forgot(client_at(f"2001:db8:7:7::{n + 1:x}"), f"orang{n}@example.com")
            assert response.status_code == 202, response.text
        refused = await forgot(client_at("2001:db8:7:7::ffff"), "orang9@example.com")
        assert_error(refused, 429, "too_many_requests")
        assert int(refused.headers["retry-after"]) > 0
        assert (await forgot(client_at("2001:db8:7:8::1"), "orang9@example.com")).status_code == 202
    finally:
        rt.settings.forgot_password_per_hour = 20


async def test_grace_never_hands_out_a_successor_that_was_rotated_too(client: httpx.AsyncClient) -> None:
    """Tab A rotates twice within the grace; tab B then presents the first token: it must not get the already
    replaced successor (its next refresh would look like theft and end the login). It is refused, and the login
    (tab A) keeps working."""
    account = await register(client)
    first = account["tokens"]
    second = await rotate(client, first)
    third = await rotate(client, second)
    assert_error(await refresh(client, first), 401, "invalid_refresh_token")
    await assert_works(client, third)
    assert (await refresh(client, third)).status_code == 200


async def test_concurrent_resets_of_one_account_keep_the_hourly_limit(client: httpx.AsyncClient, rt: Runtime) -> None:
    """Eight resets of one account at once (on PostgreSQL really side by side): the account row is locked, so at
    most five tokens are issued in the hour and only the last one is live."""
    await register(client, email="serentak@example.com")
    visitor = Client(ip="198.51.100.1", user_agent="test")

    async def issue() -> bool:
        async with rt.db.session() as session:
            reset = await AuthService(session, rt).issue_reset_token("serentak@example.com", visitor)
            await session.commit()
            return reset is not None

    issued = await asyncio.gather(*(issue() for _ in range(8)))
    assert sum(issued) == 5, issued
    async with rt.db.session() as session:
        live = await session.scalar(
            select(func.count()).select_from(PasswordResetToken).where(PasswordResetToken.used_at.is_(None))
        )
    assert live == 1


async def test_strangers_cannot_lock_the_owner_out_of_a_device_that_logged_in_before(
    client: httpx.AsyncClient, client_at: ClientAt, rt: Runtime
) -> None:
    """Many addresses spend the account-wide budget; the owner's phone, which logged in to the account before,
    still logs in (within its own per-client limit), while a new address is still refused."""
    await register(client, email="pemilik@example.com")
    phone = client_at("203.0.113.50")
    assert (await attempt(phone, "pemilik@example.com", PASSWORD)).status_code == 200
    rt.settings.login_max_failures_per_account = 3
    try:
        for n in range(1, 5):
            await attempt(client_at(f"198.51.100.{n}"), "pemilik@example.com", WRONG)
        assert_error(
            await attempt(client_at("198.51.100.99"), "pemilik@example.com", PASSWORD), 429, "too_many_requests"
        )
        assert (await attempt(phone, "pemilik@example.com", PASSWORD)).status_code == 200
    finally:
        rt.settings.login_max_failures_per_account = 20


async def test_the_reset_email_never_quotes_the_requesters_user_agent(client: httpx.AsyncClient, rt: Runtime) -> None:
    """Whoever asks chooses the User-Agent: the victim's genuine e-mail must not carry the asker's words."""
    await register(client, email="korban@example.com")
    phishing = "Mozilla/5.0 ALERT: verifikasi akun Anda di evil.example sekarang"
    response = await client.post(
        "/auth/password/forgot", json={"email": "korban@example.com"}, headers={"User-Agent": phishing}
    )
    assert response.status_code == 202
    await rt.background.drain(timeout=10)
    [sent] = rt.notifier.resets  # type: ignore[attr-defined]
    text = who_asked(PasswordReset(**sent))
    assert "evil.example" not in text and "ALERT" not in text
    assert device_of("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36") == (
        "Chrome di Android"
    )
