"""SQL of the measured hot paths (checkout): statements compiled once and sent straight to asyncpg inside the
session's transaction (`Hot`), and a chain of writes that is one statement on PostgreSQL (`run_chain`)."""

from __future__ import annotations

import json
import typing
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ARRAY, Insert, Select, String, Update, bindparam, cast, func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm import class_mapper
from sqlalchemy.orm.base import instance_state

from bosonline.db import dialect_of

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
        connection, adapted = await _connection_of(session)
        if connection.dialect.name != "postgresql" or getattr(adapted, "_transaction", None) is None:
            result = await session.execute(self.statement, dict(params))
            return result.mappings().all() if by_name else result.all()
        sql, args = self.bound(connection.dialect, params)
        try:
            return await self._send(adapted.driver_connection, sql, args)
        except Exception as error:  # noqa: BLE001 — whatever the driver raises is translated, as SQLAlchemy does
            _raise_as_sqlalchemy(connection.dialect, adapted, sql, args, error)

    def bound(self, dialect: Any, params: Mapping[str, Any]) -> tuple[str, list[Any]]:
        """The statement's SQL in `dialect` (compiled once) and its positional arguments for `params`."""
        compiled = self._compiled
        if compiled is None:
            compiled = self.statement.compile(dialect=dialect)
            if compiled.post_compile_params or compiled.literal_execute_params:
                raise ValueError("a Hot statement binds every value as one parameter (no expanding IN)")
            self._compiled = compiled
        values = compiled.construct_params(params)
        processors = compiled._bind_processors
        args = [processors[name](values[name]) if name in processors else values[name] for name in compiled.positiontup]
        return compiled.string, args

    @staticmethod
    async def _send(driver: Any, sql: str, args: list[Any]) -> Sequence[Any]:
        """One round trip (asyncpg's Records answer both by position and by name)."""
        found: Sequence[Any] = await driver.fetch(sql, *args)
        return found


_CONNECTION_KEY = "hot_sql.connection"


async def _connection_of(session: AsyncSession) -> tuple[Any, Any]:
    """The session's connection and its DBAPI adapter (asyncpg's underneath), kept in `session.info` for the
    session's transaction: asking SQLAlchemy costs two greenlet hops per statement. A new transaction (after a
    commit or a rollback) asks again."""
    transaction = session.sync_session.get_transaction()
    kept = session.info.get(_CONNECTION_KEY)
    if kept is not None and transaction is not None and kept[0] is transaction:
        return kept[1], kept[2]
    connection = await session.connection()
    adapted = (await connection.get_raw_connection()).dbapi_connection
    session.info[_CONNECTION_KEY] = (session.sync_session.get_transaction(), connection, adapted)
    return connection, adapted


def _raise_as_sqlalchemy(dialect: Any, adapted: Any, sql: str, args: list[Any], error: Exception) -> typing.NoReturn:
    """What SQLAlchemy raises for the driver's `error`: the adapter's DBAPI-shaped error, wrapped (an error the
    adapter does not translate goes on as it is)."""
    try:
        adapted._handle_exception(error)
    except dialect.loaded_dbapi.Error as dbapi_error:
        disconnected = dialect.is_disconnect(dbapi_error, adapted, None)
        raise DBAPIError.instance(
            sql, args, dbapi_error, dialect.loaded_dbapi.Error, dialect=dialect, connection_invalidated=disconnected
        ) from error
    raise error  # _handle_exception always raises


