"""Download Variant over a store with 50,000 variants: time and peak Python memory of the streamed download,
against the baseline of simply loading every variant row into memory at once, in the same run.

    .venv/bin/python bench/catalog_download.py [--variants 50000] [--database-url postgresql+asyncpg://...]

Variants are inserted in bulk straight into the database (500 products × 100 variants); the download goes
through the app in-process (httpx ASGI transport). tracemalloc counts Python allocations only. Not run by CI.
"""

from __future__ import annotations

import asyncio
import time
import tracemalloc
from datetime import UTC, datetime

from common import in_process, options, seller
from sqlalchemy import insert, select

from bosonline.models import Product, ProductVariant
from bosonline.runtime import Runtime

PER_PRODUCT = 100


async def seed(runtime: Runtime, store_id: int, variants: int) -> None:
    now = datetime.now(UTC)
    async with runtime.db.session() as session:
        for start in range(0, variants // PER_PRODUCT, 100):
            products = [
                {"store_id": store_id, "name": f"Produk {n}", "description": "", "slug": f"produk-{n}",
                 "status": "active", "weight_g": 250, "attributes": [{"name": "Ukuran", "items": [str(i) for i in range(PER_PRODUCT)]}],
                 "price_min": 10_000, "price_max": 99_000, "cogs_min": 0, "cogs_max": 0, "created_at": now, "updated_at": now}
                for n in range(start, min(start + 100, variants // PER_PRODUCT))
            ]  # fmt: skip
            ids = (await session.scalars(insert(Product).returning(Product.id), products)).all()
            rows = [
                {"store_id": store_id, "product_id": pid, "options": [str(i)], "position": i, "name": f"Ukuran {i}",
                 "sku": f"P{pid}-{i}", "price": 10_000 + i * 100, "cogs": 5_000, "weight_g": 250, "wholesale_tiers": [],
                 "status": "active", "created_at": now, "updated_at": now}
                for pid in ids for i in range(PER_PRODUCT)
            ]  # fmt: skip
            await session.execute(insert(ProductVariant), rows)
        await session.commit()


async def measure(label: str, work) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Wall time of an untraced run, then peak Python memory of a traced run (tracemalloc slows code down)."""
    started = time.perf_counter()
    size = await work()
    elapsed = time.perf_counter() - started
    tracemalloc.start()
    await work()
    peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    print(f"  {label:<44} {elapsed:6.2f} s  peak {peak:7.1f} MB  ({size})")
    return elapsed, peak


async def main(variants: int, database_url: str | None) -> None:
    async with in_process(database_url) as (runtime, client):
        headers, store = await seller(client)
        await seed(runtime, store["id"], variants)
        print(f"database: {runtime.db.engine.dialect.name}; {variants:,} variants")

        async def load_all() -> str:
            async with runtime.db.session(write=False) as session:
                rows = (
                    await session.scalars(select(ProductVariant).where(ProductVariant.store_id == store["id"]))
                ).all()
                return f"{len(rows):,} rows held at once"

        async def download(fmt: str) -> str:
            total = 0
            async with client.stream(
                "GET", "/store/product/variant/download", params={"format": fmt}, headers=headers
            ) as response:
                assert response.status_code == 200
                async for chunk in response.aiter_bytes():
                    total += len(chunk)
            return f"{total / 1e6:.1f} MB file"

        _, baseline = await measure("baseline: SELECT every variant into memory", load_all)
        for fmt in ("csv", "xlsx"):
            _, peak = await measure(f"streamed Download Variant ({fmt})", lambda fmt=fmt: download(fmt))
            print(f"    peak memory vs baseline: x{peak / baseline:.2f}")


if __name__ == "__main__":
    asyncio.run(main(**options(__doc__, variants=50_000)))
