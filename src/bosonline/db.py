"""Engines and sessions: the only module that knows SQLite from PostgreSQL.

SQLite: WAL, foreign keys on, a busy timeout, and write transactions opened with BEGIN IMMEDIATE so that two
writers queue on the lock instead of failing with "database is locked" halfway through. PostgreSQL: asyncpg with a
fixed-size pool that keeps every connection it opens, and no pre-ping (see `create_engine`).
"""

from __future__ import annotations

import typing
from collections import defaultdict
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import Date, Integer, Select, cast, event, func, text
from sqlalchemy.engine import CursorResult, Result, make_url
from sqlalchemy.exc import DBAPIError, DisconnectionError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

SQLITE_WRITE_OPTION = "bosonline_sqlite_write"
# Marks the connections of a read request's session (`Database.request_session`): tests check nothing writes on them.
READ_REQUEST_OPTION = "bosonline_read_request"
T = TypeVar("T")


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


# Connections a PostgreSQL pool may open beyond its size: none. QueuePool closes an overflow connection as soon as it
# comes back while the pool already holds `pool_size` idle ones, so under bursts it connected and disconnected all
# the time (bench/http_checkout.py: 42-84 new connections per 1,000 checkouts, 66-84 per 1,000 GET /store; each one
# TCP, an SSL attempt, authentication and set-up round trips, ~2 ms of CPU and 12-26 ms of waiting here). The pool
# is the process's whole budget instead.
MAX_OVERFLOW = 0
# A connection's age at most. LIFO leaves the connections only a burst needed idle at the bottom of the pool; a NAT,
# load balancer or firewall that drops idle flows silently (some after ~4-6 min) would leave them looking open, and
# the next burst would wait on a dead socket (no error, so no retry). Five minutes replaces them before that: a pool
# of 20 reconnects ~4 times a minute, a few ms of CPU.
POOL_RECYCLE_SECONDS = 300


def create_engine(url: str, *, pool_size: int = 20) -> AsyncEngine:
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})
        _configure_sqlite(engine)
        return engine
    if make_url(url).get_backend_name() == "postgresql":
        # No pool_pre_ping: with asyncpg it is three round trips (BEGIN, ";", ROLLBACK) on every checkout, as many as
        # a whole authenticated GET otherwise needs. A connection the server closed (restart, pg_terminate_backend,
        # idle timeout) is known closed by asyncpg as soon as the event loop reads its end: `_drop_closed` swaps it
        # at checkout for nothing. One closed in the instant before a request's first statement fails that
        # statement, which `retried_if_first` runs again; SQLAlchemy then recycles every connection older than
        # the failure. pool_recycle bounds a connection's age (server-side timeouts, a silent network path).
        # The pool: at most `pool_size` connections, opened when first needed and kept (MAX_OVERFLOW); a request that
        # finds them all in use waits for one (pool_timeout). LIFO: the connection returned last is taken first, so
        # the connections a past burst needed stay at the bottom, idle, where a server-side idle timeout
        # (idle_session_timeout, a pooler's) may close them; `_drop_closed` then replaces one when a burst reaches it.
        # JIT off: PostgreSQL compiles a statement whose cost estimate passes jit_above_cost, which aggregates over
        # a period's orders (the recaps) do; compiling cost 0.3–2.6 s per execution against tens of ms of work
        # (bench/recaps_large.py). Nothing here runs long enough to win it back.
        engine = create_async_engine(
            url,
            pool_size=pool_size,
            max_overflow=MAX_OVERFLOW,
            pool_use_lifo=True,
            pool_recycle=POOL_RECYCLE_SECONDS,
            connect_args={"server_settings": {"jit": "off"}},
        )
        event.listen(engine.sync_engine, "checkout", _drop_closed)
        return engine
    return create_async_engine(url, poolclass=NullPool)


