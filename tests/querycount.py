"""Count the SQL statements a block of code sends, so that an N+1 fails a test."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
