"""The `bosonline` command line, run as a real subprocess on a temporary data directory."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import asyncpg
import httpx
import pytest

from bosonline.app import create_app
from bosonline.migrate import head_revision
from bosonline.models import Base
from bosonline.wiring import build_runtime
from tests.conftest import PG_URL, pg_plain_dsn, scratch_pg_database
from tests.conftest import test_settings as make_settings
from tests.core.serving import BOSONLINE, CHEAP_HASHING, free_port, served
from tests.factories import create_store, register

pytestmark = pytest.mark.slow


def run_cli(data_dir: Path, *args: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith("BOSONLINE_")}
    clean.pop("COLUMNS", None)
    clean.update(BOSONLINE_DATA_DIR=str(data_dir), BOSONLINE_LOG_LEVEL="WARNING", **CHEAP_HASHING, **env)
    command = [str(BOSONLINE)] if BOSONLINE.exists() else [sys.executable, "-m", "bosonline.cli"]
    return subprocess.run(
        [*command, *args],
        check=False,
        env=clean,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def db_rows(data_dir: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    with sqlite3.connect(data_dir / "bosonline.db") as conn:
        return conn.execute(sql, params).fetchall()


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
async def http_on(data_dir: Path) -> AsyncIterator[httpx.AsyncClient]:
    """An in-process app on the CLI's SQLite file (migrate before using it)."""
    settings = make_settings(data_dir, f"sqlite+aiosqlite:///{data_dir / 'bosonline.db'}")
    runtime = build_runtime(settings)
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http
    await runtime.db.dispose()


def test_help_lists_the_commands(data_dir: Path) -> None:
    result = run_cli(data_dir, "--help")
    assert result.returncode == 0, result.stderr
    for name in ("serve", "worker", "migrate", "createadmin", "demo", "rotate-keys"):
        assert name in result.stdout


