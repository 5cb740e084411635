"""Count the SQL statements a block of code sends, so that an N+1 fails a test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

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
def count_queries(rt: Runtime) -> Iterator[QueryLog]:
    log = QueryLog()
    engine = rt.db.engine.sync_engine

    def before(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        log.statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield log
    finally:
        event.remove(engine, "before_cursor_execute", before)
