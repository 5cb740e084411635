"""Engines and sessions: the only module that knows SQLite from PostgreSQL.

SQLite: WAL, foreign keys on, a busy timeout, and write transactions opened with BEGIN IMMEDIATE so that two
writers queue on the lock instead of failing with "database is locked" halfway through. PostgreSQL: asyncpg with a
sized pool, and no pre-ping (see `create_engine`).
"""

from __future__ import annotations

import json
import typing
from collections import OrderedDict, defaultdict
from collections.abc import Awaitable, Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import ARRAY, Date, Insert, Select, String, Update, bindparam, cast, event, func, select, text
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


def max_overflow(pool_size: int) -> int:
    """Connections a PostgreSQL pool may open beyond its size under load: one process holds up to twice its size."""
    return pool_size


def create_engine(url: str, *, pool_size: int = 10) -> AsyncEngine:
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
        engine = create_async_engine(url, pool_size=pool_size, max_overflow=max_overflow(pool_size), pool_recycle=1800)
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
    sqlite: bool = field(default=False)
    request_reads: async_sessionmaker[AsyncSession] | None = None

    @classmethod
    def connect(cls, url: str, *, pool_size: int = 10) -> Database:
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
        )

    def session(self, *, write: bool = True) -> AsyncSession:
        return (self.write_sessions if write else self.read_sessions)()

    def request_session(self, *, write: bool) -> AsyncSession:
        """The session of an HTTP request (`routing.TransactionalRoute`). A read request's, on PostgreSQL, sends no
        BEGIN and no COMMIT (two of a GET's four round trips): each statement runs on its own (autocommit)."""
        if write:
            return self.write_sessions()
        return (self.request_reads or self.read_sessions)()

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


# --- hot-path statements: compiled once, sent straight to asyncpg ------------------------------------------------


