"""The platform admin's reads over 1,000 stores and 100,000 orders: GET /admin/dashboard (30 and 366 days) and
GET /admin/stores (first page, a search), against /health in the same run.

    .venv/bin/python bench/admin_dashboard.py [--stores 1000] [--orders 100000] [--runs 30]
        [--database-url postgresql+asyncpg://...]   # left out: SQLite in a temporary folder

The admin is made through the API. The stores (with owners and settings) and the order counters are not: they are
generated in Python and inserted in bulk: orders spread over 365 days and over the stores (a few big, many small),
with realistic mixes of statuses, payment statuses and methods, summed into `order_daily_stats` rows exactly as
order/stats.py keys them (the dashboard and the store list read only those counters and the stores, never an
order row, so the orders themselves are not written). Each route is timed in process (httpx ASGI transport, no
network) with the admin's token: p50/p95 over --runs runs after 3 warm-ups. Not run by CI.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

from common import in_process, median_p95, options
from sqlalchemy import insert, update

from bosonline.models import OrderDailyStat, Store, StoreSettings, User

STATUSES = [("pending", 30), ("confirmed", 15), ("shipped", 20), ("completed", 25), ("canceled", 7), ("rts", 3)]
METHODS = [("bank_transfer", 55), ("cod", 35), ("qris", 10)]
TODAY = date(2026, 11, 21)  # the app's clock is the wall clock: the periods asked end today, counters end here too


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([name for name, _ in weighted], weights=[weight for _, weight in weighted])[0]


async def _seed(runtime: Any, stores: int, orders: int) -> None:
    rng = random.Random(18)
    now = datetime.now(UTC)
    async with runtime.db.session() as session:
        users = [
            {
                "name": f"Pemilik {n}",
                "email": f"owner{n}@bench.example",
                "phone": f"62812{n:08d}",
                "created_at": now,
                "updated_at": now,
            }
            for n in range(stores)
        ]
        await session.execute(insert(User), users)
        owner_ids = [
            u.id
            for u in (
                await session.execute(User.__table__.select().where(User.email.like("owner%@bench.example")))
            ).all()
        ]
        rows = [
            {
                "name": f"Toko {n}",
                "subdomain": f"toko{n}",
                "owner_id": owner_ids[n],
                "status": "suspended" if n % 97 == 0 else "active",
                "timezone": "Asia/Jakarta",
                "created_at": now - timedelta(days=rng.randrange(700)),
                "updated_at": now,
            }
            for n in range(stores)
        ]
        await session.execute(insert(Store), rows)
        store_ids = [s.id for s in (await session.execute(Store.__table__.select().order_by(Store.id))).all()]
        await session.execute(
            insert(StoreSettings), [{"store_id": s, "created_at": now, "updated_at": now} for s in store_ids]
        )
        weights = [1 / (rank + 1) for rank in range(len(store_ids))]  # a few big stores, many small ones
        counters: Counter[tuple[Any, ...]] = Counter()
        totals: Counter[tuple[Any, ...]] = Counter()
        for store_id in rng.choices(store_ids, weights=weights, k=orders):
            status = _pick(rng, STATUSES)
            method = _pick(rng, METHODS)
            paid = "paid" if status in ("confirmed", "shipped", "completed") and rng.random() < 0.9 else "unpaid"
            key = (store_id, TODAY - timedelta(days=rng.randrange(365)), status, paid, method, 0)
            counters[key] += 1
            totals[key] += rng.randrange(50_000, 500_000, 1_000)
        columns = ("store_id", "day", "status", "payment_status", "payment_method", "handler_id")
        stats = [
            {**dict(zip(columns, key, strict=True)), "orders": n, "total": totals[key]} for key, n in counters.items()
        ]
        for start in range(0, len(stats), 5_000):
            await session.execute(insert(OrderDailyStat), stats[start : start + 5_000])
        await session.commit()
    print(f"seeded {stores} stores, {orders} orders as {len(stats)} counter rows")


async def _time(client: Any, path: str, headers: dict[str, str], runs: int) -> tuple[float, float]:
    samples = []
    for n in range(runs + 3):
        started = time.perf_counter()
        response = await client.get(path, headers=headers)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (path, response.text[:300])
        if n >= 3:
            samples.append(elapsed)
    return median_p95(samples)


async def main(stores: int, orders: int, runs: int, database_url: str | None) -> None:
    async with in_process(database_url) as (runtime, client):
        await _seed(runtime, stores, orders)
        account = {"name": "Admin", "email": "admin@bench.example", "phone": "081234567890", "password": "rahasia-123"}
        registered = await client.post("/auth/register", json=account)
        assert registered.status_code == 201, registered.text
        async with runtime.db.session() as session:
            await session.execute(update(User).where(User.email == account["email"]).values(is_platform_admin=True))
            await session.commit()
        headers = {"Authorization": f"Bearer {registered.json()['data']['tokens']['access_token']}"}
        end = TODAY.isoformat()
        paths = {
            "/health": "/health",
            "dashboard 30 days": f"/admin/dashboard?from={(TODAY - timedelta(days=29)).isoformat()}&to={end}",
            "dashboard 366 days": f"/admin/dashboard?from={(TODAY - timedelta(days=365)).isoformat()}&to={end}",
            "stores, first page": "/admin/stores?limit=25",
            "stores, search": "/admin/stores?q=toko12",
        }
        print(f"{'route':<22} {'p50 ms':>8} {'p95 ms':>8}")
        for name, path in paths.items():
            p50, p95 = await _time(client, path, headers, runs)
            print(f"{name:<22} {p50:8.1f} {p95:8.1f}")


if __name__ == "__main__":
    args = options(__doc__, stores=1000, orders=100_000, runs=30)
    asyncio.run(main(args["stores"], args["orders"], args["runs"], args["database_url"]))
