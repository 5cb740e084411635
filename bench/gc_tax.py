"""What the garbage collector costs a request-heavy process, with and without `gc.freeze()` of the start-up objects
(what `serve` does after start-up) and a larger first-generation threshold, in the same run.

    .venv/bin/python bench/gc_tax.py [--rounds 6] [--checkouts 60] [--reads 200] [--gen0 10000 ...]
        [--database-url postgresql+asyncpg://...]

In process (httpx ASGI transport): the store of bench/checkout.py, then rounds of sequential checkouts and of
`GET /store`, each round once per mode, modes interleaved so that they share the machine's load:
- `as started`: the collector as Python starts it, nothing frozen (what `serve` did before);
- `frozen`: everything alive after start-up moved to the permanent generation (`gc.freeze()`);
- `frozen, gen0 N`: frozen, and a first-generation threshold of N instead of 700 (each N of `--gen0`).
Also bursts of 10 concurrent checkouts (per burst, not per request).
Prints, per mode, CPU ms per request (process time, median over rounds), the collector's own ms per request and
collections per request (from gc.callbacks), and the ratio to `as started`. Not run by CI.
"""

from __future__ import annotations

import asyncio
import gc
import statistics
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from common import in_process, options

from checkout import order, setup  # bench/checkout.py builds the store the way a seller does

DEFAULT_THRESHOLD = gc.get_threshold()


@dataclass
class Mode:
    name: str
    frozen: bool
    gen0: int | None = None
    full_ms: float = 0.0
    full_count: int = 0
    requests: int = 0
    cpu_ms: dict[str, list[float]] = field(default_factory=dict)
    gc_ms: dict[str, list[float]] = field(default_factory=dict)
    collections: dict[str, list[float]] = field(default_factory=dict)

    def apply(self) -> None:
        gc.unfreeze()
        if self.frozen:
            gc.freeze()
        threshold = DEFAULT_THRESHOLD if self.gen0 is None else (self.gen0, *DEFAULT_THRESHOLD[1:])
        gc.set_threshold(*threshold)


class GcClock:
    """Time spent inside collections, and how many, through gc.callbacks."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.count = 0
        self.full_seconds = 0.0  # the oldest generation's collections: the ones that walk everything not frozen
        self.full_count = 0
        self._started = 0.0
        gc.callbacks.append(self._on)

    def _on(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        took = time.perf_counter() - self._started
        self.seconds += took
        self.count += 1
        if info["generation"] == 2:
            self.full_seconds += took
            self.full_count += 1


async def measure(
    mode: Mode, clock: GcClock, name: str, call: Callable[[], Awaitable[httpx.Response]], n: int, status: int
) -> None:
    mode.apply()
    gc_before, count_before = clock.seconds, clock.count
    full_before, full_count_before = clock.full_seconds, clock.full_count
    started = time.process_time()
    for _ in range(n):
        response = await call()
        assert response.status_code == status, response.text
    mode.cpu_ms.setdefault(name, []).append((time.process_time() - started) * 1000 / n)
    mode.gc_ms.setdefault(name, []).append((clock.seconds - gc_before) * 1000 / n)
    mode.collections.setdefault(name, []).append((clock.count - count_before) / n)
    mode.full_ms += (clock.full_seconds - full_before) * 1000
    mode.full_count += clock.full_count - full_count_before
    mode.requests += n


async def main(rounds: int, checkouts: int, reads: int, database_url: str | None, gen0: list[int]) -> None:
    modes = [Mode("as started", frozen=False), Mode("frozen", frozen=True)]
    modes += [Mode(f"frozen, gen0 {n}", frozen=True, gen0=n) for n in gen0]
    clock = GcClock()
    limits = {"public_rate_limit_per_minute": 100_000, "checkout_rate_limit_per_minute": 100_000}
    async with in_process(database_url, **limits) as (runtime, c):
        headers, subdomain, slug, variants, _ = await setup(c)
        counter = iter(range(10**9))

        def checkout() -> Awaitable[httpx.Response]:
            n = next(counter)
            body = order(subdomain, slug, variants[n % 2], n)
            return c.post("/public/checkout", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})

        def store() -> Awaitable[httpx.Response]:
            return c.get("/store", headers=headers)

        async def concurrent_checkouts() -> httpx.Response:
            """10 checkouts in flight at once: more objects alive when a collection runs, as under real load."""
            answers = await asyncio.gather(*(checkout() for _ in range(10)))
            return next((answer for answer in answers if answer.status_code != 201), answers[0])

        for mode in modes:  # warm up every path once
            await measure(mode, clock, "warm-up", checkout, 5, 201)
        for round_ in range(rounds):
            for mode in modes[round_ % len(modes) :] + modes[: round_ % len(modes)]:  # each mode first in turn
                await measure(mode, clock, "POST /public/checkout", checkout, checkouts, 201)
                await measure(mode, clock, "GET /store", store, reads, 200)
                await measure(mode, clock, "10 checkouts at once", concurrent_checkouts, max(1, checkouts // 10), 201)
        stalls, tracked = {}, 0
        for mode in modes[:2]:  # one full collection each: every request in flight waits for it
            mode.apply()
            samples = []
            for _ in range(3):
                started = time.perf_counter()
                gc.collect()
                samples.append((time.perf_counter() - started) * 1000)
            stalls[mode.name] = min(samples)
            if not mode.frozen:
                tracked = len(gc.get_objects())
    gc.unfreeze()
    gc.set_threshold(*DEFAULT_THRESHOLD)

    print(f"{rounds} rounds; medians per request; database {runtime.settings.effective_database_url.split(':')[0]}")
    print(f"{'request':22} {'mode':18} {'cpu ms':>7} {'ratio':>6} {'gc ms':>6} {'gc runs':>7}")
    for name in ("POST /public/checkout", "GET /store", "10 checkouts at once"):
        base = statistics.median(modes[0].cpu_ms[name])
        for mode in modes:
            cpu = statistics.median(mode.cpu_ms[name])
            print(
                f"{name:22} {mode.name:18} {cpu:7.2f} {cpu / base:6.2f} {statistics.median(mode.gc_ms[name]):6.3f}"
                f" {statistics.median(mode.collections[name]):7.1f}"
            )
    print(
        f"one full collection (gc.collect(), {tracked} objects tracked): "
        + ", ".join(f"{name} {ms:.1f} ms" for name, ms in stalls.items())
    )
    print("full collections (generation 2) that happened, all requests of a mode together:")
    for mode in modes:
        each = mode.full_ms / mode.full_count if mode.full_count else 0.0
        print(f"  {mode.name:18} {mode.full_count:3d} in {mode.requests} requests, {each:7.2f} ms each")


if __name__ == "__main__":
    asyncio.run(main(**options(__doc__, rounds=6, checkouts=60, reads=200, gen0=[10_000])))