class Hot:
    """A statement of a measured hot path (checkout), built once. On PostgreSQL, inside the session's transaction,
    its SQL is compiled once and sent straight to asyncpg on the session's own connection (asyncpg's statement
    cache): about a fifth of the CPU of `session.execute`, which costs ~200 µs per call in SQLAlchemy's layers.
    Elsewhere (SQLite), or before the transaction has begun (SQLAlchemy sends BEGIN with its first statement),
    through SQLAlchemy. Errors are SQLAlchemy's either way (IntegrityError, OperationalError, …)."""

    def __init__(self, statement: Any) -> None:
        self.statement = statement
        self._compiled: Any = None

    async def rows(self, session: AsyncSession, params: Mapping[str, Any]) -> Sequence[Any]:
        """The result rows, by position (`row[0]`, or unpacked)."""
        return await self._run(session, params, by_name=False)

    async def mappings(self, session: AsyncSession, params: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
        """The result rows, by column name."""
        return await self._run(session, params, by_name=True)

    async def _run(self, session: AsyncSession, params: Mapping[str, Any], *, by_name: bool) -> Sequence[Any]:
        connection = await session.connection()
        adapted = (await connection.get_raw_connection()).dbapi_connection
        if connection.dialect.name != "postgresql" or getattr(adapted, "_transaction", None) is None:
            result = await session.execute(self.statement, dict(params))
            return result.mappings().all() if by_name else result.all()
        compiled = self._compiled
        if compiled is None:
            compiled = self.statement.compile(dialect=connection.dialect)
            if compiled.post_compile_params or compiled.literal_execute_params:
                raise ValueError("a Hot statement binds every value as one parameter (no expanding IN)")
            self._compiled = compiled
        values = compiled.construct_params(params)
        processors = compiled._bind_processors
        args = [processors[name](values[name]) if name in processors else values[name] for name in compiled.positiontup]
        try:
            return await self._send(adapted.driver_connection, compiled.string, args)  # type: ignore[union-attr]
        except Exception as error:  # noqa: BLE001 — whatever the driver raises is translated, as SQLAlchemy does
            _raise_as_sqlalchemy(connection, adapted, compiled.string, args, error)

    @staticmethod
    async def _send(driver: Any, sql: str, args: list[Any]) -> Sequence[Any]:
        """One round trip (asyncpg's Records answer both by position and by name)."""
        found: Sequence[Any] = await driver.fetch(sql, *args)
        return found


def _raise_as_sqlalchemy(connection: Any, adapted: Any, sql: str, args: list[Any], error: Exception) -> typing.NoReturn:
    """What SQLAlchemy raises for the driver's `error`: the adapter's DBAPI-shaped error, wrapped (an error the
    adapter does not translate goes on as it is)."""
    dialect = connection.dialect
    try:
        adapted._handle_exception(error)
    except dialect.loaded_dbapi.Error as dbapi_error:
        disconnected = dialect.is_disconnect(dbapi_error, adapted, None)
        raise DBAPIError.instance(
            sql, args, dbapi_error, dialect.loaded_dbapi.Error, dialect=dialect, connection_invalidated=disconnected
        ) from error
    raise error  # _handle_exception always raises


# --- a chain of writes: one statement on PostgreSQL (data-modifying CTEs), one after another on SQLite ----------


@dataclass(frozen=True)
class Ref:
    """The `column` that an earlier write of the chain returned (its first row; NULL/None when it returned none)."""

    write: str
    column: str


@dataclass(frozen=True)
class RefText:
    """Text with a Ref's value between `before` and `after` (a JSON body that names a row the chain creates)."""

    before: str
    ref: Ref
    after: str


@dataclass(frozen=True)
class Write:
    """One INSERT (its `rows`: one, or any number with `many`) or UPDATE (`rows[0]` is its SET) of a chain. Values
    may be Refs to earlier writes. `returning` names the columns the caller (or a later Ref) reads back.

    `statement` is built once (a module-level or cached construct), never per call: PostgreSQL's chain is cached by
    the identity of its statements. Values of the statement's own bound parameters (an UPDATE's WHERE) go in
    `params`, never inline."""

    name: str
    statement: Insert | Update
    rows: Sequence[Mapping[str, Any]]
    returning: Sequence[str] = ()
    many: bool = False  # an INSERT of any number of rows: PostgreSQL reads them from arrays (one cached statement)
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Check:
    """A scalar SELECT as the database is before the chain's writes; built once, like a Write's statement, its
    bound parameters' values in `params`."""

    name: str
    statement: Select[Any]
    params: Mapping[str, Any] = field(default_factory=dict)


@dataclass
class ChainResult:
    checks: dict[str, Any]
    rows: dict[str, list[dict[str, Any]]]

    def first(self, write: str, column: str) -> Any:
        rows = self.rows.get(write) or []
        return rows[0][column] if rows else None


async def run_chain(session: AsyncSession, checks: Sequence[Check], writes: Sequence[Write]) -> ChainResult:
    """Runs `checks` then `writes` in order, each write seeing what the earlier ones returned through Refs.

    PostgreSQL: ONE statement, every write a data-modifying CTE (`WITH a AS (INSERT … RETURNING …), b AS (…)`)
    and the checks and returned rows in its SELECT: one round trip. All parts share the statement's snapshot, so
    a check does not see the chain's own writes, and no two writes may touch the same row. SQLite: one statement
    after the other (in process, round trips cost nothing), checks first: the same outcome."""
    if session.bind is not None and session.bind.dialect.name == "postgresql":
        return await _run_chain_as_ctes(session, checks, writes)
    result = ChainResult(
        checks={check.name: await session.scalar(check.statement, dict(check.params)) for check in checks}, rows={}
    )
    for write in writes:
        rows = [{key: _python_value(value, result) for key, value in row.items()} for row in write.rows]
        table = write.statement.table
        returning = [table.c[name] for name in write.returning]
        if isinstance(write.statement, Update):
            stmt: Any = write.statement.values(rows[0])
            if returning:
                stmt = stmt.returning(*returning)
            found = await session.execute(stmt, dict(write.params))
        elif write.params:
            raise ValueError(f"write {write.name!r}: an INSERT takes its values from its rows")
        elif returning:
            found = await session.execute(write.statement.returning(*returning), rows)
        else:
            found = await session.execute(write.statement, rows)
        result.rows[write.name] = [dict(row._mapping) for row in found] if returning else []
    return result


def _python_value(value: Any, result: ChainResult) -> Any:
    if isinstance(value, Ref):
        return result.first(value.write, value.column)
    if isinstance(value, RefText):
        return f"{value.before}{result.first(value.ref.write, value.ref.column)}{value.after}"
    return value


# A chain's shape: per check (name, statement); per write (name, statement, many, returning, and per column of its
# first row whether the value is a Ref, a RefText or a plain value). Statements count by identity (they are built
# once), and the entry keeps them alive, so an id cannot be reused while its entry exists.
_Shape = tuple[Any, ...]
_CHAINS: OrderedDict[_Shape, tuple[Hot, tuple[Any, ...]]] = OrderedDict()
_CHAINS_KEPT = 256


def _param(write: str, key: str) -> str:
    return f"{write}__{key}"


def _kind(value: Any) -> tuple[str, ...] | None:
    if isinstance(value, Ref):
        return ("ref", value.write, value.column)
    if isinstance(value, RefText):
        return ("text", value.ref.write, value.ref.column)
    return None


def _chain_shape(checks: Sequence[Check], writes: Sequence[Write]) -> _Shape:
    return (
        tuple((check.name, id(check.statement)) for check in checks),
        tuple(
            (
                write.name,
                id(write.statement),
                write.many,
                tuple(write.returning),
                tuple((key, _kind(value)) for key, value in write.rows[0].items()),
            )
            for write in writes
        ),
    )


def _chain_params(checks: Sequence[Check], writes: Sequence[Write]) -> dict[str, Any]:
    """The bound values of a chain of `_chain_shape`: its statements' own, then every row value by column (a
    `many` write's as one array per column)."""
    params: dict[str, Any] = {}
    for check in checks:
        params.update(check.params)
    for write in writes:
        params.update(write.params)
        if write.many:
            _check_many_rows(write)
            columns: Any = zip(*(row.values() for row in write.rows), strict=True)
            for key, values in zip(write.rows[0], columns, strict=True):
                first = values[0]
                if isinstance(first, RefText):
                    params[_param(write.name, key + "__before")] = [value.before for value in values]
                    params[_param(write.name, key + "__after")] = [value.after for value in values]
                elif not isinstance(first, Ref):
                    params[_param(write.name, key)] = list(values)
            continue
        if len(write.rows) > 1:
            raise ValueError(f"write {write.name!r}: several rows need many=True")
        for key, value in write.rows[0].items():
            if isinstance(value, RefText):
                params[_param(write.name, key + "__before")] = value.before
                params[_param(write.name, key + "__after")] = value.after
            elif not isinstance(value, Ref):
                params[_param(write.name, key)] = value
    return params


def _check_many_rows(write: Write) -> None:
    """Every row of a `many` write has the first row's columns, and a column holding a Ref holds the same one in
    every row (the statement reads it once)."""
    first = write.rows[0]
    keys = list(first)
    for row in write.rows[1:]:
        if list(row) != keys:
            raise ValueError("every row of a many-row write has the same columns")
        for key in keys:
            if _kind(row[key]) != _kind(first[key]):
                raise ValueError(f"column {key!r}: the same Ref in every row, or none")


async def _run_chain_as_ctes(session: AsyncSession, checks: Sequence[Check], writes: Sequence[Write]) -> ChainResult:
    """The chain as one statement whose SQL depends on which writes it has, never on their values nor on how many
    rows a `many` write has: every value is a bound parameter (typed, NULL included), and a `many` INSERT reads its
    rows from arrays (`INSERT … SELECT … FROM unnest(:col, …)`). The statement is built once per shape and kept,
    so a checkout only binds values (its cache key and compiled form are SQLAlchemy's, memoized on the object)."""
    shape = _chain_shape(checks, writes)
    kept = _CHAINS.get(shape)
    if kept is None:
        kept = (Hot(_chain_statement(checks, writes)), (*(c.statement for c in checks), *(w.statement for w in writes)))
        _CHAINS[shape] = kept
        if len(_CHAINS) > _CHAINS_KEPT:
            _CHAINS.popitem(last=False)
    (row,) = await kept[0].mappings(session, _chain_params(checks, writes))
    return ChainResult(
        checks={check.name: row[f"c_{check.name}"] for check in checks},
        rows={write.name: _json_rows(row[f"w_{write.name}"]) if write.returning else [] for write in writes},
    )


def _chain_statement(checks: Sequence[Check], writes: Sequence[Write]) -> Any:
    ctes: dict[str, Any] = {}

    def ref_sql(ref: Ref) -> Any:
        return select(ctes[ref.write].c[ref.column]).scalar_subquery()

    def sql_value(write: str, key: str, value: Any, type_: Any) -> Any:
        if isinstance(value, Ref):
            return ref_sql(value)
        if isinstance(value, RefText):
            before = bindparam(_param(write, key + "__before"), type_=String)
            after = bindparam(_param(write, key + "__after"), type_=String)
            return before + _ref_text(ref_sql(value.ref)) + after
        return bindparam(_param(write, key), type_=type_)

    for write in writes:
        table = write.statement.table
        stmt: Any
        if isinstance(write.statement, Insert) and write.many:
            stmt = _insert_from_arrays(write, ref_sql)
        else:
            row = write.rows[0]
            stmt = write.statement.values(
                {key: sql_value(write.name, key, value, table.c[key].type) for key, value in row.items()}
            )
        returning = [table.c[name] for name in write.returning] or list(table.primary_key)[:1]
        ctes[write.name] = stmt.returning(*returning).cte(f"w_{write.name}")
    outputs: list[Any] = [check.statement.scalar_subquery().label(f"c_{check.name}") for check in checks]
    outputs += [
        select(func.json_agg(ctes[write.name].table_valued())).scalar_subquery().label(f"w_{write.name}")
        for write in writes
        if write.returning
    ]
    return select(*outputs).add_cte(*ctes.values())


def _ref_text(ref: Any) -> Any:
    return cast(ref, String)


def _insert_from_arrays(write: Write, ref_sql: Callable[[Ref], Any]) -> Any:
    """`INSERT INTO t (a, b, …) SELECT u.a, u.b, … FROM unnest(:a, :b, …) AS u(a, b, …)`: one typed array per
    column. A column that is a Ref (the same one in every row) is its scalar subquery; a RefText's text around the
    Ref comes from two arrays."""
    statement = write.statement
    assert isinstance(statement, Insert)
    table = statement.table
    first = write.rows[0]
    keys = list(first)
    arrays: list[tuple[str, Any]] = []  # (name in the unnest and of its parameter, element type)
    for key in keys:
        value = first[key]
        if isinstance(value, RefText):
            arrays += [(f"{key}__before", String()), (f"{key}__after", String())]
        elif not isinstance(value, Ref):
            arrays.append((key, table.c[key].type))
    unnest = (
        func.unnest(
            *(cast(bindparam(_param(write.name, name), type_=ARRAY(type_)), ARRAY(type_)) for name, type_ in arrays)
        )
        .table_valued(*(name for name, _ in arrays))
        .render_derived(name="u")
    )

    def selected(key: str) -> Any:
        value = first[key]
        if isinstance(value, Ref):
            return ref_sql(value)
        if isinstance(value, RefText):
            return unnest.c[f"{key}__before"] + _ref_text(ref_sql(value.ref)) + unnest.c[f"{key}__after"]
        return unnest.c[key]

    return statement.from_select(keys, select(*(selected(key) for key in keys)).select_from(unnest))


def _json_rows(value: Any) -> list[dict[str, Any]]:
    """json_agg's result: asyncpg hands JSON over as text; NULL when the write returned no row."""
    if value is None:
        return []
    rows: list[dict[str, Any]] = json.loads(value) if isinstance(value, str) else value
    return rows


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
