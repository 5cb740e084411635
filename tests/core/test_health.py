"""GET /health: 200 when the database answers, 503 envelope when it does not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bosonline import __version__
from bosonline.app import create_app
from bosonline.runtime import Runtime
from bosonline.wiring import build_runtime
from tests.conftest import test_settings as make_settings

UNREACHABLE_PG = "postgresql+asyncpg://postgres@127.0.0.1:1/nope"


async def test_health_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"data": {"status": "ok", "database": "ok", "version": __version__}}
    assert response.headers["x-request-id"]


async def test_health_needs_no_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/health", headers={"Authorization": "Bearer garbage"})
    assert response.status_code == 200


@pytest.fixture(params=["postgresql", "sqlite"])
async def broken_client(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An app whose database cannot be reached: PostgreSQL on a closed port, or an SQLite path that is a
    directory (cannot be opened)."""
    unopenable = tmp_path / "a-directory.db"
    unopenable.mkdir()
    url = UNREACHABLE_PG if request.param == "postgresql" else f"sqlite+aiosqlite:///{unopenable}"
    runtime = build_runtime(make_settings(tmp_path, url))
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http
    finally:
        await runtime.db.dispose()


async def test_health_503_when_database_unreachable(broken_client: httpx.AsyncClient) -> None:
    response = await broken_client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "service_unavailable"
    assert body["error"]["message"]
    for leak in ("Traceback", "127.0.0.1", "Connect call failed", "unable to open", "sqlite", "asyncpg"):
        assert leak not in response.text
    assert response.headers["x-request-id"]


async def test_other_routes_answer_503_not_500_when_database_unreachable(broken_client: httpx.AsyncClient) -> None:
    response = await broken_client.post("/auth/login", json={"email": "a@example.com", "password": "whatever1"})
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "service_unavailable"
    assert "Traceback" not in response.text and "127.0.0.1" not in response.text
    assert response.headers["x-request-id"]


async def test_health_recovers_when_database_is_back(rt: Runtime, client: httpx.AsyncClient) -> None:
    """The same app answers 200 again on the next call: health keeps no sticky state."""
    assert (await client.get("/health")).status_code == 200
    await rt.db.engine.dispose()  # drop pooled connections; the next ping opens a fresh one
    assert (await client.get("/health")).status_code == 200
