"""Inventory at scale: listing pages, filters, a 500-line update, movements and downloads, against /health.

    .venv/bin/python bench/inventory.py [--variants 20000] [--warehouses 3] [--database-url postgresql+asyncpg://...]

Seeds one store with `--variants` variants (100 per product) shipped from `--warehouses` warehouses, with stock
recorded for half of the pairs, then times each request in-process (httpx ASGI transport, no network). The
warehouses are made through the API; products, variants and stock are written straight through the models. Not run
by CI.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import httpx
from common import in_process, median_p95, options, seller
from sqlalchemy import insert, select, text

from bosonline.models import Product, ProductVariant, Stock
from bosonline.runtime import Runtime


async def ship_from(client: httpx.AsyncClient, headers: dict[str, str], warehouses: int) -> list[int]:
    """The seller's warehouses, made and linked to the store through the API."""
    ids = []
    for i in range(warehouses):
        body = {"name": f"Gudang {i + 1}", "contact_name": "Bench", "contact_phone": "081234567890",
                "address": "Jl. Bench 1", "region_code": "32.73.01"}  # fmt: skip
        made = await client.post("/profile/warehouse", json=body, headers=headers)
        assert made.status_code == 201, made.text
        ids.append(made.json()["data"]["id"])
    linked = await client.put("/store/warehouse", json={"warehouse_ids": ids}, headers=headers)
    assert linked.status_code == 200, linked.text
    return ids


async def seed(runtime: Runtime, store_id: int, variants: int, warehouse_ids: list[int]) -> list[int]:
    now = runtime.clock.now()
    async with runtime.db.session() as session:
        products = [
            {
                "store_id": store_id,
                "name": f"Produk {p:05d}",
                "slug": f"produk-{p}",
                "weight_g": 100,
                "description": "",
                "status": "active",
                "attributes": [],
                "price_min": 0,
                "price_max": 0,
                "cogs_min": 0,
                "cogs_max": 0,
                "created_at": now,
                "updated_at": now,
            }
            for p in range(max(1, variants // 100))
        ]
        await session.execute(insert(Product), products)
        product_ids = list((await session.scalars(select(Product.id).where(Product.store_id == store_id))).all())
        rows = [
            {
                "store_id": store_id,
                "product_id": product_ids[v % len(product_ids)],
                "name": f"Varian {v:06d}",
                "sku": f"SKU-{v:06d}",
                "price": 10_000,
                "cogs": 0,
                "weight_g": 100,
                "position": v,
                "status": "active",
                "options": [],
                "wholesale_tiers": [],
                "created_at": now,
                "updated_at": now,
            }
            for v in range(variants)
        ]
        for start in range(0, len(rows), 2000):
            await session.execute(insert(ProductVariant), rows[start : start + 2000])
        variant_ids = list(
            (await session.scalars(select(ProductVariant.id).where(ProductVariant.store_id == store_id))).all()
        )
        stocks = [
            {
                "store_id": store_id,
                "variant_id": v,
                "warehouse_id": w,
                "on_hand": (v * 7 + w) % 40,
                "reserved": 0,
                "updated_at": now,
            }
            for i, v in enumerate(variant_ids)
            for w in warehouse_ids
            if (i + w) % 2 == 0
        ]
        for start in range(0, len(stocks), 2000):
            await session.execute(insert(Stock), stocks[start : start + 2000])
        await session.commit()
    if not runtime.db.sqlite:  # as autovacuum would soon after a bulk load: plans on real statistics
        async with runtime.db.engine.connect() as conn:
            await conn.execute(text("ANALYZE"))
            await conn.commit()
    return variant_ids


async def timed(call: Callable[[], Awaitable[httpx.Response]], n: int) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = await call()
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text[:300]
    return median_p95(samples)


async def main(variants: int, warehouses: int, database_url: str | None, repeat: int) -> None:
    async with in_process(database_url) as (runtime, client):
        headers, store = await seller(client)
        started = time.perf_counter()
        warehouse_ids = await ship_from(client, headers, warehouses)
        variant_ids = await seed(runtime, store["id"], variants, warehouse_ids)
        seed_s = time.perf_counter() - started

        middle = await client.get("/store/inventory", params={"limit": 100}, headers=headers)
        cursor = middle.json()["meta"]["next_cursor"]
        for _ in range(len(variant_ids) * len(warehouse_ids) // 200):  # walk to the middle for a deep cursor
            if cursor is None:
                break
            page = await client.get("/store/inventory", params={"limit": 100, "cursor": cursor}, headers=headers)
            cursor = page.json()["meta"]["next_cursor"] or cursor
            if page.json()["meta"]["next_cursor"] is None:
                break

        lines = [
            {"variant_id": v, "warehouse_id": w, "adjust": 1} for v in variant_ids[:250] for w in warehouse_ids[:2]
        ][:500]

        cases: dict[str, Callable[[], Awaitable[httpx.Response]]] = {
            "GET /health": lambda: client.get("/health"),
            "GET inventory limit=100": lambda: client.get("/store/inventory", params={"limit": 100}, headers=headers),
            "GET inventory deep cursor": lambda: client.get(
                "/store/inventory", params={"limit": 100, "cursor": cursor}, headers=headers
            ),
            "GET inventory q=000123": lambda: client.get("/store/inventory", params={"q": "000123"}, headers=headers),
            "GET inventory low_stock": lambda: client.get(
                "/store/inventory", params={"low_stock": "true", "limit": 100}, headers=headers
            ),
            "GET inventory one warehouse": lambda: client.get(
                "/store/inventory", params={"warehouse_id": warehouse_ids[-1], "limit": 100}, headers=headers
            ),
            f"PUT inventory {len(lines)} lines": lambda: client.put(
                "/store/inventory", json={"lines": lines}, headers=headers
            ),
            "PUT inventory 1 line": lambda: client.put("/store/inventory", json={"lines": lines[:1]}, headers=headers),
            "GET movements limit=100": lambda: client.get(
                "/store/inventory/movements", params={"limit": 100}, headers=headers
            ),
        }
        results = {name: await timed(call, repeat) for name, call in cases.items()}
        downloads = {}
        for fmt in ("csv", "xlsx"):
            started = time.perf_counter()
            response = await client.get("/store/inventory/download", params={"format": fmt}, headers=headers)
            assert response.status_code == 200
            downloads[fmt] = ((time.perf_counter() - started) * 1000, len(response.content))

    rows = len(variant_ids) * len(warehouse_ids)
    print(
        f"database: {runtime.db.engine.dialect.name}; {len(variant_ids):,} variants x {len(warehouse_ids)} warehouses "
        f"= {rows:,} rows (seeded in {seed_s:.1f} s); {repeat} requests per case"
    )
    base = results["GET /health"][0]
    for name, (p50, p95) in results.items():
        print(f"  {name:<30} p50 {p50:8.2f} ms  p95 {p95:8.2f} ms  x{p50 / base:.1f} /health")
    for fmt, (ms, size) in downloads.items():
        print(f"  download {fmt:<21} {ms:8.0f} ms  {size / 1024 / 1024:.1f} MiB  ({rows / ms * 1000:,.0f} rows/s)")


if __name__ == "__main__":
    asyncio.run(main(**options(__doc__, variants=20_000, warehouses=3, repeat=20)))
