"""Password reset e-mail over SMTP, against a real SMTP server on 127.0.0.1 (aiosmtpd): the message, its link
through the API, TLS modes and login, a hung server, and logs that never carry the token."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bosonline.config import Settings
from bosonline.kit.security import hash_token
from bosonline.logging import configure_logging
from bosonline.models import PasswordResetToken
from bosonline.notify import LogNotifier, SmtpNotifier, UndeliverableNotifier, notifier_for
from bosonline.runtime import Runtime
from tests.auth.smtp_server import Received, self_signed_certificate, silent_server, smtp_server
from tests.conftest import test_settings as settings_for_tests
from tests.factories import PASSWORD, register

NEW_PASSWORD = "kata-sandi-baru-456"
SENDER = "no-reply@bosonline.test"
BROWSER = "Mozilla/5.0 (Linux; Android 14) Chrome/131.0 Mobile"
TOKEN_LIKE = re.compile(r"[A-Za-z0-9_\-]{40,}")
LINK = re.compile(r"http://test/reset-password#token=([A-Za-z0-9_\-%]+)")


def smtp_settings(rt: Runtime, port: int, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "public_base_url": "http://test",
        "smtp_host": "127.0.0.1",
        "smtp_port": port,
        "smtp_tls": "none",
        "smtp_sender": SENDER,
        "smtp_timeout_seconds": 10,
    }
    return settings_for_tests(rt.settings.data_dir, rt.settings.effective_database_url, **{**values, **overrides})


def use_smtp(rt: Runtime, port: int, **overrides: Any) -> None:
    """The runtime sends resets the way a deployment with these settings does (the `rt` fixture puts the
    recording notifier back for the next test)."""
    notifier = notifier_for(smtp_settings(rt, port, **overrides))
    assert isinstance(notifier, SmtpNotifier)
    rt.notifier = notifier


@pytest.fixture
def logs(
    rt: Runtime, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> Iterator[Callable[[], str]]:
    """Everything logged, at every level (DEBUG included): our structured log on stderr and the standard library's
    records of aiosmtplib and bosonline."""
    configure_logging("DEBUG", "json")
    caplog.set_level(logging.DEBUG)
    capsys.readouterr()

    def read() -> str:
        ours = [r.getMessage() for r in caplog.records if not r.name.startswith("mail.")]  # not the test server's
        return capsys.readouterr().err + "\n".join(ours)

    yield read
    configure_logging(rt.settings.log_level, rt.settings.log_format)


async def forgot(client: httpx.AsyncClient, rt: Runtime, email: str) -> httpx.Response:
    response = await client.post("/auth/password/forgot", json={"email": email}, headers={"User-Agent": BROWSER})
    assert response.status_code == 202, response.text
    await rt.background.drain()
    return response


async def reset_token_hashes(rt: Runtime) -> list[str]:
    async with rt.db.session(write=False) as session:
        return list((await session.scalars(select(PasswordResetToken.token_hash))).all())


def body_of(mail: Received) -> str:
    part = mail.message.get_body(("plain",))
    assert part is not None
    return str(part.get_content())  # type: ignore[attr-defined]


async def test_the_email_arrives_in_indonesian_and_its_link_resets_the_password(
    client: httpx.AsyncClient, rt: Runtime, logs: Callable[[], str]
) -> None:
    await register(client, email="sri@example.com", name="Sri Wahyuni")
    with smtp_server() as (mailbox, port):
        use_smtp(rt, port)
        known = await forgot(client, rt, "sri@example.com")
        unknown = await forgot(client, rt, "tidak-ada@example.com")
    assert known.json() == unknown.json()

    [mail] = mailbox.received  # nothing for the unknown address
    assert mail.recipients == ["sri@example.com"] and mail.sender == SENDER
    assert mail.message["To"] == "Sri Wahyuni <sri@example.com>"
    assert mail.message["From"] == f"Bosonline <{SENDER}>"
    assert mail.message["Subject"] == "Atur ulang kata sandi akun Bosonline Anda"
    text = body_of(mail)
    assert text.startswith("Halo Sri Wahyuni,")
    assert "mengatur ulang kata sandi akun Bosonline dengan email sri@example.com" in text
    # who asked: when (in WIB; the frozen clock is 21 Nov 2026 03:00 UTC), from which address and browser
    assert "21 November 2026 pukul 10.00 WIB dari alamat IP 203.0.113.7, peramban: Chrome di Android" in text
    assert "Link ini berlaku 60 menit dan hanya bisa dipakai sekali" in text
    assert "Jika Anda tidak meminta ini, abaikan email ini" in text
    html = mail.message.get_body(("html",))
    assert html is not None and "Buat kata sandi baru" in html.get_content()  # type: ignore[attr-defined]

    [token] = LINK.findall(text)
    page = await client.get("/reset-password")
    assert page.status_code == 200 and "Atur ulang kata sandi" in page.text
    reset = await client.post("/auth/password/reset", json={"token": token, "password": NEW_PASSWORD})
    assert reset.status_code == 200, reset.text
    assert (
        await client.post("/auth/login", json={"email": "sri@example.com", "password": PASSWORD})
    ).status_code == 401
    fresh = await client.post("/auth/login", json={"email": "sri@example.com", "password": NEW_PASSWORD})
    assert fresh.status_code == 200, fresh.text

    logged = logs()
    assert "password_reset_mail_sent" in logged
    assert token not in logged


async def test_starttls_with_login(
    client: httpx.AsyncClient, rt: Runtime, tmp_path: Path, logs: Callable[[], str]
) -> None:
    await register(client, email="tls@example.com")
    certificate = self_signed_certificate(tmp_path)
    login = ("mailer", "rahasia-smtp-123")
    with smtp_server(tls="starttls", certificate=certificate, login=login) as (mailbox, port):
        use_smtp(
            rt, port, smtp_tls="starttls", smtp_ca_file=certificate[0], smtp_username=login[0], smtp_password=login[1]
        )
        await forgot(client, rt, "tls@example.com")
    [mail] = mailbox.received
    assert mail.tls and mail.login == login
    [token] = LINK.findall(body_of(mail))
    logged = logs()
    assert token not in logged and login[1] not in logged


async def test_implicit_tls(client: httpx.AsyncClient, rt: Runtime, tmp_path: Path) -> None:
    await register(client, email="ssl@example.com")
    certificate = self_signed_certificate(tmp_path)
    with smtp_server(tls="implicit", certificate=certificate) as (mailbox, port):
        use_smtp(rt, port, smtp_tls="implicit", smtp_ca_file=certificate[0])
        await forgot(client, rt, "ssl@example.com")
    [mail] = mailbox.received
    assert mail.tls and mail.recipients == ["ssl@example.com"]


async def test_a_certificate_that_is_not_trusted_sends_nothing(
    client: httpx.AsyncClient, rt: Runtime, tmp_path: Path, logs: Callable[[], str]
) -> None:
    await register(client, email="palsu@example.com")
    with smtp_server(tls="starttls", certificate=self_signed_certificate(tmp_path)) as (mailbox, port):
        use_smtp(rt, port, smtp_tls="starttls")  # the system's CAs do not know the test's certificate
        await forgot(client, rt, "palsu@example.com")
    assert mailbox.received == []
    assert "password_reset_mail_failed" in logs()


async def test_a_hung_server_neither_delays_the_answer_nor_leaks_the_token(
    client: httpx.AsyncClient, rt: Runtime, logs: Callable[[], str]
) -> None:
    await register(client, email="macet@example.com")
    with silent_server() as port:
        use_smtp(rt, port, smtp_timeout_seconds=2)
        response = await client.post("/auth/password/forgot", json={"email": "macet@example.com"})
        assert response.status_code == 202
        assert rt.background.pending == 1  # answered while the e-mail is still waiting for the server
        assert await rt.background.drain(timeout=10)
    logged = logs()
    [failure] = [line for line in logged.splitlines() if "password_reset_mail_failed" in line]
    assert '"level": "error"' in failure and "Timeout" in failure
    [stored] = await reset_token_hashes(rt)  # a token was made (and would work): nothing logged is that token
    assert not [word for word in TOKEN_LIKE.findall(logged) if hash_token(word) == stored]
    assert "#token=" not in logged


async def test_the_log_notifier_keeps_links_at_debug(
    client: httpx.AsyncClient, rt: Runtime, logs: Callable[[], str], caplog: pytest.LogCaptureFixture
) -> None:
    await register(client, email="dev@example.com")
    settings = settings_for_tests(rt.settings.data_dir, rt.settings.effective_database_url, notifier="log")
    rt.notifier = notifier_for(settings)
    assert isinstance(rt.notifier, LogNotifier)

    configure_logging("INFO", "json")  # what production keeps
    caplog.set_level(logging.INFO)
    await forgot(client, rt, "dev@example.com")
    [first] = await reset_token_hashes(rt)
    logged = logs()
    assert "#token=" not in logged and not [word for word in TOKEN_LIKE.findall(logged) if hash_token(word) == first]

    configure_logging("DEBUG", "json")
    await forgot(client, rt, "dev@example.com")
    [line] = [line for line in logs().splitlines() if "password_reset_link" in line]
    assert '"level": "debug"' in line and "/reset-password#token=" in line


def test_the_notifier_follows_the_settings(tmp_path: Path) -> None:
    def settings(**values: Any) -> Settings:
        return settings_for_tests(tmp_path, "sqlite+aiosqlite:///x.db", **values)

    assert isinstance(notifier_for(settings()), UndeliverableNotifier)
    assert isinstance(notifier_for(settings(notifier="log")), LogNotifier)
    smtp = {"smtp_host": "mail.example.com", "smtp_sender": SENDER, "public_base_url": "https://app.example.com"}
    assert isinstance(notifier_for(settings(**smtp)), SmtpNotifier)
    assert settings(**smtp).effective_smtp_port == 587
    assert settings(**smtp, smtp_tls="implicit").effective_smtp_port == 465
    for missing in ("smtp_sender", "public_base_url"):
        with pytest.raises(ValueError, match=missing):
            settings(**{**smtp, missing: None if missing == "smtp_sender" else ""})
    with pytest.raises(ValueError, match="smtp_host"):
        settings(notifier="smtp")
    with pytest.raises(ValueError, match="localhost"):
        settings(**smtp, smtp_tls="none")
