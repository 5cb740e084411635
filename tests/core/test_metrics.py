"""GET /metrics: off without a token, refused with a wrong one; request latency by route template, in-flight
requests, the database pool; several processes add up (prometheus_client's multiprocess mode)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import event
from sqlalchemy.pool import QueuePool
from sqlalchemy.util import greenlet_spawn

from bosonline.runtime import Runtime
from tests.conftest import test_settings as make_settings
from tests.core.apps import app_client
from tests.scrape import TOKEN, enable_metrics, samples, scrape, value

LATENCY = "bosonline_http_request_duration_seconds_count"
OPENED = "bosonline_db_connections_opened_total"


async def test_metrics_are_off_without_a_token(client: httpx.AsyncClient) -> None:
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("authorization", [None, "Bearer wrong-token-of-some-length", f"Basic {TOKEN}", TOKEN])
async def test_metrics_refuse_a_missing_or_wrong_token(
    client: httpx.AsyncClient, rt: Runtime, monkeypatch: pytest.MonkeyPatch, authorization: str | None
) -> None:
    enable_metrics(rt, monkeypatch)
    headers = {"Authorization": authorization} if authorization else {}
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_metrics_token"
    assert response.headers["www-authenticate"] == "Bearer"
    assert "bosonline_" not in response.text


async def test_metrics_answer_prometheus_text_with_the_token(
    client: httpx.AsyncClient, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    enable_metrics(rt, monkeypatch)
    response = await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    assert "# TYPE bosonline_http_request_duration_seconds histogram" in response.text
    assert "/metrics" not in (await client.get("/openapi.json")).json()["paths"]


async def test_request_latency_is_labelled_by_route_template_not_raw_path(
    client: httpx.AsyncClient, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    enable_metrics(rt, monkeypatch)
    before = await scrape(client)
    for order_id in (918273, 918274):  # no token: 401 from the matched route
        assert (await client.get(f"/store/order/{order_id}")).status_code == 401
    assert (await client.get("/no/such/path/12345")).status_code == 404
    assert (await client.get("/health")).status_code == 200
    assert (await client.get("/openapi.json")).status_code == 200
    assert (await client.request("BREW", "/health")).status_code == 405
    after = await scrape(client)

    def added(method: str, route: str, status: str) -> float:
        labels = {"method": method, "route": route, "status": status}
        return value(after, LATENCY, **labels) - value(before, LATENCY, **labels)

    assert added("GET", "/store/order/{order_id}", "4xx") == 2
    assert added("GET", "<unmatched>", "4xx") == 1
    assert added("GET", "/health", "2xx") == 1
    assert added("GET", "/openapi.json", "2xx") == 1
    assert added("other", "/health", "4xx") == 1
    text = (await client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})).text
    for raw in ("918273", "12345", "BREW"):
        assert raw not in text


async def test_in_flight_requests_count_the_scrape_itself(
    client: httpx.AsyncClient, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    enable_metrics(rt, monkeypatch)
    assert value(await scrape(client), "bosonline_http_requests_in_flight") == 1


async def test_pool_gauges_follow_the_connections_in_use(
    client: httpx.AsyncClient, rt: Runtime, monkeypatch: pytest.MonkeyPatch
) -> None:
    enable_metrics(rt, monkeypatch)
    pool = rt.db.engine.sync_engine.pool
    assert isinstance(pool, QueuePool)  # PostgreSQL's pool and SQLite's file pool alike
    size, fixed = pool.size(), pool._max_overflow == 0
    assert fixed == (not rt.db.sqlite)  # PostgreSQL: no overflow; SQLite's file pool: size 5, overflow 10
    # PostgreSQL: the whole pool (the scrape takes the last connection); SQLite: two connections beyond the size
    holding = size - 1 if fixed else size + 2
    await greenlet_spawn(pool.dispose)  # from an empty pool: every connection below is a new one
    before = await scrape(client)
    opened: list[object] = []

    def count(connection: object, _record: object) -> None:
        opened.append(connection)

    event.listen(pool, "connect", count)
    try:
        async with AsyncExitStack() as held:
            for _ in range(holding):
                await held.enter_async_context(rt.db.engine.connect())
            during = await scrape(client)
            overflow = pool.overflow()  # connections open beyond the size, the scrape's own returned one included
        after = await scrape(client)
        async with AsyncExitStack() as held:  # the same again, after the warm-up
            for _ in range(holding):
                await held.enter_async_context(rt.db.engine.connect())
            again = await scrape(client)
        kept = pool.checkedin() + pool.checkedout()
    finally:
        event.remove(pool, "connect", count)
        await greenlet_spawn(pool.dispose)  # the whole pool back to the server (shared by other test sessions)
    assert value(during, "bosonline_db_pool_size") == size
    assert value(during, "bosonline_db_pool_checked_out") == holding
    assert value(during, "bosonline_db_pool_overflow") == overflow
    assert overflow == 0 if fixed else overflow >= 2
    assert value(during, "bosonline_db_pool_max_overflow") == pool._max_overflow
    assert value(after, "bosonline_db_pool_checked_out") == 0
    # the held ones and the scrape's, less the one the first scrape had opened (and kept)
    assert value(during, OPENED) - value(before, OPENED) == holding
    assert value(again, OPENED) - value(before, OPENED) == len(opened)
    if fixed:  # every connection kept: none opened again after the warm-up, and never more than the pool
        assert value(again, OPENED) == value(during, OPENED)
        assert kept == size


@pytest.fixture
async def unreachable_client(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    settings = make_settings(tmp_path, "postgresql+asyncpg://postgres@127.0.0.1:1/nope", metrics_token=SecretStr(TOKEN))
    async with app_client(settings) as (http, _):
        yield http


async def test_a_scrape_answers_while_the_database_is_down(unreachable_client: httpx.AsyncClient) -> None:
    found = await scrape(unreachable_client)
    assert value(found, "bosonline_queue_read_ok") == 0
    assert ("bosonline_queue_due", (("job", "followups"),)) not in found
    assert value(found, "bosonline_http_requests_in_flight") == 1


_COUNT_ONE_SEND = """
import sys
from bosonline import metrics
metrics.count_whatsapp_sends([("fonnte", sys.argv[1])])
"""
_SCRAPE = """
from datetime import UTC, datetime
from bosonline import metrics
print(metrics.exposition([], datetime.now(UTC)).decode())
"""


def test_several_processes_add_up_in_multiprocess_mode(tmp_path: Path) -> None:
    """`serve --workers N`: each process writes its samples under PROMETHEUS_MULTIPROC_DIR, and the process that
    answers a scrape reads them all (here: two processes that each counted sends, scraped by a third)."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for outcome in ("sent", "sent", "unknown"):
        subprocess.run([sys.executable, "-c", _COUNT_ONE_SEND, outcome], env=env, check=True, timeout=60)
    scraped = subprocess.run(
        [sys.executable, "-c", _SCRAPE], env=env, check=True, timeout=60, capture_output=True, text=True
    )
    found = samples(scraped.stdout)
    assert value(found, "bosonline_whatsapp_sends_total", provider="fonnte", outcome="sent") == 2
    assert value(found, "bosonline_whatsapp_sends_total", provider="fonnte", outcome="unknown") == 1


_HOLD_A_REQUEST = """
import os, sys
from bosonline import metrics
metrics.IN_FLIGHT.inc()
print(os.getpid(), flush=True)
sys.stdin.read()
"""


def test_a_dead_process_in_flight_requests_are_forgotten(tmp_path: Path) -> None:
    """A process killed mid-request cannot remove its live gauges: the next scrape does, so the sum stays true."""
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD_A_REQUEST], env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        holder.stdout.readline()

        def in_flight() -> float:
            scraped = subprocess.run(
                [sys.executable, "-c", _SCRAPE], env=env, check=True, timeout=60, capture_output=True, text=True
            )
            return value(samples(scraped.stdout), "bosonline_http_requests_in_flight")

        assert in_flight() == 1
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert in_flight() == 0
