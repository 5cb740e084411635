"""What one rate-limit hit costs a request: the counter before step 8 (its own session and transaction), the
database counter now (one autocommit statement, on PostgreSQL on the request's own connection), and Redis (ours,
and the `limits` library's fixed window when it is installed: `.venv/bin/pip install 'limits>=5.8,<6'`;
it is not a dependency), in the same run. Results and the decision: kit/ratelimit.py's docstring.

    .venv/bin/python bench/ratelimit.py [--hits 1000] [--tasks 4] [--rounds 3]
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/bosonline_ratelimit_bench]
        [--redis-url redis://127.0.0.1:6379/15]

Each "request" opens a session, optionally counts a hit, runs `SELECT 1` (its own work) and ends its transaction,
as `rate_limited` + `TransactionalRoute` do; `--tasks` of them run concurrently. A variant's cost per hit is its
time minus the same loop without a counter (the baseline, measured in the same run): CPU of this process
(time.process_time; PostgreSQL's and Redis's own CPU is not in it) and wall time. PostgreSQL runs the new counter on
the migrated (UNLOGGED) table and once more on a LOGGED copy of it, to show what the WAL flush would cost. Every
key is new to the run and limits are never reached (the common path). Give it a database of its own (it is
migrated, and the table switched to LOGGED and back, while it runs). Not run by CI.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from statistics import median

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import Database, dialect_insert
from bosonline.kit.ratelimit import RateLimits
from bosonline.migrate import upgrade
from bosonline.models import RateLimitWindow

Counter = Callable[[AsyncSession, str], Awaitable[object]]
LIMIT = 10**9
WINDOW = 60


async def counter_before_step_8(db: Database, key: str, now: datetime) -> int:
    """kit.ratelimit.count_hit as it was (cleanup aside: once per 5 minutes): its own session and transaction."""
    epoch = int(now.timestamp())
    window_start = epoch - epoch % WINDOW
    async with db.session() as session:
        if not db.sqlite:
            await session.execute(text("SET LOCAL synchronous_commit = off"))
        insert = dialect_insert(session, RateLimitWindow).values(key=key[:120], window_start=window_start, hits=1)
        upsert = insert.on_conflict_do_update(
            index_elements=[RateLimitWindow.key, RateLimitWindow.window_start],
            set_={"hits": RateLimitWindow.hits + 1},
        ).returning(RateLimitWindow.hits)
        hits = int((await session.execute(upsert)).scalar_one())
        await session.commit()
    return hits


async def run(db: Database, counter: Counter | None, hits: int, tasks: int, label: str) -> tuple[float, float]:
    """(CPU µs, wall µs) per request of `hits` requests over `tasks` concurrent tasks."""
    run_id = uuid.uuid4().hex[:8]

    async def task(n: int) -> None:
        key = f"bench:{label}:{run_id}:{n}"
        for _ in range(hits // tasks):
            async with db.session(write=False) as session:
                if counter is not None:
                    await counter(session, key)
                await session.execute(text("SELECT 1"))
                await session.commit()

    await asyncio.gather(*(task(n) for n in range(tasks)))  # warm: connections, prepared statements, scripts
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(task(n) for n in range(tasks)))
    done = hits // tasks * tasks
    return (time.process_time() - cpu) / done * 1e6, (time.perf_counter() - wall) / done * 1e6


async def limits_counter(redis_url: str) -> tuple[Counter, Callable[[], Awaitable[None]]] | None:
    try:
        from limits import RateLimitItemPerMinute
        from limits.aio.storage import RedisStorage
        from limits.aio.strategies import FixedWindowRateLimiter
    except ImportError:
        return None
    storage = RedisStorage("async+" + redis_url, implementation="redispy", socket_timeout=1, socket_connect_timeout=1)
    limiter = FixedWindowRateLimiter(storage)
    item = RateLimitItemPerMinute(LIMIT)

    async def hit(_session: AsyncSession, key: str) -> bool:
        return await limiter.hit(item, key)

    async def close() -> None:
        await storage.bridge.storage.aclose()

    return hit, close


async def set_logged(db: Database, logged: bool) -> None:
    async with db.engine.begin() as conn:
        await conn.execute(text(f"ALTER TABLE rate_limit_windows SET {'LOGGED' if logged else 'UNLOGGED'}"))


async def database_rows(db: Database, label: str, hits: int, tasks: int, rounds: int, redis_url: str | None) -> None:
    now = datetime.now(UTC)
    database = RateLimits(db)
    rows: list[tuple[str, Counter | None]] = [
        ("no counter (baseline)", None),
        ("before step 8: own session + transaction", lambda _s, key: counter_before_step_8(db, key, now)),
        ("now: one autocommit statement", lambda s, key: database.hit(key, limit=LIMIT, window_seconds=WINDOW, now=now, session=s)),
    ]  # fmt: skip
    closers: list[Callable[[], Awaitable[None]]] = []
    if redis_url is not None:
        redis = RateLimits(  # a loaded machine must not turn the Redis row into the database fallback
            db, redis_url=redis_url, redis_prefix=f"bench:{uuid.uuid4().hex[:8]}:", redis_timeout_seconds=1
        )
        closers.append(redis.close)
        rows.append(
            ("now, Redis: EVALSHA (ours)", lambda s, key: redis.hit(key, limit=LIMIT, window_seconds=WINDOW, now=now, session=s))
        )  # fmt: skip
        found = await limits_counter(redis_url)
        if found is not None:
            rows.append(("Redis: `limits` FixedWindowRateLimiter", found[0]))
            closers.append(found[1])
    if not db.sqlite:  # what the UNLOGGED table saves: the same statement, waiting for the WAL flush
        rows.append(("now, on a LOGGED table", rows[2][1]))
    samples: dict[str, list[tuple[float, float]]] = {name: [] for name, _ in rows}
    for _ in range(rounds):  # interleaved, so that a burst of load from elsewhere hits every variant alike
        for name, counter in rows:
            logged = "LOGGED" in name
            if logged:
                await set_logged(db, True)
            try:
                samples[name].append(await run(db, counter, hits, tasks, name[:12]))
            finally:
                if logged:
                    await set_logged(db, False)
    results = {name: (median(c for c, _ in got), median(w for _, w in got)) for name, got in samples.items()}
    for close in closers:
        await close()
    base_cpu, base_wall = results.pop("no counter (baseline)")
    old_cpu, old_wall = results["before step 8: own session + transaction"]
    print(
        f"\n{label}: {hits} requests × {rounds} rounds (median), {tasks} concurrent tasks; request alone {base_cpu:.0f} µs CPU, {base_wall:.0f} µs wall"
    )
    print(f"  {'counter':<44} {'CPU µs/hit':>10} {'wall µs/hit':>11} {'CPU vs before':>13} {'wall vs before':>14}")
    for name, (cpu, wall) in results.items():
        extra_cpu, extra_wall = cpu - base_cpu, wall - base_wall
        print(
            f"  {name:<44} {extra_cpu:10.0f} {extra_wall:11.0f} "
            f"{extra_cpu / (old_cpu - base_cpu):12.2f}× {extra_wall / (old_wall - base_wall):13.2f}×"
        )  # fmt: skip


async def main(hits: int, tasks: int, rounds: int, database_url: str, redis_url: str | None) -> None:
    sqlite = Database.connect(f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='bosonline-bench-')}/bench.db")
    postgres = Database.connect(database_url)
    for db in (postgres, sqlite):
        await upgrade(db)
    try:
        await database_rows(postgres, "PostgreSQL", hits, tasks, rounds, redis_url)
        await database_rows(sqlite, "SQLite", hits, tasks, rounds, None)
    finally:
        await postgres.dispose()
        await sqlite.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hits", type=int, default=1000)
    parser.add_argument("--tasks", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--database-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/bosonline_ratelimit_bench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15", help="'' to leave Redis out")
    args = parser.parse_args()
    asyncio.run(main(args.hits, args.tasks, args.rounds, args.database_url, args.redis_url or None))
