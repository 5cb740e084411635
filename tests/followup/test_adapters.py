"""Each WhatsApp adapter against its fake gateway (tests/followup/fakes.py): outcomes as the dispatcher needs them
(sent / retry / failed / unknown), image sends, device checks."""

from __future__ import annotations

import gzip
import json
import socket
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bosonline.integrations.whatsapp.base import PROVIDERS, OutgoingMessage, WhatsAppAdapter
from bosonline.integrations.whatsapp.registry import adapter_for
from bosonline.integrations.whatsapp.schemas import credential_value_problem
from tests.conftest import test_settings as make_settings
from tests.followup.fakes import FakeGateway

TOKEN = "tok-" + "a" * 20
DEADLINE = 0.4


def credentials(provider: str, token: str = TOKEN) -> dict[str, str]:
    return {
        "fonnte": {"token": token},
        "wablas": {"token": token, "server": "tegal"},
        "starsender": {"token": token},
        "whatsapp_cloud": {"phone_number_id": "1234567890", "access_token": token, "app_secret": "s" * 32},
    }[provider]


@pytest.fixture(params=PROVIDERS)
def provider(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def gateway(provider: str) -> AsyncIterator[FakeGateway]:
    async with FakeGateway(provider, token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def make_adapter(
    provider: str, http: httpx.AsyncClient, tmp_path: Path, base_url: str, token: str = TOKEN, **creds: Any
) -> WhatsAppAdapter:
    settings = make_settings(
        tmp_path, "sqlite+aiosqlite:///:memory:", wa_send_timeout_seconds=DEADLINE, **{f"{provider}_base_url": base_url}
    )
    return adapter_for(provider, credentials(provider, token) | creds, "6281200000000", http, settings)


@pytest.fixture
def adapter(provider: str, gateway: FakeGateway, http: httpx.AsyncClient, tmp_path: Path) -> WhatsAppAdapter:
    return make_adapter(provider, http, tmp_path, gateway.base_url)


MESSAGE = OutgoingMessage(to="6281234567890", text="Halo Kak Putri,\nini pesanan INV/1 🙏", reference="42")


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_sent_with_the_providers_message_id(provider: str, gateway: FakeGateway, adapter: WhatsAppAdapter):
    result = await adapter.send(MESSAGE)

    assert result.outcome == "sent", result
    [sent] = gateway.messages
    assert result.message_id == sent.id
    assert (sent.to, sent.text, sent.image) == ("6281234567890", MESSAGE.text, None)
    assert sent.auth == (f"Bearer {TOKEN}" if provider == "whatsapp_cloud" else TOKEN)
    if provider == "whatsapp_cloud":
        assert sent.reference == "42"
        assert sent.fields["text"] == {"body": MESSAGE.text, "preview_url": False}
        assert sent.fields["recipient_type"] == "individual"
        assert sent.path == "/v25.0/1234567890/messages"  # the default Graph API version


async def test_gzipped_answers_are_read(provider: str, gateway: FakeGateway, adapter: WhatsAppAdapter):
    gateway.compress = True

    result = await adapter.send(MESSAGE)
    check = await adapter.check()

    assert result.outcome == "sent", result
    assert result.message_id == gateway.messages[0].id
    assert (check.ok, check.status) == (True, "connected"), check
    assert "gzip" in gateway.requests[0].headers.get("accept-encoding", "")


async def test_a_decompression_bomb_is_not_read(provider: str, tmp_path: Path):
    bomb = gzip.compress(b'{"status": true, "success": true, "x": "' + b"a" * (8 * 1024 * 1024) + b'"}')
    assert len(bomb) < 64 * 1024
    transport = httpx.MockTransport(
        lambda request: httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(bomb))
    )
    async with httpx.AsyncClient(transport=transport) as client:
        result = await make_adapter(provider, client, tmp_path, "http://gateway.test").send(MESSAGE)
    assert result.outcome == "unknown", result
    assert result.error and "too large" in result.error


async def test_ids_are_unique_per_send(gateway: FakeGateway, adapter: WhatsAppAdapter):
    ids = {(await adapter.send(MESSAGE)).message_id for _ in range(5)}
    assert len(ids) == 5 and None not in ids


async def test_image_send(provider: str, gateway: FakeGateway, adapter: WhatsAppAdapter):
    message = OutgoingMessage(to="6281234567890", text="Ini fotonya", image_url="https://cdn.example.com/a.jpg")

    result = await adapter.send(message)

    assert result.outcome == "sent", result
    [sent] = gateway.messages
    assert (sent.text, sent.image) == ("Ini fotonya", "https://cdn.example.com/a.jpg")
    if provider == "wablas":
        assert sent.path == "/api/send-image"
    if provider == "starsender":
        assert sent.fields["messageType"] == "media"


async def test_wrong_token_fails(provider: str, gateway: FakeGateway, http: httpx.AsyncClient, tmp_path: Path):
    adapter = make_adapter(provider, http, tmp_path, gateway.base_url, token="wrong-token")

    result = await adapter.send(MESSAGE)

    assert result.outcome == "failed"
    assert result.error is not None and result.error.startswith("unauthorized: check the token")
    assert gateway.messages == []


@pytest.mark.parametrize("provider", ["fonnte", "wablas", "starsender"])
async def test_wrong_token_answered_with_200_and_a_failure_flag(
    provider: str, gateway: FakeGateway, http: httpx.AsyncClient, tmp_path: Path
):
    gateway.auth_status = 200
    adapter = make_adapter(provider, http, tmp_path, gateway.base_url, token="wrong-token")

    result = await adapter.send(MESSAGE)

    assert result.outcome == "failed"
    assert result.error is not None and result.error.startswith("unauthorized: check the token")


@pytest.mark.parametrize(
    ("status", "outcome"),
    [(500, "unknown"), (502, "unknown"), (429, "retry"), (503, "retry"), (400, "failed"), (404, "failed")],
)
async def test_http_errors(status: int, outcome: str, gateway: FakeGateway, adapter: WhatsAppAdapter):
    gateway.fail_next, gateway.fail_status = 1, status

    result = await adapter.send(MESSAGE)

    assert result.outcome == outcome, result
    assert result.error and str(status) in result.error
    assert (await adapter.send(MESSAGE)).outcome == "sent"  # the knob was used up


async def test_connection_refused_is_retry(provider: str, http: httpx.AsyncClient, tmp_path: Path):
    base = f"http://127.0.0.1:{closed_port()}" + ("/v21.0" if provider == "whatsapp_cloud" else "")
    adapter = make_adapter(provider, http, tmp_path, base)

    result = await adapter.send(MESSAGE)

    assert result.outcome == "retry", result
    assert result.error and "cannot reach" in result.error


async def test_hang_is_unknown_within_the_deadline(gateway: FakeGateway, adapter: WhatsAppAdapter):
    gateway.hang_next = 1
    started = time.monotonic()

    result = await adapter.send(MESSAGE)

    assert result.outcome == "unknown", result
    assert time.monotonic() - started < DEADLINE + 1.0
    assert len(gateway.messages) == 1  # the gateway got it: exactly why it must not be sent again


async def test_dropped_connection_is_unknown(gateway: FakeGateway, adapter: WhatsAppAdapter):
    gateway.drop_next = 1
    result = await adapter.send(MESSAGE)
    assert result.outcome == "unknown", result


async def test_garbage_answer_is_unknown(gateway: FakeGateway, adapter: WhatsAppAdapter):
    gateway.garbage_next = 1
    result = await adapter.send(MESSAGE)
    assert result.outcome == "unknown", result
    assert result.error and "unreadable" in result.error


async def test_explicit_refusal_is_failed(provider: str, gateway: FakeGateway, adapter: WhatsAppAdapter):
    gateway.reject_next = 1

    result = await adapter.send(MESSAGE)

    assert result.outcome == "failed", result
    if provider == "whatsapp_cloud":
        assert result.error and "24-hour" in result.error
    assert gateway.messages == []


@pytest.mark.parametrize("code", [130429, 131056, 80007, 4])
@pytest.mark.parametrize("provider", ["whatsapp_cloud"])
async def test_meta_rate_limits_are_retry(code: int, gateway: FakeGateway, adapter: WhatsAppAdapter):
    gateway.reject_next, gateway.reject_code = 1, code
    result = await adapter.send(MESSAGE)
    assert result.outcome == "retry", result
    assert str(code) in (result.error or "")


@pytest.mark.parametrize("provider", ["fonnte", "starsender"])
async def test_errors_are_short_printable_lines(gateway: FakeGateway, adapter: WhatsAppAdapter):
    gateway.reject_next, gateway.reject_reason = 1, "bad\r\nnumber\x00\x1b[31m" + "x" * 1000

    result = await adapter.send(MESSAGE)

    assert result.outcome == "failed"
    assert result.error is not None and len(result.error) <= 300
    assert result.error.isprintable()


async def test_missing_credentials_fail_without_a_request(
    provider: str, gateway: FakeGateway, http: httpx.AsyncClient, tmp_path: Path
):
    settings = make_settings(tmp_path, "sqlite+aiosqlite:///:memory:", **gateway.settings_overrides())
    adapter = adapter_for(provider, {}, "6281200000000", http, settings)

    result = await adapter.send(MESSAGE)

    assert result.outcome == "failed" and "credentials incomplete" in (result.error or "")
    assert gateway.requests == []


def test_unknown_provider(tmp_path: Path):
    with pytest.raises(ValueError):
        adapter_for("telegram", {}, "628", httpx.AsyncClient(), None)


# -- device checks ---------------------------------------------------------------------------------------------
async def test_check_connected(gateway: FakeGateway, adapter: WhatsAppAdapter):
    result = await adapter.check()
    assert (result.ok, result.status) == (True, "connected"), result
    assert gateway.messages == []


@pytest.mark.parametrize("provider", ["fonnte", "wablas", "starsender"])
async def test_check_disconnected(gateway: FakeGateway, adapter: WhatsAppAdapter):
    gateway.connected = False
    result = await adapter.check()
    assert (result.ok, result.status) == (False, "disconnected"), result


async def test_check_unauthorized(provider: str, gateway: FakeGateway, http: httpx.AsyncClient, tmp_path: Path):
    adapter = make_adapter(provider, http, tmp_path, gateway.base_url, token="wrong-token")
    result = await adapter.check()
    assert (result.ok, result.status) == (False, "unauthorized"), result


async def test_check_unreachable(provider: str, http: httpx.AsyncClient, tmp_path: Path):
    adapter = make_adapter(provider, http, tmp_path, f"http://127.0.0.1:{closed_port()}")
    result = await adapter.check()
    assert (result.ok, result.status) == (False, "unreachable"), result


async def test_check_of_a_request_that_cannot_be_built_is_an_error(
    provider: str, http: httpx.AsyncClient, tmp_path: Path
):
    adapter = make_adapter(provider, http, tmp_path, "http://[::1")  # an invalid URL: nothing can be sent

    result = await adapter.check()
    sent = await adapter.send(MESSAGE)

    assert (result.ok, result.status) == (False, "error"), result
    assert "cannot build the request" in result.detail
    assert sent.outcome == "failed", sent


async def test_check_garbage_is_an_error(gateway: FakeGateway, adapter: WhatsAppAdapter):
    gateway.garbage_next = 1
    result = await adapter.check()
    assert (result.ok, result.status) == (False, "error"), result


async def test_wablas_server_goes_into_the_url(http: httpx.AsyncClient, tmp_path: Path):
    async with FakeGateway("wablas", token=TOKEN) as gateway:
        adapter = make_adapter("wablas", http, tmp_path, gateway.base_url + "/{server}")
        assert (await adapter.send(MESSAGE)).outcome == "sent"
        assert gateway.messages[0].path == "/tegal/api/send-message"
        bad = make_adapter("wablas", http, tmp_path, gateway.base_url + "/{server}", server="evil/../x")
        result = await bad.send(MESSAGE)
        assert result.outcome == "failed" and "server" in (result.error or "")
        assert len(gateway.requests) == 1


@pytest.mark.parametrize(
    "server",
    [
        "tegal",
        "solo-2",
        "a" * 40,
        "9",
        "-tegal",
        "tegal-",
        "a" * 41,
        "Tegal",
        "tegal\n",
        " tegal",
        "a" * 63,
        "te.gal",
        "",
    ],
)
async def test_wablas_server_is_judged_alike_when_saved_and_when_sending(
    server: str, http: httpx.AsyncClient, tmp_path: Path
):
    saved = credential_value_problem("server", server) is None
    async with FakeGateway("wablas", token=TOKEN) as gateway:
        adapter = make_adapter("wablas", http, tmp_path, gateway.base_url + "/{server}", server=server)
        result = await adapter.send(MESSAGE)
    assert (result.outcome == "sent") == saved, (server, result)


# -- malformed answers (in-process transport: the body is exactly what the test says) ----------------------------
MALFORMED = [
    b"null",
    b"[]",
    b'"ok"',
    b'{"status": "yes", "success": "yes"}',
    b"[" * 100_000,
    b'{"messages": [], "data": [], "status": null}',
    b'{"messages": [{"id": {"x": 1}}]}',
    b"\xff\xfe\x00",
]


@pytest.mark.parametrize("body", MALFORMED, ids=range(len(MALFORMED)))
async def test_malformed_2xx_answers_are_unknown(provider: str, body: bytes, tmp_path: Path):
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=httpx.ByteStream(body)))
    async with httpx.AsyncClient(transport=transport) as client:
        adapter = make_adapter(provider, client, tmp_path, "http://gateway.test")
        result = await adapter.send(MESSAGE)
        check = await adapter.check()
    assert result.outcome == "unknown", result
    assert result.error and len(result.error) <= 300 and result.error.isprintable()
    assert "internal error" not in result.error
    assert (check.ok, check.status) == (False, "error")


@pytest.mark.parametrize("provider", ["fonnte", "wablas", "starsender"])
async def test_accepted_without_an_id_is_sent(provider: str, tmp_path: Path):
    flag = {"fonnte": "status", "wablas": "status", "starsender": "success"}[provider]
    body = json.dumps({flag: True, "data": {}}).encode()
    transport = httpx.MockTransport(lambda request: httpx.Response(200, stream=httpx.ByteStream(body)))
    async with httpx.AsyncClient(transport=transport) as client:
        result = await make_adapter(provider, client, tmp_path, "http://gateway.test").send(MESSAGE)
    assert (result.outcome, result.message_id) == ("sent", None)
