"""What authentication + store tenancy cost per request, against /health (no database) and, on PostgreSQL, the
same lookup in raw asyncpg, in the same run.

    .venv/bin/python bench/request_overhead.py [--requests 2000] [--database-url postgresql+asyncpg://...]

In-process (httpx ASGI transport, no network), so the numbers are the app's own work: routing, validation,
JWT check, principal + membership query, serialization. The raw rows time what GET /store asks the database (the
caller, the store context and its settings, one statement) with asyncpg's prepared statements on one connection,
without and with a transaction (BEGIN … COMMIT): the floor under the database part. Paths are timed in
interleaved rounds, so that a load change on the machine hits every row alike. CPU p10 (the tenth percentile of each
request's CPU time) moves least with the machine's load: compare runs by it. Not run by CI.

Profile one path: `py-spy record -f raw -o out.txt -- .venv/bin/python bench/request_overhead.py --only /store
--requests 20000 --database-url …` (py-spy counts a process descheduled inside a socket write as busy in it: on a
loaded machine, leave `_SelectorSocketTransport.write` out when reading the profile).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from common import median_p95

from bosonline.app import create_app
from bosonline.config import Settings
from bosonline.migrate import upgrade
from bosonline.wiring import build_runtime

# GET /store's statement as written by hand (principals.py: the caller, the store context and, for the store's own
# routes, its settings).
RAW_CONTEXT = """
SELECT u.*, m.*, s.*, ss.*
FROM users u JOIN auth_sessions a ON a.user_id = u.id
LEFT JOIN (store_members m JOIN stores s ON s.id = m.store_id AND s.status = 'active')
  ON m.user_id = u.id AND m.removed_at IS NULL
LEFT JOIN store_settings ss ON ss.store_id = s.id
WHERE u.id = $1 AND a.id = $2 AND u.deleted_at IS NULL AND a.revoked_at IS NULL
ORDER BY s.id LIMIT 2
"""

Timer = Callable[[], Awaitable[None]]


def get(client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> Timer:
    async def run() -> None:
        response = await client.get(path, headers=headers)
        assert response.status_code == 200, response.text

    return run


def raw_lookup(conn: Any, user_id: int, session_id: str, *, transaction: bool) -> Timer:
    async def lookup() -> None:
        rows = await conn.fetch(RAW_CONTEXT, user_id, session_id)
        assert len(rows) == 1 and rows[0]["cod_fee_bps"] is not None

    async def run() -> None:
        if transaction:
            async with conn.transaction():
                await lookup()
        else:
            await lookup()

    return run


async def timed_rounds(
    timers: dict[str, Timer], n: int, rounds: int = 10
) -> dict[str, tuple[list[float], list[float]]]:
    """Wall time and this process's CPU time (ms) of each run: on a shared machine the wall time of a round trip
    depends on when the scheduler gives the CPU back, the CPU time does not."""
    samples: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in timers}
    for _ in range(rounds):
        for name, run in timers.items():
            for _ in range(max(1, n // rounds)):
                started, cpu = time.perf_counter(), time.process_time()
                await run()
                samples[name][0].append((time.perf_counter() - started) * 1000)
                samples[name][1].append((time.process_time() - cpu) * 1000)
    return samples


def low(samples: list[float]) -> float:
    """The 10th percentile: on a loaded machine a request's CPU time grows with the other processes' (caches,
    preemption), the low end of the distribution much less: the figure to compare runs by."""
    return sorted(samples)[len(samples) // 10]


async def main(requests: int, database_url: str | None, only: str | None) -> None:
    data_dir = Path(tempfile.mkdtemp(prefix="bosonline-bench-"))
    settings = Settings(data_dir=data_dir, database_url=database_url, log_level="ERROR")
    runtime = build_runtime(settings)
    await upgrade(runtime.db)
    app = create_app(runtime=runtime)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        email = f"bench-{time.time_ns()}@example.com"
        started = time.perf_counter()
        reg = await client.post(
            "/auth/register",
            json={"name": "Bench", "email": email, "phone": "081234567890", "password": "rahasia-123"},
        )
        register_ms = (time.perf_counter() - started) * 1000
        headers = {"Authorization": f"Bearer {reg.json()['data']['tokens']['access_token']}"}
        store = await client.post(
            "/store",
            json={"name": "Bench", "subdomain": f"bench{time.time_ns() % 10**9}", "phone": "081234567890"},
            headers=headers,
        )
        assert store.status_code == 201, store.text
        for i in range(20):
            await client.post(
                "/store/staff",
                json={
                    "name": f"CS {i}",
                    "phone": "081398765432",
                    "email": f"cs{i}-{email}",
                    "password": "rahasia-123",
                    "role": "cs",
                },
                headers=headers,
            )
        timers = {
            "GET /health": get(client, "/health", {}),
            "GET /store": get(client, "/store", headers),
            "GET /store/staff?limit=25": get(client, "/store/staff?limit=25", headers),
        }
        if only is not None:  # one path, nothing else: for a profiler (py-spy record -- python bench/...)
            await timed_rounds({only: get(client, only, headers)}, requests, rounds=1)
            await runtime.db.dispose()
            return
        raw = None
        if runtime.db.engine.dialect.name == "postgresql":
            claims = runtime.access_tokens.verify(headers["Authorization"].split()[1], runtime.clock.now())
            url = runtime.db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            raw = await asyncpg.connect(url)
            timers["raw asyncpg: GET /store's statement"] = raw_lookup(
                raw, claims.user_id, claims.session_id, transaction=False
            )
            timers["raw asyncpg: the same in BEGIN..COMMIT"] = raw_lookup(
                raw, claims.user_id, claims.session_id, transaction=True
            )
        await timed_rounds(timers, 100)  # warm up: pool, prepared statements, caches
        rows = {
            name: (*median_p95(wall), statistics.median(cpu), low(cpu))
            for name, (wall, cpu) in (await timed_rounds(timers, requests)).items()
        }
        if raw is not None:
            await raw.close()
    await runtime.db.dispose()
    base, base_cpu, base_low = rows["GET /health"][0], rows["GET /health"][2], rows["GET /health"][3]
    print(
        f"database: {runtime.db.engine.dialect.name}; {requests} sequential requests per row, in 10 interleaved "
        f"rounds; register (argon2id hash) {register_ms:.0f} ms"
    )
    print(
        f"  {'':<40} {'wall p50':>9} {'wall p95':>9} {'x /health':>9} {'CPU p50':>9} {'x /health':>9}"
        f" {'CPU p10':>9} {'x /health':>9}"
    )
    for name, (p50, p95, cpu, cpu_low) in rows.items():
        print(
            f"  {name:<40} {p50:9.3f} {p95:9.3f} {p50 / base:9.2f} {cpu:9.3f} {cpu / base_cpu:9.2f}"
            f" {cpu_low:9.3f} {cpu_low / base_low:9.2f}"
        )
    if raw is not None:
        store, floor = rows["GET /store"], rows["raw asyncpg: the same in BEGIN..COMMIT"]
        print(
            f"  GET /store vs its lookup in raw asyncpg (in a transaction): wall x{store[0] / floor[0]:.2f}, "
            f"CPU x{store[2] / floor[2]:.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--only",
        metavar="PATH",
        help="request only PATH (as the seller), --requests times, and print nothing: to profile",
    )
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.database_url, args.only))
