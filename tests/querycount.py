"""Count the SQL statements a block of code sends, so that an N+1 fails a test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from sqlalchemy import event

from bosonline.hot_sql import Hot
from bosonline.runtime import Runtime


class QueryLog:
    def __init__(self) -> None:
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        # BEGIN/COMMIT/ROLLBACK/PRAGMA are transaction plumbing, not queries.
        return sum(
            1
            for sql in self.statements
            if not sql.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "PRAGMA"))
        )


@contextmanager
def count_queries(rt: Runtime, *, transactions: bool = False) -> Iterator[QueryLog]:
    """With `transactions`, BEGIN, COMMIT, ROLLBACK and SAVEPOINTs are logged too, whether the driver sends them
    as statements or not (asyncpg's BEGIN and COMMIT never pass through a cursor): each is a round trip."""
    log = QueryLog()
    engine = rt.db.engine.sync_engine
    sqlite = engine.dialect.name == "sqlite"

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        log.statements.append(statement)

    def named(name: str) -> Callable[..., None]:
        def record(*_: Any) -> None:
            log.statements.append(name)

        return record

    listeners: list[tuple[str, Callable[..., None]]] = [("before_cursor_execute", before)]
    if transactions:
        # SQLite's BEGIN IMMEDIATE is its own statement (db.py); elsewhere the driver sends BEGIN for the "begin" event.
        listeners += [("commit", named("COMMIT")), ("rollback", named("ROLLBACK"))]
        listeners += [("savepoint", named("SAVEPOINT")), ("release_savepoint", named("RELEASE SAVEPOINT"))]
        if not sqlite:
            listeners.append(("begin", named("BEGIN")))
    for name, listener in listeners:
        event.listen(engine, name, listener)
    send = Hot._send

    async def sent_straight(driver: Any, sql: str, args: list[Any]) -> Any:  # hot_sql.Hot's, past SQLAlchemy's events
        log.statements.append(sql)
        return await send(driver, sql, args)

    Hot._send = staticmethod(sent_straight)  # type: ignore[method-assign]
    try:
        yield log
    finally:
        Hot._send = staticmethod(send)  # type: ignore[method-assign]
        for name, listener in listeners:
            event.remove(engine, name, listener)


@asynccontextmanager
async def on_the_wire(rt: Runtime, *, statements: bool = False) -> AsyncIterator[list[tuple[int, str]]]:
    """(connection, SQL) of what PostgreSQL is sent while the block runs, in order: what asyncpg is asked directly
    (its query log: hot_sql's statements, BEGIN, COMMIT, ROLLBACK) on the connections checked out meanwhile, and
    with `statements` SQLAlchemy's statements, once executed."""
    sent: list[tuple[int, str]] = []

    def watch(dbapi_connection: Any, *_: Any) -> None:
        driver = dbapi_connection.driver_connection
        driver.add_query_logger(lambda record: sent.append((id(driver), record.query)))

    def unwatch(dbapi_connection: Any, *_: Any) -> None:
        dbapi_connection.driver_connection._query_loggers.clear()

    def log_statement(connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        sent.append((id(connection.connection.driver_connection), statement))

    engine = rt.db.engine.sync_engine
    hooks: list[tuple[Any, str, Callable[..., None]]] = [
        (engine.pool, "checkout", watch),
        (engine.pool, "checkin", unwatch),
    ]
    if statements:
        hooks.append((engine, "after_cursor_execute", log_statement))
    for target, name, hook in hooks:
        event.listen(target, name, hook)
    try:
        yield sent
        await asyncio.sleep(0)  # asyncpg calls its query loggers soon after each query, not during it
    finally:
        for target, name, hook in hooks:
            event.remove(target, name, hook)
