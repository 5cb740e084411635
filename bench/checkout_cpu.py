"""CPU time of one checkout in this process, robust against a busy machine (issue 15: server CPU per checkout).

    .venv/bin/python bench/checkout_cpu.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/scratch
                                           [--orders 400] [--rounds 5] [--templates]

Builds a store the way bench/checkout.py does (its `setup`, through the API), then runs `--rounds` rounds of
`--orders / --rounds` sequential checkouts (bench/checkout.py's `order` bodies: half COD, half bank transfer) over
httpx's ASGI transport, and prints the process's CPU time (`time.process_time()`: this process only, so other
people's load on the machine hardly moves it) per checkout for each round, their median and their minimum, and
the statements each checkout sends (SQLAlchemy's and hot_sql.Hot's, BEGIN/COMMIT included). The figure includes
the client's share (httpx) and the app's: compare runs of this script, not with the HTTP benchmark's server CPU.
With `--templates` the product first gets the generated follow-up templates (each order then writes their rows).
The database must exist and be scratch: the script migrates it and adds a store to it. Not run by CI.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
from collections.abc import Awaitable
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import event

from bosonline.hot_sql import Hot

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import in_process

from checkout import UNLIMITED, checkouts, setup  # bench/checkout.py, beside this script


class Statements:
    """Statements sent while `counting` (SQLAlchemy's cursor executes, asyncpg's BEGIN/COMMIT, Hot's straight sends)."""

    def __init__(self) -> None:
        self.count = 0
        self.counting = False

    def add(self, *_: Any) -> None:
        if self.counting:
            self.count += 1


def count_statements(engine: Any, log: Statements) -> None:
    for name in ("before_cursor_execute", "begin", "commit", "rollback"):
        event.listen(engine, name, log.add)
    send = Hot._send

    async def counted(driver: Any, sql: str, args: list[Any]) -> Any:
        log.add()
        return await send(driver, sql, args)

    Hot._send = staticmethod(counted)  # type: ignore[method-assign]


async def created(response: Awaitable[httpx.Response]) -> None:
    answer = await response
    assert answer.status_code == 201, answer.text


async def main(database_url: str, orders: int, rounds: int, templates: bool) -> None:
    log = Statements()
    async with in_process(database_url, **UNLIMITED) as (runtime, client):
        count_statements(runtime.db.engine.sync_engine, log)
        headers, subdomain, slug, variants, product_id = await setup(client)
        if templates:
            generated = await client.post(f"/v3/products/{product_id}/follow-up-chats/generate", headers=headers)
            assert generated.status_code == 201, generated.text
        checkout = checkouts(client, subdomain, slug, variants)

        while (await checkout()).status_code == 503:  # the region index is still being built (a busy machine)
            await asyncio.sleep(0.5)
        for _ in range(20):  # warm-up: caches, compiled statements, asyncpg's prepared statements
            await created(checkout())
        per_round = max(orders // rounds, 1)
        gc.collect()
        results = []
        log.counting = True
        for _ in range(rounds):
            started = time.process_time()
            for _ in range(per_round):
                await created(checkout())
            results.append((time.process_time() - started) * 1000 / per_round)
        log.counting = False
        statements = log.count / (per_round * rounds)
    print("CPU per checkout by round (ms): " + " ".join(f"{r:.2f}" for r in results))
    print(f"median {statistics.median(results):.2f} ms   min {min(results):.2f} ms   statements {statements:.2f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--orders", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--templates", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.database_url, args.orders, args.rounds, args.templates))