class PooledRead:
    """A SELECT of whole rows of mapped classes (`entity_columns(*entities)`, in that order) for a read outside any
    transaction (a read request on PostgreSQL, whose session is in autocommit), without a session: its SQL compiled
    once (as `Hot`), sent straight to asyncpg on a pooled connection held for this one statement, and each row read
    as one detached instance per class (None for an outer-joined class without a row), built from the columns
    without the ORM's loading. A session costs ~0.2 ms of CPU to open a connection, run one ORM statement and give
    the connection back; this costs ~0.1 ms (issue 15). The instances are for reading: they are in no session.
    PostgreSQL only (SQLite reads in a transaction, through the ORM)."""

    def __init__(self, statement: Select[Any], entities: Sequence[type[Any]]) -> None:
        selected = list(statement.selected_columns)
        expected = entity_columns(*entities)
        if len(selected) != len(expected) or any(a is not b for a, b in zip(selected, expected, strict=True)):
            raise ValueError("a PooledRead selects entity_columns(*entities), in that order")
        self.hot = Hot(statement)
        self._entities = [_EntityShape.of(class_mapper(entity)) for entity in entities]
        self._processors: list[tuple[int, Callable[[Any], Any]]] | None = None

    async def rows(self, engine: AsyncEngine, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """The result rows, each a tuple of instances (or None) in `entities`' order. A connection the server had
        closed is replaced once (nothing ran on it), as `db.retried_if_first` does for a session."""
        dialect = engine.dialect
        sql, args = self.hot.bound(dialect, params)
        for attempt in (1, 2):
            connection = await engine.raw_connection()
            try:
                found = await Hot._send(connection.driver_connection, sql, args)
            except Exception as error:  # noqa: BLE001 — translated as SQLAlchemy does, then raised
                try:
                    _raise_as_sqlalchemy(dialect, connection.dbapi_connection, sql, args, error)
                except DBAPIError as translated:
                    # Outside a greenlet, invalidating terminates the connection, and closing one that ran no
                    # transaction awaits nothing.
                    if translated.connection_invalidated:
                        connection.invalidate(translated)
                        if attempt == 1:
                            continue
                    else:
                        connection.close()
                    raise
                except BaseException:  # not the driver's error (a socket's OSError): the connection's state is unknown
                    connection.invalidate()
                    raise
            except BaseException:  # cancelled mid-statement: the connection's state is unknown
                connection.invalidate()
                raise
            connection.close()
            return [self._instances(row, dialect) for row in found]
        raise AssertionError("unreachable")

    def _instances(self, row: Sequence[Any], dialect: Any) -> tuple[Any, ...]:
        processors = self._processors
        if processors is None:
            processors = self._processors = _result_processors(self.hot.statement, dialect)
        values = list(row)
        for index, process in processors:
            values[index] = process(values[index])
        instances: list[Any] = []
        start = 0
        for shape in self._entities:
            end = start + len(shape.keys)
            instances.append(shape.detached(values[start:end]))
            start = end
        return tuple(instances)


def entity_columns(*entities: type[Any]) -> list[Any]:
    """The columns of each mapped class, in order: what a `PooledRead` selects."""
    return [column for entity in entities for column in class_mapper(entity).columns]


def _result_processors(statement: Select[Any], dialect: Any) -> list[tuple[int, Callable[[Any], Any]]]:
    """(position, converter) of the selected columns whose type converts the driver's value (UTCDateTime)."""
    found: list[tuple[int, Callable[[Any], Any]]] = []
    for index, column in enumerate(statement.selected_columns):
        process = column.type.dialect_impl(dialect).result_processor(dialect, None)
        if process is not None:
            found.append((index, process))
    return found


@dataclass(frozen=True)
class _EntityShape:
    """A mapped class as a PooledRead reads it: its attributes in column order, and where its primary key is."""

    mapper: Any
    keys: tuple[str, ...]
    primary_key: tuple[int, ...]

    @classmethod
    def of(cls, mapper: Any) -> _EntityShape:
        columns = list(mapper.columns)
        keys = tuple(mapper.get_property_by_column(column).key for column in columns)
        positions = tuple(
            next(index for index, column in enumerate(columns) if column is key) for key in mapper.primary_key
        )
        return cls(mapper, keys, positions)

    def detached(self, values: Sequence[Any]) -> Any:
        """An instance holding `values` as loaded, detached; None when its primary key is NULL (an outer join
        without a row)."""
        if any(values[index] is None for index in self.primary_key):
            return None
        mapper = self.mapper
        instance = mapper.class_manager.new_instance()
        instance.__dict__.update(zip(self.keys, values, strict=True))
        # Detached, as `make_transient_to_detached` leaves it (its identity key), without its bookkeeping: nothing
        # was changed or left unloaded.
        instance_state(instance).key = (mapper.class_, tuple(values[index] for index in self.primary_key), None)
        return instance


# --- a chain of writes: one statement on PostgreSQL (data-modifying CTEs), one after another on SQLite ----------


@dataclass(frozen=True)
class Ref:
    """The `column` that an earlier write of the chain returned (its first row; NULL/None when it returned none)."""

    write: str
    column: str


@dataclass(frozen=True)
class Match:
    """In a row of a `many` INSERT: the `column` of the row that the earlier write `write` returned whose `on` equals
    this row's own `on` (a plain value). A row is written only when there is such a row (an inner join)."""

    write: str
    column: str
    on: str


@dataclass(frozen=True)
class RefText:
    """Text with Refs' values in it, each as JSON (a number, a quoted string, null): `texts[0] refs[0] texts[1] …
    refs[-1] texts[-1]` (a JSON body that names a row the chain creates, or a value it draws)."""

    texts: tuple[str, ...]
    refs: tuple[Ref, ...]

    def __post_init__(self) -> None:
        if len(self.texts) != len(self.refs) + 1 or not self.refs:
            raise ValueError("a RefText is text, then a Ref and text, any number of times (one at least)")


@dataclass(frozen=True)
class Write:
    """One INSERT (its `rows`: one, or any number with `many`) or UPDATE (`rows[0]` is its SET) of a chain. Values
    may be Refs to earlier writes. `returning` names the columns the caller (or a later Ref) reads back; an UPDATE
    built with its own `.returning(<expression>.label(name))` returns those too (a value computed from the new row).

    Or a SELECT of at most one row whose columns (`returning` names them) later writes read through Refs: a value
    drawn in the chain's own statement (`rows` is `[{}]`, its values in `params`). It sees the database as it is
    before the chain's writes: it comes first.

    `statement` is built once (a module-level or cached construct), never per call: PostgreSQL's chain is cached by
    the identity of its statements. Values of the statement's own bound parameters (an UPDATE's WHERE) go in
    `params`, never inline."""

    name: str
    statement: Insert | Update | Select[Any]
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
    if dialect_of(session) == "postgresql":
        return await _run_chain_as_ctes(session, checks, writes)
    result = ChainResult(
        checks={check.name: await session.scalar(check.statement, dict(check.params)) for check in checks}, rows={}
    )
    for write in writes:
        if isinstance(write.statement, Select):
            drawn = (await session.execute(write.statement, dict(write.params))).mappings().first()
            result.rows[write.name] = [dict(drawn)] if drawn is not None else []
            continue
        rows = [values for row in write.rows if (values := _python_row(row, result)) is not None]
        if not rows:  # every row's Match found none
            result.rows[write.name] = []
            continue
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


def _python_row(row: Mapping[str, Any], result: ChainResult) -> dict[str, Any] | None:
    """The row's values, its Refs' and Matches' looked up; None: a Match found no row (the row is not written)."""
    values = {}
    for key, value in row.items():
        if isinstance(value, Match):
            found = [r for r in result.rows.get(value.write) or [] if r[value.on] == row[value.on]]
            if not found:
                return None
            values[key] = found[0][value.column]
        else:
            values[key] = _python_value(value, result)
    return values


def _python_value(value: Any, result: ChainResult) -> Any:
    if isinstance(value, Ref):
        return result.first(value.write, value.column)
    if isinstance(value, RefText):
        parts = [value.texts[0]]
        for ref, text in zip(value.refs, value.texts[1:], strict=True):
            parts += [json.dumps(result.first(ref.write, ref.column)), text]
        return "".join(parts)
    return value


# A chain's shape: per check (name, statement); per write (name, statement, many, returning, and per column of its
# first row whether the value is a Ref, a RefText or a plain value). Statements count by identity (they are built
# once), and the entry keeps them alive, so an id cannot be reused while its entry exists.
_Shape = tuple[Any, ...]
_CHAINS: OrderedDict[_Shape, tuple[Hot, tuple[Any, ...]]] = OrderedDict()
_CHAINS_KEPT = 256


def _param(write: str, key: str) -> str:
    return f"{write}__{key}"


def _kind(value: Any) -> tuple[Any, ...] | None:
    if isinstance(value, Ref):
        return ("ref", value.write, value.column)
    if isinstance(value, RefText):
        return ("text", *((ref.write, ref.column) for ref in value.refs))
    if isinstance(value, Match):
        return ("match", value.write, value.column, value.on)
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
                    for n in range(len(first.texts)):
                        params[_param(write.name, f"{key}__t{n}")] = [value.texts[n] for value in values]
                elif not isinstance(first, Ref | Match):
                    params[_param(write.name, key)] = list(values)
            continue
        if len(write.rows) > 1:
            raise ValueError(f"write {write.name!r}: several rows need many=True")
        for key, value in write.rows[0].items():
            if isinstance(value, RefText):
                for n, text in enumerate(value.texts):
                    params[_param(write.name, f"{key}__t{n}")] = text
            elif isinstance(value, Match):
                raise TypeError(f"write {write.name!r}: a Match is for the rows of a many-row write")
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
            texts = [bindparam(_param(write, f"{key}__t{n}"), type_=String) for n in range(len(value.texts))]
            return _joined(texts, [ref_sql(ref) for ref in value.refs])
        return bindparam(_param(write, key), type_=type_)

    for write in writes:
        if isinstance(write.statement, Select):
            ctes[write.name] = write.statement.cte(f"w_{write.name}")
            continue
        table = write.statement.table
        stmt: Any
        if isinstance(write.statement, Insert) and write.many:
            stmt = _insert_from_arrays(write, ref_sql, ctes)
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


def _joined(texts: Sequence[Any], refs: Sequence[Any]) -> Any:
    """`texts[0] || refs[0] || texts[1] || …` in SQL, each Ref's value as JSON text (`null` for NULL)."""
    joined = texts[0]
    for ref, text in zip(refs, texts[1:], strict=True):
        joined = joined + func.coalesce(cast(func.to_json(ref), String), "null") + text
    return joined


def _insert_from_arrays(write: Write, ref_sql: Callable[[Ref], Any], ctes: Mapping[str, Any]) -> Any:
    """`INSERT INTO t (a, b, …) SELECT u.a, u.b, … FROM unnest(:a, :b, …) AS u(a, b, …)`: one typed array per
    column. A column that is a Ref (the same one in every row) is its scalar subquery; a RefText's text around the
    Ref comes from two arrays; a Match is the column of its write's CTE, joined on `on`."""
    statement = write.statement
    assert isinstance(statement, Insert)
    table = statement.table
    first = write.rows[0]
    keys = list(first)
    arrays: list[tuple[str, Any]] = []  # (name in the unnest and of its parameter, element type)
    for key in keys:
        value = first[key]
        if isinstance(value, RefText):
            arrays += [(f"{key}__t{n}", String()) for n in range(len(value.texts))]
        elif not isinstance(value, Ref | Match):
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
            texts = [unnest.c[f"{key}__t{n}"] for n in range(len(value.texts))]
            return _joined(texts, [ref_sql(ref) for ref in value.refs])
        if isinstance(value, Match):
            return ctes[value.write].c[value.column]
        return unnest.c[key]

    source: Any = unnest
    for match in {(v.write, v.on): v for v in first.values() if isinstance(v, Match)}.values():
        cte = ctes[match.write]
        source = source.join(cte, cte.c[match.on] == unnest.c[match.on])
    return statement.from_select(keys, select(*(selected(key) for key in keys)).select_from(source))


def _json_rows(value: Any) -> list[dict[str, Any]]:
    """json_agg's result: asyncpg hands JSON over as text; NULL when the write returned no row."""
    if value is None:
        return []
    rows: list[dict[str, Any]] = json.loads(value) if isinstance(value, str) else value
    return rows
