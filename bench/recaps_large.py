"""Recap Product and Recap CS over one store with 1,000,000 orders (PostgreSQL only): p50/p95 of each, in process,
for the default period (the last 30 days) and for longer ones, against /health in the same run.

    .venv/bin/python bench/recaps_large.py [--orders 1000000] [--runs 50] [--explain] [--keep]
        [--database-url postgresql://...] [--reuse]     # as bench/orders_large.py

The store and its orders are built by bench/orders_large.py (the same store, products, CS and 365 days of orders,
loaded with COPY); this bench adds the orders' follow-ups in one INSERT … SELECT (step 1 on 80 % of the orders,
step 2 on 50 %, step 3 on 20 %, each sent an hour after the previous one, 5 % of them failed; an order's payment,
two hours after its creation in that bench, comes after steps 1 and 2), then VACUUM ANALYZE. `--reuse` measures a
database kept by either bench (adding the follow-ups when it has none). Goal (issue 18): every recap < 100 ms p95
for the default period. Not run by CI.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import asyncpg
import httpx
from orders_large import (
    PASSWORD,
    async_url,
    bulk_load,
    existing_store,
    explain,
    ok,
    p95,
    plain_dsn,
    setup,
    timed,
)
from sqlalchemy.engine import make_url

from bosonline.app import create_app
from bosonline.config import Settings
from bosonline.migrate import upgrade
from bosonline.wiring import build_runtime

FOLLOWUPS = """
INSERT INTO followup_messages (store_id, order_id, step, template_name, trigger, channel, status, due_at, attempts,
                               sent_at, created_at, updated_at)
SELECT o.store_id, o.id, s.step, 'Follow Up ' || s.step, 'order_created', 'fonnte',
       CASE WHEN (o.id + s.step) % 20 = 0 THEN 'failed' WHEN o.id % 3 = 0 THEN 'read' ELSE 'sent' END,
       o.created_at + s.step * interval '50 minutes', 1,
       CASE WHEN (o.id + s.step) % 20 = 0 THEN NULL ELSE o.created_at + s.step * interval '50 minutes' END,
       o.created_at, o.created_at
FROM orders o CROSS JOIN generate_series(1, 3) AS s(step)
WHERE o.store_id = $1 AND o.id % 10 < (ARRAY[8, 5, 2])[s.step]
"""


async def add_followups(dsn: str, store_id: int) -> float:
    conn = await asyncpg.connect(dsn)
    started = time.perf_counter()
    try:
        if await conn.fetchval("SELECT count(*) FROM followup_messages WHERE store_id = $1", store_id):
            return 0.0
        status = await conn.execute(FOLLOWUPS, store_id)
        print(f"  follow-ups: {status.split()[-1]} rows")
        await conn.execute("VACUUM ANALYZE followup_messages")
    finally:
        await conn.close()
    return time.perf_counter() - started


async def main(n_orders: int, runs: int, database_url: str | None, show_plans: bool, keep: bool, reuse: bool) -> None:
    scratch: str | None = None
    server = os.environ.get("BOSONLINE_BENCH_SERVER_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    url = database_url or os.environ.get("BOSONLINE_BENCH_DATABASE_URL")
    assert url is not None or not reuse, "--reuse measures the database of --database-url"
    if url is None:
        scratch = f"bosonline_bench_recaps_{os.getpid()}"
        admin = await asyncpg.connect(plain_dsn(server))
        await admin.execute(f'CREATE DATABASE "{scratch}"')
        await admin.close()
        url = make_url(server).set(database=scratch).render_as_string(hide_password=False)
    assert make_url(url).get_backend_name() == "postgresql", "this bench needs PostgreSQL"
    settings = Settings(
        data_dir=Path(tempfile.mkdtemp(prefix="bosonline-bench-")), database_url=async_url(url), log_level="ERROR"
    )
    runtime = build_runtime(settings)
    dsn = plain_dsn(url)
    try:
        await upgrade(runtime.db)
        transport = httpx.ASGITransport(app=create_app(runtime=runtime))
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client:
            if reuse:
                store_id, n_orders, email, _ = await existing_store(dsn)
                print(f"database: PostgreSQL {make_url(url).database}; reusing store {store_id} ({n_orders:,} orders)")
            else:
                email = f"bench-{time.time_ns()}@example.com"
                store_id, handlers, variants = await setup(client, email)
                print(f"database: PostgreSQL {make_url(url).database}; building {n_orders:,} orders …")
                build = await bulk_load(dsn, store_id, n_orders, handlers, variants, "Asia/Jakarta")
                print(f"  built in {build['build total']:.0f} s")
            seconds = await add_followups(dsn, store_id)
            if seconds:
                print(f"  follow-ups added in {seconds:.0f} s")
            tokens = await ok(client.post("/auth/login", json={"email": email, "password": PASSWORD}))
            headers = {"Authorization": f"Bearer {tokens['access_token']}"}
            today = (datetime.now(UTC) + timedelta(hours=7)).date()

            def days(n: int) -> dict[str, str]:
                return {"from": (today - timedelta(days=n - 1)).isoformat(), "to": today.isoformat()}

            cases: list[tuple[str, str, dict[str, Any]]] = [
                ("GET /health (baseline)", "/health", {}),
                ("Recap Product, default period (30 days)", "/store/recap/product", {}),
                ("Recap Product, 30 days, ?sort=rts_rate", "/store/recap/product", {"sort": "rts_rate"}),
                ("Recap Product, 7 days", "/store/recap/product", days(7)),
                ("Recap Product, 90 days", "/store/recap/product", days(90)),
                ("Recap Product, 366 days (the longest)", "/store/recap/product", days(366)),
                ("Recap CS, default period (30 days)", "/store/recap/cs", {}),
                ("Recap CS, 7 days", "/store/recap/cs", days(7)),
                ("Recap CS, 90 days", "/store/recap/cs", days(90)),
                ("Recap CS, 366 days (the longest)", "/store/recap/cs", days(366)),
            ]
            results = []
            for label, path, params in cases:
                samples, cpu = await timed(lambda p=path, q=params: client.get(p, params=q, headers=headers), runs)
                results.append((label, statistics.median(samples), p95(samples), statistics.median(cpu)))
            if show_plans:
                for path in ("/store/recap/product", "/store/recap/cs"):
                    await explain(runtime, dsn, client, path, headers)
        baseline = results[0][1]
        print(f"\n{'endpoint':<48} {'p50 ms':>8} {'p95 ms':>8} {'x /health':>10} {'cpu ms':>7}   ({runs} runs each)")
        for label, p50, high, cpu in results:
            print(f"{label:<48} {p50:8.1f} {high:8.1f} {p50 / baseline:10.1f} {cpu:7.2f}")
        print("\nGoal: p95 < 100 ms for the default period:")
        for label, _, high, _ in results:
            if "default" in label:
                print(f"  {label:<46} p95 {high:6.1f} ms  {'MET' if high < 100 else 'MISSED'}")
    finally:
        await runtime.db.dispose()
        shutil.rmtree(settings.data_dir, ignore_errors=True)
        if scratch is not None and keep:
            print(f"kept {url}")
        elif scratch is not None:
            admin = await asyncpg.connect(plain_dsn(server))
            await admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            await admin.close()
            print(f"dropped {scratch}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (to study plans, --reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure the store already in --database-url")
    args = parser.parse_args()
    asyncio.run(main(args.orders, args.runs, args.database_url, args.explain, args.keep, args.reuse))
