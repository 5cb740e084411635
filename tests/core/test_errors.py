"""One error envelope for every failure, request ids on every response, and no 500 for hostile bodies."""

from __future__ import annotations

import base64
import dataclasses
import json
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bosonline.app import create_app
from bosonline.logging import configure_logging
from bosonline.runtime import Runtime
from tests.conftest import test_settings as make_settings
from tests.envelope import assert_error
from tests.factories import seller

TEN_MB = 10 * 1024 * 1024
_HEX_ID = re.compile(r"^[0-9a-f]{32}$")


async def _chunks(total: int, size: int = 256 * 1024) -> AsyncIterator[bytes]:
    sent = 0
    while sent < total:
        chunk = b" " * min(size, total - sent)
        sent += len(chunk)
        yield chunk


# unknown routes and methods


@pytest.mark.parametrize("path", ["/nope", "/profile/me/extra", "/store/staff/1/unknown", "/%00"])
async def test_unknown_route_is_404_envelope(client: httpx.AsyncClient, path: str) -> None:
    assert_error(await client.get(path), 404, "not_found")


async def test_unknown_route_with_any_method_is_404_envelope(client: httpx.AsyncClient) -> None:
    assert_error(await client.post("/does-not-exist", json={"a": 1}), 404, "not_found")


@pytest.mark.parametrize(("method", "path"), [("DELETE", "/health"), ("POST", "/profile/me"), ("GET", "/auth/login")])
async def test_wrong_method_is_405_envelope(client: httpx.AsyncClient, method: str, path: str) -> None:
    response = await client.request(method, path)
    assert_error(response, 405, "method_not_allowed")
    assert response.headers.get("allow")


