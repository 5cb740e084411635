"""What authentication + store tenancy cost per request, against /health (no database) in the same run.

    .venv/bin/python bench/request_overhead.py [--requests 2000] [--database-url postgresql+asyncpg://...]

In-process (httpx ASGI transport, no network), so the numbers are the app's own work: routing, validation,
JWT check, principal + membership queries, serialization. Not run by CI.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bosonline.app import create_app
from bosonline.config import Settings
from bosonline.migrate import upgrade
from bosonline.wiring import build_runtime


async def timed(client: httpx.AsyncClient, path: str, headers: dict[str, str], n: int) -> list[float]:
    samples = []
    for _ in range(n):
        started = time.perf_counter()
        response = await client.get(path, headers=headers)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.text
    return samples


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


async def main(requests: int, database_url: str | None) -> None:
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
        await timed(client, "/health", {}, 50)  # warm up
        rows = {
            path: summary(await timed(client, path, hdrs, requests))
            for path, hdrs in (("/health", {}), ("/store", headers), ("/store/staff?limit=25", headers))
        }
    await runtime.db.dispose()
    base = rows["/health"][0]
    print(
        f"database: {runtime.db.engine.dialect.name}; {requests} sequential requests per path; "
        f"register (argon2id hash) {register_ms:.0f} ms"
    )
    for path, (p50, p95) in rows.items():
        print(f"  {path:<24} p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  p50 vs /health x{p50 / base:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    asyncio.run(main(args.requests, args.database_url))