def test_migrate_creates_the_sqlite_database(data_dir: Path) -> None:
    result = run_cli(data_dir, "migrate")
    assert result.returncode == 0, result.stderr
    assert f"database at revision {head_revision()}" in result.stdout
    assert (data_dir / "bosonline.db").is_file()
    tables = {row[0] for row in db_rows(data_dir, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(Base.metadata.tables) | {"alembic_version"} <= tables

    again = run_cli(data_dir, "migrate")
    assert again.returncode == 0, again.stderr
    assert db_rows(data_dir, "SELECT version_num FROM alembic_version") == [(head_revision(),)]


def test_migrate_reports_an_unreachable_database_clearly(data_dir: Path) -> None:
    result = run_cli(data_dir, "migrate", BOSONLINE_DATABASE_URL="postgresql+asyncpg://bos:hunter2@127.0.0.1:1/nope")
    assert result.returncode == 1
    assert "cannot migrate the database postgresql+asyncpg://bos:***@127.0.0.1:1/nope" in result.stderr
    assert "hunter2" not in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_serve_with_several_workers_stops_when_its_checks_fail(data_dir: Path) -> None:
    """With several workers the checks run while the workers import the app (start_gate): they fail, no worker
    serves, and `serve` says why and exits 1 as with one worker."""
    port = str(free_port())
    result = run_cli(
        data_dir,
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        port,
        "--workers",
        "2",
        "--no-worker",
        timeout=120,
        BOSONLINE_DATABASE_URL="postgresql+asyncpg://bos:hunter2@127.0.0.1:1/nope",
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "cannot migrate the database postgresql+asyncpg://bos:***@127.0.0.1:1/nope" in result.stderr
    assert "start_checks_failed" in result.stderr  # the workers waited for the checks, then stopped
    assert "Application startup complete" not in output
    assert "hunter2" not in output and "Traceback" not in output


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL")
async def test_migrate_on_postgresql(data_dir: Path) -> None:
    async with scratch_pg_database(f"bos_core_cli_{os.getpid()}") as url:
        result = run_cli(data_dir, "migrate", BOSONLINE_DATABASE_URL=url)
        assert result.returncode == 0, result.stderr
        assert f"database at revision {head_revision()}" in result.stdout
        scratch = await asyncpg.connect(pg_plain_dsn(url))
        try:
            assert await scratch.fetchval("SELECT version_num FROM alembic_version") == head_revision()
        finally:
            await scratch.close()
        assert not (data_dir / "bosonline.db").exists()


async def test_createadmin_creates_then_promotes(data_dir: Path, http_on: httpx.AsyncClient) -> None:
    created = run_cli(data_dir, "createadmin", "--email", "Boss@Example.com", "--password", "admin-pass-1")
    assert created.returncode == 0, created.stderr
    assert "created platform admin boss@example.com" in created.stdout
    assert db_rows(data_dir, "SELECT is_platform_admin FROM users WHERE email = ?", "boss@example.com") == [(1,)]
    login = await http_on.post("/auth/login", json={"email": "boss@example.com", "password": "admin-pass-1"})
    assert login.status_code == 200, login.text

    seller = await register(http_on, email="seller@example.com")
    assert seller["user"]["is_platform_admin"] is False
    promoted = run_cli(data_dir, "createadmin", "--email", "seller@example.com", "--password", "other-pass-9")
    assert promoted.returncode == 0, promoted.stderr
    assert "promoted platform admin seller@example.com" in promoted.stdout
    me = await http_on.get("/profile/me", headers=seller["headers"])
    assert me.json()["data"]["user"]["is_platform_admin"] is True
    assert db_rows(data_dir, "SELECT count(*) FROM users WHERE email = ?", "seller@example.com") == [(1,)]
    # Promotion leaves the account's password alone.
    kept = await http_on.post("/auth/login", json={"email": "seller@example.com", "password": seller["password"]})
    assert kept.status_code == 200, kept.text


@pytest.mark.parametrize(
    ("email", "password", "hint"),
    [("not-an-email", "admin-pass-1", "--email"), ("ok@example.com", "short", "8 characters")],
)
def test_createadmin_refuses_bad_input(data_dir: Path, email: str, password: str, hint: str) -> None:
    result = run_cli(data_dir, "createadmin", "--email", email, "--password", password)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert hint in output and "Invalid value" in output, output
    assert "Traceback" not in output
    if (data_dir / "bosonline.db").exists():
        assert db_rows(data_dir, "SELECT count(*) FROM users") == [(0,)]


TEN_MB = 10 * 1024 * 1024


def _chunks(total: int, size: int = 256 * 1024) -> Iterator[bytes]:
    for start in range(0, total, size):
        yield b" " * min(size, total - start)


def test_serve_migrates_and_serves_health_and_docs(data_dir: Path) -> None:
    with served(data_dir) as server:
        base = server.base
        health = httpx.get(f"{base}/health", timeout=5)
        assert health.status_code == 200
        assert httpx.get(f"{base}/health/ready", timeout=5).json()["data"]["database"] == "ok"
        assert health.headers["x-request-id"]

        docs = httpx.get(f"{base}/docs", timeout=5)
        assert docs.status_code == 200 and "text/html" in docs.headers["content-type"]
        assert httpx.get(f"{base}/openapi.json", timeout=5).json()["info"]["title"] == "bosonline"
        # The schema was migrated at start: a real request reaches real tables.
        registered = httpx.post(
            f"{base}/auth/register",
            json={"name": "Ani", "email": "ani@example.com", "phone": "081234567890", "password": "rahasia-123"},
            timeout=10,
        )
        assert registered.status_code == 201, registered.text
        assert httpx.get(f"{base}/nope", timeout=5).json()["error"]["code"] == "not_found"
        for body in (b" " * TEN_MB, _chunks(TEN_MB)):  # with Content-Length, then chunked
            too_big = httpx.post(
                f"{base}/auth/register", content=body, headers={"content-type": "application/json"}, timeout=30
            )
            assert too_big.status_code == 413, too_big.text
            assert too_big.json()["error"]["code"] == "payload_too_large"
    out, err = server.out, server.err
    assert f"database at revision {head_revision()}" in out
    assert "Traceback" not in err, err
    assert db_rows(data_dir, "SELECT email FROM users") == [("ani@example.com",)]


def test_worker_and_serve_document_the_worker_options(data_dir: Path) -> None:
    serve = run_cli(data_dir, "serve", "--help")
    assert serve.returncode == 0 and "--no-worker" in serve.stdout, serve.stdout
    worker = run_cli(data_dir, "worker", "--help")
    assert worker.returncode == 0 and "--once" in worker.stdout and "SIGTERM" in worker.stdout, worker.stdout


class _Hooks(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict[str, str], bytes]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.received.append(({name.lower(): value for name, value in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_: Any) -> None:
        pass


@pytest.fixture
def hook_server() -> Iterator[ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hooks)
    _Hooks.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


async def test_worker_needs_a_migrated_database_then_delivers_until_stopped(
    data_dir: Path, http_on: httpx.AsyncClient, hook_server: ThreadingHTTPServer
) -> None:
    refused = run_cli(data_dir, "worker", "--once")
    assert refused.returncode == 1
    assert "cannot start the worker" in refused.stderr and "bosonline migrate" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stdout + refused.stderr
    assert not (data_dir / "bosonline.db").exists()
    assert run_cli(data_dir, "migrate").returncode == 0

    owner = await register(http_on)
    await create_store(http_on, owner["headers"])
    url = f"http://127.0.0.1:{hook_server.server_address[1]}/hooks"
    created = await http_on.post("/store/webhook", json={"url": url}, headers=owner["headers"])
    assert created.status_code == 201, created.text
    secret = created.json()["data"]["secret"]
    queued = await http_on.post(f"/store/webhook/{created.json()['data']['id']}/test", headers=owner["headers"])
    assert queued.status_code == 202, queued.text

    env = {key: value for key, value in os.environ.items() if not key.startswith("BOSONLINE_")}
    env.update(
        BOSONLINE_DATA_DIR=str(data_dir),
        BOSONLINE_LOG_LEVEL="WARNING",
        BOSONLINE_WORKER_POLL_SECONDS="0.2",
        BOSONLINE_WEBHOOK_ALLOW_PRIVATE_TARGETS="1",  # the receiver is on 127.0.0.1
    )
    process = await asyncio.create_subprocess_exec(
        str(BOSONLINE), "worker", env=env, cwd=data_dir, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 60
        while not _Hooks.received and time.monotonic() < deadline and process.returncode is None:
            await asyncio.sleep(0.05)  # the worker process is starting; bounded by the deadline
        assert process.returncode is None, await process.communicate()
        process.send_signal(signal.SIGTERM)
        raw_out, raw_err = await asyncio.wait_for(process.communicate(), timeout=20)
    finally:
        if process.returncode is None:
            process.kill()
            await process.communicate()
    out, err = raw_out.decode(), raw_err.decode()
    assert process.returncode == 0, err
    assert "worker running" in out and "worker stopped" in out, out
    assert "Traceback" not in err, err

    [(headers, body)] = _Hooks.received
    assert json.loads(body)["event"] == "webhook.test"
    signature = base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()
    assert headers["x-bosonline-hmac-sha256"] == signature
    assert db_rows(data_dir, "SELECT status, attempts, last_status_code FROM webhook_deliveries") == [
        ("delivered", 1, 204)
    ]
