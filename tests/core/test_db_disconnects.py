"""Connections the PostgreSQL server drops (a restart, pg_terminate_backend, an idle timeout) fail no request that
was not using them: the pool has no pre-ping (three round trips per checkout with asyncpg, db.py), so these pin what
replaces it: the checkout swaps a connection asyncpg knows is closed, and a request whose first statement meets a
dead connection runs it again on a new one."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from bosonline import db as db_module
from bosonline.runtime import Runtime
from tests.checkout.helpers import make_checkout_shop, place
from tests.factories import seller

pytestmark = pytest.mark.postgres_only


async def _pooled_pids(rt: Runtime, count: int) -> list[int]:
    """The backend pids of `count` pooled connections (held together, so that they are distinct), given back."""
    async with contextlib.AsyncExitStack() as stack:
        conns: list[AsyncConnection] = [await stack.enter_async_context(rt.db.engine.connect()) for _ in range(count)]
        return [int(await conn.scalar(text("SELECT pg_backend_pid()"))) for conn in conns]


async def _terminate(rt: Runtime, pids: list[int], *, wait: bool) -> None:
    """pg_terminate_backend on those connections, from a connection outside the pool."""
    admin = create_async_engine(rt.db.url, poolclass=NullPool)
    try:
        async with admin.connect() as conn:
            listed = ", ".join(str(pid) for pid in pids)
            killed = await conn.scalar(
                text(f"SELECT bool_and(pg_terminate_backend(pid)) FROM unnest(ARRAY[{listed}]) pid")
            )
            assert killed
            await conn.commit()
            alive = text(f"SELECT count(*) FROM pg_stat_activity WHERE pid IN ({listed})")
            # Each look in a transaction of its own: PostgreSQL reads pg_stat_activity once per transaction, so a
            # backend still exiting at the first look would stay "alive" for every later one (the wait never ended).
            while wait and await conn.scalar(alive):
                await conn.rollback()
                await asyncio.sleep(0.01)
    finally:
        await admin.dispose()


@contextlib.asynccontextmanager
async def _killed_behind_the_pools_check(rt: Runtime) -> AsyncIterator[list[int]]:
    """Three pooled connections terminated with the pool's own check (`_drop_closed`) off: as if the server dropped
    them in the instant after the pool handed one out. The block's requests meet them dead; yields their pids."""
    pids = await _pooled_pids(rt, 3)
    event.remove(rt.db.engine.sync_engine, "checkout", db_module._drop_closed)
    try:
        await _terminate(rt, pids, wait=True)
        await asyncio.sleep(0.05)  # asyncpg has read the end of each: they are closed, and checked out as they are
        yield pids
    finally:
        event.listen(rt.db.engine.sync_engine, "checkout", db_module._drop_closed, insert=True)  # first, as in db.py


async def _all_ok(client: httpx.AsyncClient, headers: dict[str, str], n: int) -> None:
    statuses = [(await client.get("/store", headers=headers)).status_code for _ in range(n)]
    statuses += [
        r.status_code for r in await asyncio.gather(*(client.get("/store", headers=headers) for _ in range(n)))
    ]
    assert statuses == [200] * (2 * n)


async def test_killed_idle_connections_fail_no_request(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    pids = await _pooled_pids(rt, 4)
    await _terminate(rt, pids, wait=False)  # the requests below may start before the server has closed them
    await _all_ok(client, owner["headers"], 4)
    assert not set(pids) & set(await _pooled_pids(rt, 4))


async def test_a_request_starting_on_a_dead_connection_runs_its_first_statement_again(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    """Without the checkout's check (a connection dropped just after it), the first statement meets the dead
    connection: it is run again on a new one, and the pool renews the others."""
    owner = await seller(client)
    async with _killed_behind_the_pools_check(rt) as pids:
        await _all_ok(client, owner["headers"], 3)
    assert not set(pids) & set(await _pooled_pids(rt, 3))


async def test_a_checkout_starting_on_a_dead_connection_is_not_a_server_error(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    """The checkout's first statement is the rate limiter's counter, sent to asyncpg on the request's connection:
    a connection dropped just after the pool's check is replaced there too, and the order is placed."""
    shop = await make_checkout_shop(client, rt)
    async with _killed_behind_the_pools_check(rt):
        statuses = [(await place(client, shop, phone=f"08123456780{n}")).status_code for n in range(3)]
    assert statuses == [201] * 3


async def test_a_checkout_counted_elsewhere_starting_on_a_dead_connection_is_placed(
    client: httpx.AsyncClient, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the counts in Redis the checkout's first statement is its entry read: run again on a new connection."""
    shop = await make_checkout_shop(client, rt)

    async def counted_in_redis(*_: object, **__: object) -> None:
        return None

    monkeypatch.setattr(rt.rate_limits, "hit", counted_in_redis)
    async with _killed_behind_the_pools_check(rt):
        statuses = [(await place(client, shop, phone=f"08123456781{n}")).status_code for n in range(3)]
    assert statuses == [201] * 3
