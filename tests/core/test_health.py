"""GET /health (liveness: no database) and GET /health/ready (readiness: the database answers within the timeout
and is at the latest migration; 503 envelope naming the failed check otherwise)."""

from __future__ import annotations

import socket
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text

from bosonline import __version__
from bosonline.migrate import alembic_config, head_revision, upgrade
from bosonline.runtime import Runtime
from tests.conftest import test_settings as make_settings
from tests.core.apps import app_client

UNREACHABLE_PG = "postgresql+asyncpg://postgres@127.0.0.1:1/nope"


async def test_health_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"data": {"status": "ok", "version": __version__}}
    assert response.headers["x-request-id"]


async def test_ready_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/ready")
    assert response.status_code == 200
    assert response.json() == {
        "data": {"status": "ready", "database": "ok", "migration": head_revision(), "version": __version__}
    }


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
    async with app_client(make_settings(tmp_path, url)) as (http, _):
        yield http


async def test_liveness_does_not_need_the_database(broken_client: httpx.AsyncClient) -> None:
    response = await broken_client.get("/health")
    assert response.status_code == 200
    assert response.json()["data"]["status"] == "ok"


async def test_ready_503_when_database_unreachable(broken_client: httpx.AsyncClient) -> None:
    response = await broken_client.get("/health/ready")
    assert response.status_code == 503
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == "database_unreachable"
    assert body["error"]["message"]
    for leak in ("Traceback", "127.0.0.1", "Connect call failed", "unable to open", "sqlite", "asyncpg"):
        assert leak not in response.text
    assert response.headers["x-request-id"]


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP port that accepts connections and never answers (a database host that hangs)."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(8)
        yield int(server.getsockname()[1])


async def test_ready_answers_within_its_timeout_when_the_database_hangs(tmp_path: Path, silent_server: int) -> None:
    url = f"postgresql+asyncpg://postgres@127.0.0.1:{silent_server}/nope"
    async with app_client(make_settings(tmp_path, url, readiness_timeout_seconds=0.3)) as (http, _):
        started = time.monotonic()
        response = await http.get("/health/ready")
        assert time.monotonic() - started < 5  # asyncpg alone would wait 60 s
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_unreachable"


async def test_ready_503_when_migrations_are_behind(tmp_path: Path) -> None:
    """A database stamped at an older revision (a new version deployed before `bosonline migrate` ran)."""
    async with app_client(make_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'behind.db'}")) as (http, runtime):
        await upgrade(runtime.db)
        head = head_revision()
        previous = ScriptDirectory.from_config(alembic_config()).get_revision(head).down_revision
        assert isinstance(previous, str)
        async with runtime.db.engine.begin() as conn:
            await conn.execute(text("UPDATE alembic_version SET version_num = :rev"), {"rev": previous})
        behind = await http.get("/health/ready")
        async with runtime.db.engine.begin() as conn:  # as `bosonline migrate` leaves it
            await conn.execute(text("UPDATE alembic_version SET version_num = :rev"), {"rev": head})
        caught_up = await http.get("/health/ready")
    assert behind.status_code == 503
    assert behind.json()["error"]["code"] == "migrations_pending"
    assert previous in behind.json()["error"]["message"] and head in behind.json()["error"]["message"]
    assert caught_up.status_code == 200


async def test_other_routes_answer_503_not_500_when_database_unreachable(broken_client: httpx.AsyncClient) -> None:
    response = await broken_client.post("/auth/login", json={"email": "a@example.com", "password": "whatever1"})
    assert response.status_code == 503, response.text
    assert response.json()["error"]["code"] == "service_unavailable"
    assert "Traceback" not in response.text and "127.0.0.1" not in response.text
    assert response.headers["x-request-id"]


async def test_ready_recovers_when_database_is_back(rt: Runtime, client: httpx.AsyncClient) -> None:
    """The same app answers 200 again on the next call: readiness keeps no sticky state."""
    assert (await client.get("/health/ready")).status_code == 200
    await rt.db.engine.dispose()  # drop pooled connections; the next check opens a fresh one
    assert (await client.get("/health/ready")).status_code == 200
