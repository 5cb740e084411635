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

import asyncio
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
from orders_large import PASSWORD, explain, large_store, large_store_options, ok, p95, timed

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
    async with large_store(n_orders, database_url, keep, reuse) as large:
        runtime, dsn, client, store_id, email = large.runtime, large.dsn, large.client, large.store_id, large.email
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
            # The long periods read up to every order of the store: fewer runs of them (p95 is then their max).
            n = runs if "days" not in label or "30" in label or "7 days" in label else max(5, runs // 5)
            samples, cpu = await timed(lambda p=path, q=params: client.get(p, params=q, headers=headers), n)
            results.append((label, statistics.median(samples), p95(samples), statistics.median(cpu)))
        if show_plans:
            for path in ("/store/recap/product", "/store/recap/cs"):
                await explain(runtime, dsn, client, path, headers)
        baseline = results[0][1]
        print(
            f"\n{'endpoint':<48} {'p50 ms':>8} {'p95 ms':>8} {'x /health':>10} {'cpu ms':>7}   ({runs} runs each; 90 and"
        )
        print(f"{'':<48} 366 days: {max(5, runs // 5)} runs, p95 = max below 20)")
        for label, p50, high, cpu in results:
            print(f"{label:<48} {p50:8.1f} {high:8.1f} {p50 / baseline:10.1f} {cpu:7.2f}")
        print("\nGoal: p95 < 100 ms for the default period:")
        for label, _, high, _ in results:
            if "default" in label:
                print(f"  {label:<46} p95 {high:6.1f} ms  {'MET' if high < 100 else 'MISSED'}")


if __name__ == "__main__":
    args = large_store_options(__doc__)
    asyncio.run(main(args.orders, args.runs, args.database_url, args.explain, args.keep, args.reuse))
