"""The connection budget: can every process's pool be full at once without PostgreSQL refusing connections?

Each process (`serve` worker, `bosonline worker`) holds one pool of at most BOSONLINE_DB_POOL_SIZE connections, plus
db.MAX_OVERFLOW beyond it (none: the pool is the process's whole budget). When all of them together can ask for
more than the server accepts (`max_connections`, less the slots kept for superusers and, from PostgreSQL 16,
`reserved_connections`), a busy moment ends in "too many clients" errors. `bosonline serve` checks this at start-up
and logs a warning that says what to change. SQLite has no server and no such limit: nothing is checked.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import structlog
from sqlalchemy import text

from bosonline.config import Settings
from bosonline.db import MAX_OVERFLOW, Database, is_sqlite

log = structlog.get_logger("bosonline.connections")

_LIMITS = text(
    "SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int, "
    "coalesce(current_setting('reserved_connections', true), '0')::int"
)


@dataclass(frozen=True)
class Budget:
    pool_size: int
    processes: int
    max_connections: int
    reserved: int  # superuser_reserved_connections + reserved_connections

    @property
    def per_process(self) -> int:
        return self.pool_size + MAX_OVERFLOW

    @property
    def needed(self) -> int:
        return self.per_process * self.processes

    @property
    def available(self) -> int:
        return self.max_connections - self.reserved

    @property
    def exceeded(self) -> bool:
        return self.needed > self.available

    def largest_pool_size(self) -> int:
        """The largest BOSONLINE_DB_POOL_SIZE that fits (0: none does, with this many processes)."""
        fitting = (size for size in range(self.pool_size, 0, -1) if not replace(self, pool_size=size).exceeded)
        return next(fitting, 0)


async def server_budget(db: Database, pool_size: int, processes: int) -> Budget:
    async with db.engine.connect() as conn:
        max_connections, superuser, reserved = (await conn.execute(_LIMITS)).one()
    return Budget(pool_size, processes, int(max_connections), int(superuser) + int(reserved))


async def check_connection_budget(settings: Settings, *, serve_processes: int) -> Budget | None:
    """Logs the budget of `serve_processes` serve processes and BOSONLINE_WORKER_PROCESSES others; a warning with
    what to change when it exceeds the server's limit. None on SQLite."""
    url = settings.effective_database_url
    if is_sqlite(url):
        return None
    db = Database.connect(url, pool_size=1)
    try:
        budget = await server_budget(db, settings.db_pool_size, serve_processes + settings.worker_processes)
    finally:
        await db.dispose()
    numbers = {
        "pool_size": budget.pool_size,
        "connections_per_process": budget.per_process,
        "serve_processes": serve_processes,
        "worker_processes": settings.worker_processes,
        "connections_needed": budget.needed,
        "max_connections": budget.max_connections,
        "reserved_connections": budget.reserved,
        "connections_available": budget.available,
    }
    if not budget.exceeded:
        log.info("connection_budget", **numbers)
        return budget
    largest = budget.largest_pool_size()
    log.warning(
        "connection_budget_exceeded",
        **numbers,
        fix=(f"set BOSONLINE_DB_POOL_SIZE to {largest} or less, " if largest else "run fewer processes, ")
        + f"or raise PostgreSQL's max_connections to at least {budget.needed + budget.reserved} "
        "(or put a pooler such as PgBouncer in front of it)",
    )
    return budget