def _drop_closed(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    """Pool checkout: a connection asyncpg knows is closed is replaced (the pool retries on DisconnectionError),
    without a round trip."""
    if dbapi_connection.driver_connection.is_closed():
        raise DisconnectionError("connection closed by the server")


async def retried_if_first(session: AsyncSession, run: Callable[[], Awaitable[T]]) -> T:
    """`run()` (which executes statements on `session`), run once more on a new connection when it was the session's
    first work and failed because the connection was gone (nothing ran on it: retrying is safe, whatever `run` does).
    The request's first statement (its caller and store context, deps.py) uses it, so a request that starts on a
    connection the server has just dropped does not fail."""
    fresh = not session.in_transaction()
    try:
        return await run()
    except DBAPIError as exc:
        if not (fresh and exc.connection_invalidated):
            raise
    await session.rollback()  # gives the invalidated connection back; the next statement checks out another one
    return await run()


def _configure_sqlite(engine: AsyncEngine) -> None:
    sync_engine = engine.sync_engine

    @event.listens_for(sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take over transaction control from the driver so that "begin" below decides how to BEGIN.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        options = connection.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return  # each statement is its own transaction (the rate limiter's counter); a BEGIN here would never end
        write = options.get(SQLITE_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


@dataclass
class Database:
    """Engine plus the session factories (reads, writes that take SQLite's lock up front, and read requests')."""

    url: str
    engine: AsyncEngine
    read_sessions: async_sessionmaker[AsyncSession]
    write_sessions: async_sessionmaker[AsyncSession]
    request_reads: async_sessionmaker[AsyncSession]
    sqlite: bool = field(default=False)
    # Read requests' sessions run each statement on its own, outside any transaction (PostgreSQL): such a request
    # may read on another connection than its session's and see the same (routing.reads_outside_session).
    reads_without_transaction: bool = field(default=False)

    @classmethod
    def connect(cls, url: str, *, pool_size: int = 20) -> Database:
        engine = create_engine(url, pool_size=pool_size)
        sqlite = is_sqlite(url)
        write_bind = engine.execution_options(**{SQLITE_WRITE_OPTION: True}) if sqlite else engine
        options: dict[str, Any] = {"expire_on_commit": False, "autoflush": False}
        # A read request on PostgreSQL needs no transaction: under READ COMMITTED each statement sees its own snapshot
        # inside one too, and a GET writes nothing (tests/conftest.py fails any write on these connections).
        reads: dict[str, Any] = {READ_REQUEST_OPTION: True}
        if engine.dialect.name == "postgresql":
            reads["isolation_level"] = "AUTOCOMMIT"
        return cls(
            url=url,
            engine=engine,
            read_sessions=async_sessionmaker(engine, **options),
            write_sessions=async_sessionmaker(write_bind, **options),
            sqlite=sqlite,
            request_reads=async_sessionmaker(engine.execution_options(**reads), **options),
            reads_without_transaction="isolation_level" in reads,
        )

    def session(self, *, write: bool = True) -> AsyncSession:
        return (self.write_sessions if write else self.read_sessions)()

    def request_session(self, *, write: bool) -> AsyncSession:
        """The session of an HTTP request (`routing.TransactionalRoute`). A read request's, on PostgreSQL, sends no
        BEGIN and no COMMIT (two of a GET's four round trips): each statement runs on its own (autocommit)."""
        if write:
            return self.write_sessions()
        return self.request_reads()

    async def ping(self) -> None:
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def dispose(self) -> None:
        await self.engine.dispose()


def broken_unique_constraint(exc: IntegrityError) -> str | None:
    """Name of the unique constraint a failed write broke, or None for other integrity errors.

    PostgreSQL names it; SQLite names the columns ("UNIQUE constraint failed: t.a, t.b"), from which our naming
    convention (uq_<table>_<columns>, models/base.py) gives the same name.
    """
    constraint = getattr(getattr(exc.orig, "__cause__", None), "constraint_name", None)
    if getattr(exc.orig, "sqlstate", None) == "23505" and constraint:
        return str(constraint)
    message = str(exc.orig)
    prefix = "UNIQUE constraint failed: "
    if not message.startswith(prefix):
        return None
    qualified = [part.strip().split(".") for part in message.removeprefix(prefix).split(",")]
    if any(len(parts) != 2 for parts in qualified):
        return None
    return "uq_" + qualified[0][0] + "_" + "_".join(column for _, column in qualified)


AfterCommit = Callable[[], Awaitable[None]]


def after_commit(session: AsyncSession, callback: AfterCommit) -> None:
    """Run `callback` once the request's transaction has committed (never if it rolls back)."""
    session.info.setdefault("after_commit", []).append(callback)


def pop_after_commit(session: AsyncSession) -> list[AfterCommit]:
    callbacks: list[AfterCommit] = session.info.pop("after_commit", [])
    return callbacks


def rowcount(result: Result[*tuple[Any, ...]]) -> int:
    """Rows matched by the UPDATE or DELETE that gave `result`. `Session.execute` is typed to return a Result
    whatever the statement; for these it is a CursorResult, which has the count."""
    return typing.cast("CursorResult[*tuple[Any, ...]]", result).rowcount


async def row_of(session: AsyncSession, stmt: Select[T], *, for_update: bool = False) -> T | None:
    """The row `stmt` selects, if any; with `for_update`, locked (SELECT … FOR UPDATE; SQLite serializes writes)."""
    return await session.scalar(stmt.with_for_update() if for_update else stmt)


async def values_by_key(
    session: AsyncSession, stmt: Select[*tuple[Any, ...]], key: Any, keys: Collection[int]
) -> dict[int, list[Any]]:
    """`stmt`'s (key, value) rows for `keys` as {key: [value, …]} in the rows' order; a key without rows reads as []
    (a defaultdict). No query for no keys."""
    found: dict[int, list[Any]] = defaultdict(list)
    if keys:
        for found_key, value in (await session.execute(stmt.where(key.in_(list(keys))))).all():
            found[found_key].append(value)
    return found


def dialect_of(session: AsyncSession) -> str:
    """ "postgresql" or "sqlite": what the session's engine speaks."""
    return session.bind.dialect.name if session.bind is not None else "sqlite"


def dialect_insert(session: AsyncSession, table: Any) -> Any:
    """`INSERT` in the session's dialect, with its `on_conflict_do_nothing` / `on_conflict_do_update`."""
    return insert_in(dialect_of(session), table)


def insert_in(dialect: str, table: Any) -> Any:
    """`INSERT` in `dialect` (see dialect_of): for statements built once per dialect."""
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as postgresql_insert

        return postgresql_insert(table)
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert(table)


def insert_ignoring_conflicts(session: AsyncSession, table: Any, rows: list[dict[str, Any]]) -> Any:
    """`INSERT … ON CONFLICT DO NOTHING` in the session's dialect: creates rows that may already exist (e.g. a
    stock row another request is creating at the same moment) without failing the transaction."""
    # executemany form: one cached statement, whatever the number of rows.
    return session.execute(dialect_insert(session, table).on_conflict_do_nothing(), rows)


_LOCK_NOT_AVAILABLE = "55P03"


async def select_locked_within(session: AsyncSession, stmt: Any, wait: timedelta) -> list[Any] | None:
    """The rows of a `FOR UPDATE` select, or None when another transaction held them longer than `wait`
    (PostgreSQL: `lock_timeout` in a savepoint, so the transaction goes on). SQLite: a write transaction already
    excludes every other writer, so the rows come at once."""
    if session.bind is None or session.bind.dialect.name != "postgresql":
        return list(await session.execute(stmt))
    try:
        async with session.begin_nested():
            await session.execute(text(f"SET LOCAL lock_timeout = {max(1, int(wait.total_seconds() * 1000))}"))
            rows = list(await session.execute(stmt))
            await session.execute(text("SET LOCAL lock_timeout TO DEFAULT"))
            return rows
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) != _LOCK_NOT_AVAILABLE:
            raise
        return None


def local_day(session: AsyncSession, column: Any, timezone: str) -> Any:
    """SQL for the date of a UTC timestamp `column` in `timezone` (a store's WIB/WITA/WIT zone)."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return cast(func.timezone(timezone, column), Date)
    # SQLite keeps UTC text; Indonesia's zones have fixed offsets (no daylight saving time).
    offset = ZoneInfo(timezone).utcoffset(datetime(2026, 1, 1))
    hours = int(offset.total_seconds() // 3600) if offset else 0
    return func.date(column, f"{hours:+d} hours")


def period_start(session: AsyncSession, day: Any, granularity: str) -> Any:
    """SQL for the first day of the `granularity` ("day", "week": Monday, "month") holding the date `day`."""
    if granularity == "day":
        return day
    if dialect_of(session) == "postgresql":
        return cast(func.date_trunc(granularity, day), Date)
    if granularity == "month":
        return func.date(day, "start of month", type_=Date)
    # SQLite's %w: 0 is Sunday; the week starts on Monday (ISO, and what PostgreSQL's date_trunc gives).
    back = (cast(func.strftime("%w", day), Integer) + 6) % 7
    return func.date(day, func.printf("-%d days", back), type_=Date)
