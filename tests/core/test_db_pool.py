"""The PostgreSQL pool (db.create_engine): a process holds at most BOSONLINE_DB_POOL_SIZE connections, opens them when
first needed and keeps them. A burst larger than the pool waits for connections given back instead of opening and
closing extra ones (QueuePool's overflow did: 47-84 new connections per 1,000 checkouts under load), and the
connection given back last is taken first, so those only a burst needed stay idle at the bottom of the pool."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection

from bosonline.db import Database

pytestmark = pytest.mark.postgres_only

PID = text("SELECT pg_backend_pid() FROM pg_sleep(0.02)")  # a short statement: a burst's requests overlap


@dataclass
class Seen:
    """What the pool did, from its events."""

    connects: int = 0
    closes: int = 0
    in_use: int = 0
    most_in_use: int = 0

    def checkout(self, *_: Any) -> None:
        self.in_use += 1
        self.most_in_use = max(self.most_in_use, self.in_use)

    def checkin(self, *_: Any) -> None:
        self.in_use -= 1

    def connect(self, *_: Any) -> None:
        self.connects += 1

    def close(self, *_: Any) -> None:
        self.closes += 1


@asynccontextmanager
async def small_pool(url: str, size: int) -> AsyncIterator[tuple[Database, Seen]]:
    db = Database.connect(url, pool_size=size)
    seen = Seen()
    pool = db.engine.sync_engine.pool
    for name in ("checkout", "checkin", "connect", "close"):
        event.listen(pool, name, getattr(seen, name))
    event.listen(pool, "close_detached", seen.close)
    try:
        yield db, seen
    finally:
        await db.dispose()


async def _pid(db: Database) -> int:
    async with db.engine.connect() as conn:
        return int(await conn.scalar(PID))


async def _burst(db: Database, requests: int) -> set[int]:
    """`requests` concurrent connections' work; the backends that did it."""
    return set(await asyncio.gather(*(_pid(db) for _ in range(requests))))


async def test_a_burst_larger_than_the_pool_neither_opens_nor_closes_connections(database_url: str) -> None:
    async with small_pool(database_url, 3) as (db, seen):
        first = await _burst(db, 12)
        assert len(first) == 3
        assert (seen.connects, seen.closes, seen.most_in_use) == (3, 0, 3)
        for _ in range(3):  # after the warm-up, bursts are served by the same three backends
            assert await _burst(db, 12) == first
        assert (seen.connects, seen.closes, seen.most_in_use, seen.in_use) == (3, 0, 3, 0)


async def test_a_request_beyond_the_pool_waits_for_a_connection_given_back(database_url: str) -> None:
    async with small_pool(database_url, 2) as (db, seen), AsyncExitStack() as held:
        conns: list[AsyncConnection] = [await held.enter_async_context(db.engine.connect()) for _ in range(2)]
        pids = [int(await conn.scalar(PID)) for conn in conns]
        waiting = asyncio.create_task(_pid(db))
        await asyncio.sleep(0.3)
        assert not waiting.done()  # no third connection: it waits
        await conns[1].close()  # given back
        assert await asyncio.wait_for(waiting, 10) == pids[1]
        assert (seen.connects, seen.closes, seen.most_in_use) == (2, 0, 2)


async def test_the_connection_given_back_last_is_taken_first(database_url: str) -> None:
    """LIFO: one request at a time uses one connection, the others a burst opened stay idle (a server-side idle
    timeout such as idle_session_timeout may close them; the checkout then replaces one, test_db_disconnects.py)."""
    async with small_pool(database_url, 3) as (db, seen):
        assert len(await _burst(db, 6)) == 3
        assert len({await _pid(db) for _ in range(6)}) == 1
        assert (seen.connects, seen.closes) == (3, 0)


async def test_a_connection_the_server_closes_when_idle_is_replaced(database_url: str) -> None:
    """README: `idle_session_timeout` lets PostgreSQL close the connections a burst left idle; the next request that
    needs one gets a new connection, without an error."""
    async with small_pool(database_url, 2) as (db, seen):
        async with db.engine.connect() as conn:
            first = int(await conn.scalar(PID))
            await conn.execute(text("SET idle_session_timeout = '100ms'"))
            await conn.commit()
        await asyncio.sleep(0.5)  # the server has closed it, and asyncpg has read the end
        second = await _pid(db)
        assert second != first
        assert (seen.connects, seen.closes) == (2, 1)