async def test_missing_record_is_404_record_not_found(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    response = await client.get("/store/staff/987654", headers=owner["headers"])
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Record not found"}}


# bodies that are not what the endpoint wants


@pytest.mark.parametrize("raw", [b"{bad", b'{"email": "a@example.com",', b"\xff\xfe\x00", b"", b"nul"])
async def test_invalid_json_is_400_invalid_json(client: httpx.AsyncClient, raw: bytes) -> None:
    response = await client.post("/auth/login", content=raw, headers={"content-type": "application/json"})
    if raw == b"":
        # An empty body is a missing body: 422, not a parse error.
        assert_error(response, 422, "validation_error")
    else:
        assert_error(response, 400, "invalid_json")


@pytest.mark.parametrize("payload", [[1, 2], ["email"], "a string", 42, None, True])
async def test_json_that_is_not_an_object_is_422(client: httpx.AsyncClient, payload: Any) -> None:
    response = await client.post(
        "/auth/login", content=json.dumps(payload), headers={"content-type": "application/json"}
    )
    error = assert_error(response, 422, "validation_error")
    assert error["fields"]


async def test_body_with_wrong_content_type_is_4xx(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/auth/login", content=b"email=a@example.com&password=x", headers={"content-type": "text/plain"}
    )
    assert 400 <= response.status_code < 500, response.text
    assert "error" in response.json()


async def test_deeply_nested_json_is_4xx_not_500(client: httpx.AsyncClient) -> None:
    raw = b"[" * 200_000 + b"]" * 200_000
    response = await client.post("/auth/login", content=raw, headers={"content-type": "application/json"})
    assert_error(response, 400, "invalid_json")


async def test_validation_errors_name_the_fields(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/register", json={"email": "not-an-email", "name": "", "phone": "123"})
    error = assert_error(response, 422, "validation_error")
    assert {"email", "name", "phone", "password"} <= set(error["fields"]), error
    assert all(isinstance(why, str) and why for why in error["fields"].values())


async def test_unknown_body_key_is_named(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/login", json={"email": "a@example.com", "password": "x", "admin": True})
    error = assert_error(response, 422, "validation_error")
    assert "admin" in error["fields"]


async def test_bad_query_parameter_is_named(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    response = await client.get("/store/list?limit=1000", headers=owner["headers"])
    assert "limit" in assert_error(response, 422, "validation_error")["fields"]


@pytest.mark.parametrize("values", [["abc"], [10**30], [2**63], [True], [1.5]])
async def test_forged_cursor_is_422_never_reaching_the_database(client: httpx.AsyncClient, values: list[Any]) -> None:
    owner = await seller(client)
    cursor = base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")
    response = await client.get("/store/list", params={"cursor": cursor}, headers=owner["headers"])
    assert "cursor" in assert_error(response, 422, "validation_error")["fields"]


# body size


async def test_10mb_body_with_content_length_is_413(client: httpx.AsyncClient) -> None:
    response = await client.post("/auth/register", content=b" " * TEN_MB, headers={"content-type": "application/json"})
    assert_error(response, 413, "payload_too_large")


async def test_scalev_routes_answer_413_and_400_in_scalevs_shape(client: httpx.AsyncClient) -> None:
    too_big = await client.post(
        "/v3/products/1/follow-up-chats", content=b" " * TEN_MB, headers={"content-type": "application/json"}
    )
    assert too_big.status_code == 413
    assert too_big.json() == {"error": too_big.json()["error"], "error_code": "payload_too_large"}
    assert isinstance(too_big.json()["error"], str)
    headers = {"content-type": "application/json", "content-length": "x"}
    bad_length = await client.post("/v3/products/1/follow-up-chats", content=b"{}", headers=headers)
    assert bad_length.status_code == 400 and bad_length.json()["error_code"] == "bad_request"


async def test_10mb_streamed_body_without_content_length_is_413(client: httpx.AsyncClient) -> None:
    request = client.build_request(
        "POST", "/auth/register", content=_chunks(TEN_MB), headers={"content-type": "application/json"}
    )
    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"
    assert_error(await client.send(request), 413, "payload_too_large")


async def test_streamed_body_to_authenticated_route_is_413(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    response = await client.put(
        "/profile", content=_chunks(TEN_MB), headers={**owner["headers"], "content-type": "application/json"}
    )
    assert_error(response, 413, "payload_too_large")
    me = await client.get("/profile/me", headers=owner["headers"])
    assert me.json()["data"]["user"]["name"] == owner["user"]["name"]


async def test_body_just_under_the_limit_is_not_413(client: httpx.AsyncClient, rt: Runtime) -> None:
    limit = rt.settings.max_body_bytes
    body = json.dumps({"email": "a@example.com", "password": "x" * 10}).encode()
    padded = body[:-1] + b" " * (limit - len(body)) + b"}"
    assert len(padded) == limit
    response = await client.post("/auth/login", content=padded, headers={"content-type": "application/json"})
    assert response.status_code == 401, response.text


async def test_invalid_content_length_is_400(client: httpx.AsyncClient) -> None:
    request = client.build_request("POST", "/auth/login", content=b"{}", headers={"content-type": "application/json"})
    request.headers["content-length"] = "lots"
    assert_error(await client.send(request), 400, "bad_request")


# request ids


async def test_request_id_is_generated(client: httpx.AsyncClient) -> None:
    first, second = await client.get("/health"), await client.get("/health")
    assert _HEX_ID.match(first.headers["x-request-id"])
    assert first.headers["x-request-id"] != second.headers["x-request-id"]


async def test_sane_request_id_is_echoed(client: httpx.AsyncClient) -> None:
    for incoming in ("abc-123_DEF.9", "a" * 64):
        response = await client.get("/health", headers={"X-Request-Id": incoming})
        assert response.headers["x-request-id"] == incoming


@pytest.mark.parametrize("incoming", ["a b<script>", "x" * 65, "", "id\u00e9", "a/b", "a;b"])
async def test_unsafe_request_id_is_replaced(client: httpx.AsyncClient, incoming: str) -> None:
    response = await client.get(
        "/health",
        headers=[(b"X-Request-Id", incoming.encode("utf-8"))],  # type: ignore[arg-type]
    )
    assert _HEX_ID.match(response.headers["x-request-id"])
    assert response.headers.get_list("x-request-id") == [response.headers["x-request-id"]]


async def test_request_id_on_error_responses(client: httpx.AsyncClient) -> None:
    responses = [
        await client.get("/nope", headers={"X-Request-Id": "err-1"}),
        await client.delete("/health", headers={"X-Request-Id": "err-2"}),
        await client.get("/profile/me", headers={"X-Request-Id": "err-3"}),
        await client.post(
            "/auth/login", content=b" " * TEN_MB, headers={"X-Request-Id": "err-4", "content-type": "application/json"}
        ),
        await client.post("/auth/login", json=[], headers={"X-Request-Id": "err-5"}),
    ]
    assert [r.headers["x-request-id"] for r in responses] == ["err-1", "err-2", "err-3", "err-4", "err-5"]
    assert [r.status_code for r in responses] == [404, 405, 401, 413, 422]


async def test_unexpected_error_is_opaque_500_with_request_id(rt: Runtime) -> None:
    app = create_app(runtime=rt)

    async def boom() -> None:
        raise RuntimeError("secret internals: SELECT * FROM users")

    app.add_api_route("/boom-for-test", boom)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        response = await http.get("/boom-for-test", headers={"X-Request-Id": "boom-1"})
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "internal_error", "message": "Internal server error"}}
    assert "secret" not in response.text and "SELECT" not in response.text
    assert response.headers.get_list("x-request-id") == ["boom-1"]


# structured logs


async def test_access_log_is_one_json_line_with_request_id(
    rt: Runtime, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = make_settings(tmp_path, rt.settings.effective_database_url, log_level="INFO", log_format="json")
    app = create_app(runtime=dataclasses.replace(rt, settings=settings))
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
            await http.get("/nope", headers={"X-Request-Id": "log-check-1"})
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    finally:
        configure_logging(rt.settings.log_level, rt.settings.log_format)
    access = [line for line in lines if line.get("event") == "request" and line.get("request_id") == "log-check-1"]
    assert len(access) == 1, lines
    assert access[0]["path"] == "/nope" and access[0]["status"] == 404 and access[0]["method"] == "GET"
    assert {"timestamp", "level", "duration_ms"} <= set(access[0])


class _DriverError(Exception):
    def __init__(self, pgcode: str) -> None:
        super().__init__(f"sqlstate {pgcode}")
        self.pgcode = pgcode


@pytest.mark.parametrize(("pgcode", "status"), [("22021", 422), ("22P02", 422), ("53300", 503), ("08006", 503)])
async def test_data_exceptions_are_the_clients_other_database_errors_are_503(pgcode: str, status: int) -> None:
    """A value the database refuses (SQLSTATE class 22, e.g. a NUL byte in a text) is a 422 even when the driver
    raises it as a plain DBAPIError; anything else from the database is a 503 to retry."""
    from sqlalchemy.exc import DBAPIError

    from bosonline.errors import _database_error

    error = DBAPIError("SELECT 1", None, _DriverError(pgcode))
    response = await _database_error(None, error)  # type: ignore[arg-type]
    assert response.status_code == status
