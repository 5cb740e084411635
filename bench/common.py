"""What the in-process benches share: a migrated app on a fresh data folder and a client that calls it, a seller with
a store, the median and p95 of a sample, and the command line. Run the benches as scripts (`python bench/x.py`):
their own folder is then on the import path."""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from bosonline.app import create_app
from bosonline.config import Settings
from bosonline.migrate import upgrade
from bosonline.runtime import Runtime
from bosonline.wiring import build_runtime


@asynccontextmanager
async def in_process(database_url: str | None, **settings: Any) -> AsyncIterator[tuple[Runtime, httpx.AsyncClient]]:
    """The app, migrated, on a new temporary data folder (its SQLite file unless `database_url` names PostgreSQL),
    and a client calling it in process (httpx ASGI transport, no network); the pool is closed on the way out."""
    data_dir = Path(tempfile.mkdtemp(prefix="bosonline-bench-"))
    runtime = build_runtime(Settings(data_dir=data_dir, database_url=database_url, log_level="ERROR", **settings))
    await upgrade(runtime.db)
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client:
            yield runtime, client
    finally:
        await runtime.db.dispose()


async def seller(client: httpx.AsyncClient) -> tuple[dict[str, str], dict[str, Any]]:
    """A new account and its store, made as a seller makes them: (the account's headers, the store)."""
    run = time.time_ns()
    account = {"name": "Bench", "email": f"bench-{run}@example.com", "phone": "081234567890", "password": "rahasia-123"}
    registered = await client.post("/auth/register", json=account)
    assert registered.status_code == 201, registered.text
    headers = {"Authorization": f"Bearer {registered.json()['data']['tokens']['access_token']}"}
    shop = {"name": "Bench", "subdomain": f"bench{run % 10**9}", "phone": "081234567890"}
    store = await client.post("/store", json=shop, headers=headers)
    assert store.status_code == 201, store.text
    return headers, store.json()["data"]


def median_p95(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def options(doc: str | None, **defaults: int | list[int]) -> dict[str, Any]:
    """The command line, by name: a `--name` for each keyword, a whole number defaulting to it (whole numbers for a
    list), and `--database-url` (postgresql+asyncpg://…; left out, SQLite in a temporary folder)."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    for name, default in defaults.items():
        many = "*" if isinstance(default, list) else None
        parser.add_argument(f"--{name.replace('_', '-')}", type=int, default=default, nargs=many)
    parser.add_argument("--database-url", default=None)
    return vars(parser.parse_args())
