"""Test harness: every test runs against SQLite, and against PostgreSQL too when
BOSONLINE_TEST_DATABASE_URL is set (CI sets it). Tests talk HTTP to the app through httpx's ASGI transport,
with a clock they can move and a notifier that records what it was asked to send."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import event, text
from sqlalchemy.engine import make_url

from bosonline.app import create_app
from bosonline.checkout import store_data
from bosonline.config import Settings
from bosonline.db import READ_REQUEST_OPTION
from bosonline.kit.clock import FrozenClock
from bosonline.migrate import upgrade
from bosonline.models import Base
from bosonline.notify import PasswordReset
from bosonline.runtime import Runtime
from bosonline.store import domain_hosts
from bosonline.wiring import build_runtime

PG_URL = os.environ.get("BOSONLINE_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])


def pg_async_url(url: str) -> str:
    parsed = make_url(url)
    return parsed.set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def pg_plain_dsn(url: str) -> str:
    """The same database as a libpq-style DSN (asyncpg.connect refuses SQLAlchemy's "+asyncpg" scheme)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def scratch_pg_database(name: str) -> AsyncIterator[str]:
    """A new empty database on the test server, dropped afterwards; yields its SQLAlchemy async URL."""
    assert PG_URL
    admin = await asyncpg.connect(pg_plain_dsn(PG_URL))
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield pg_async_url(make_url(PG_URL).set(database=name).render_as_string(hide_password=False))
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


class RecordingNotifier:
    def __init__(self) -> None:
        self.resets: list[dict[str, Any]] = []

    async def password_reset(self, reset: PasswordReset) -> None:
        self.resets.append(asdict(reset))


def test_settings(data_dir: Path, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "secret_key": "test-secret-key-" + "x" * 32,
        "argon2_time_cost": 1,
        "argon2_memory_kib": 64,
        "argon2_parallelism": 1,
        "log_level": "WARNING",
        "max_body_bytes": 1024 * 1024,
        # Tests place many orders from one address; tests/checkout/test_rate_limit.py lowers these.
        "public_rate_limit_per_minute": 100_000,
        "checkout_rate_limit_per_minute": 100_000,
        # Tests drive the worker explicitly (Worker.run_once) and deliver webhooks to receivers on 127.0.0.1.
        "run_worker": False,
        "webhook_allow_private_targets": True,
    }
    values.update(overrides)
    return Settings(**values)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def xdist_worker(config: pytest.Config) -> str | None:
    """`gw0`, `gw1`, … in a pytest-xdist worker (`make test` runs one per CPU); None in a plain run."""
    workerinput = getattr(config, "workerinput", None)
    return None if workerinput is None else str(workerinput["workerid"])


@pytest.fixture(scope="session")
async def database_url(
    backend: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> AsyncIterator[str]:
    if backend == "sqlite":  # tmp_path_factory is already per worker
        yield f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('sqlite') / 'test.db'}"
        return
    assert PG_URL
    worker = xdist_worker(request.config)
    if worker is None:
        yield pg_async_url(PG_URL)
        return
    # Each worker gets its own database next to the given one (same server and credentials), dropped at the end.
    async with scratch_pg_database(f"{make_url(PG_URL).database}_{worker}") as url:
        yield url


async def reset_schema(runtime: Runtime) -> None:
    """Start from an empty database, so that the migrations are what builds the schema."""
    async with runtime.db.engine.begin() as conn:
        if runtime.db.sqlite:
            for table in reversed(Base.metadata.sorted_tables):
                await conn.execute(text(f'DROP TABLE IF EXISTS "{table.name}"'))
            await conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        else:
            await conn.execute(text("DROP SCHEMA public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))


# What a read request's session may send: it runs without a transaction on PostgreSQL (db.Database.request_session),
# so a write there would be committed on its own, statement by statement, even when the request then fails.
_READ = re.compile(r"^\s*(SELECT|PRAGMA|BEGIN|COMMIT|ROLLBACK)\b", re.IGNORECASE)
_WRITE_OR_LOCK = re.compile(r"\b(INSERT|UPDATE|DELETE|MERGE)\b|\bFOR (NO KEY )?(UPDATE|SHARE)\b", re.IGNORECASE)
WRITES_IN_READ_REQUESTS: list[str] = []


def watch_read_requests(rt: Runtime) -> None:
    """Records every statement that writes (or locks rows) on a read request's connection; `rt` fails the test."""

    def check(conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not conn.get_execution_options().get(READ_REQUEST_OPTION):
            return
        if not _READ.match(statement) or _WRITE_OR_LOCK.search(statement):
            WRITES_IN_READ_REQUESTS.append(statement)

    event.listen(rt.db.engine.sync_engine, "before_cursor_execute", check)


@pytest.fixture(scope="session")
async def runtime(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Runtime]:
    settings = test_settings(tmp_path_factory.mktemp("data"), database_url)
    rt = build_runtime(settings, clock=FrozenClock(), notifier=RecordingNotifier())
    watch_read_requests(rt)
    await reset_schema(rt)
    await upgrade(rt.db)
    yield rt
    await rt.db.dispose()


def _wipe_script() -> str:
    statements = []
    for table in reversed(Base.metadata.sorted_tables):  # children first
        if table.name == "categories":  # the platform's default categories are reference data: they stay
            statements.append('DELETE FROM "categories" WHERE store_id IS NOT NULL;')
        else:
            statements.append(f'DELETE FROM "{table.name}";')
    return "\n".join(statements)


_WIPE_SCRIPT = _wipe_script()


async def wipe(runtime: Runtime) -> None:
    """Empty every table between tests. DELETE, not TRUNCATE (several times faster on tables this small), sent
    as one script in one round trip: statement by statement it cost 35 ms (PostgreSQL) and 80 ms (SQLite) per
    test, as a script 1.5 ms and 7 ms."""
    async with runtime.db.engine.connect() as conn:
        driver = (await conn.get_raw_connection()).driver_connection
        if runtime.db.sqlite:
            await driver.executescript(_WIPE_SCRIPT)  # type: ignore[union-attr]
        else:
            await driver.execute(_WIPE_SCRIPT)  # type: ignore[union-attr]


@pytest.fixture
async def rt(runtime: Runtime) -> AsyncIterator[Runtime]:
    """The session's runtime with a fresh clock, an empty notifier and empty tables."""
    runtime.clock = FrozenClock()
    runtime.notifier = RecordingNotifier()
    WRITES_IN_READ_REQUESTS.clear()
    yield runtime
    writes, WRITES_IN_READ_REQUESTS[:] = list(WRITES_IN_READ_REQUESTS), []
    assert not writes, f"a read request (GET) wrote, outside any transaction on PostgreSQL: {writes}"
    assert await runtime.background.drain(timeout=30), "background work (reset e-mails) still running"
    await wipe(runtime)
    # SQLite hands the emptied tables' ids out again: a new store 1 would find the old store 1's cached data.
    store_data.CACHE.clear()
    domain_hosts.clear_all()


@pytest.fixture
def clock(rt: Runtime) -> FrozenClock:
    assert isinstance(rt.clock, FrozenClock)
    return rt.clock


@pytest.fixture
def notifier(rt: Runtime) -> RecordingNotifier:
    assert isinstance(rt.notifier, RecordingNotifier)
    return rt.notifier


@pytest.fixture(scope="session")
def app(runtime: Runtime) -> FastAPI:
    """One app per session: building one (its middleware stack, on its first request) is paid once."""
    return create_app(runtime=runtime)


@pytest.fixture
async def client(rt: Runtime, app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4321))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


@pytest.fixture
async def client_at(rt: Runtime, app: FastAPI) -> AsyncIterator[Callable[[str], httpx.AsyncClient]]:
    """Clients of the same app calling from other addresses: `client_at("2001:db8::1")`."""
    opened: list[httpx.AsyncClient] = []

    def at(ip: str) -> httpx.AsyncClient:
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 4321)), base_url="http://test")
        opened.append(http)
        return http

    yield at
    for http in opened:
        await http.aclose()


@pytest.fixture
def is_postgres(backend: str) -> bool:
    return backend == "postgresql"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.get_closest_marker("postgres_only") and "[sqlite]" in item.nodeid:
            item.add_marker(pytest.mark.skip(reason="needs PostgreSQL"))
