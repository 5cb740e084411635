"""`bosonline serve` as a real subprocess: uvicorn's own messages come out as our JSON lines, after a start-up line
saying where it listens; on PostgreSQL, the connection budget warning, and several workers seen by one scrape."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, scratch_pg_database
from tests.core.serving import served
from tests.scrape import TOKEN, samples, value

pytestmark = pytest.mark.slow


def _json_lines(lines: list[str]) -> list[dict[str, Any]]:
    parsed = [json.loads(line) for line in lines]  # every stderr line is one JSON object
    for line in parsed:
        assert {"event", "level", "timestamp"} <= set(line), line
    return parsed


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


def test_uvicorn_logs_are_json_lines_after_a_startup_line(data_dir: Path) -> None:
    with served(data_dir, log_level="INFO") as server:
        base = server.base
        assert httpx.get(f"{base}/health", timeout=5).status_code == 200
    logged = _json_lines(server.err_lines)
    [serving] = [line for line in logged if line["event"] == "serving"]
    port = int(base.rsplit(":", 1)[1])
    assert serving["level"] == "info"
    assert (serving["host"], serving["port"], serving["workers"]) == ("127.0.0.1", port, 1)
    assert serving["docs"] == f"{base}/docs" and serving["database"] == "sqlite"
    uvicorn = [line for line in logged if line.get("logger", "").startswith("uvicorn")]
    events = [line["event"] for line in uvicorn]
    assert f"Uvicorn running on {base} (Press CTRL+C to quit)" in events
    assert "Application startup complete." in events and "Shutting down" in events
    assert logged.index(serving) < logged.index(uvicorn[0])
    assert any(line["event"] == "request" and line["path"] == "/health" for line in logged)


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL")
async def test_serve_on_postgresql_budget_warning_and_metrics_of_every_worker(data_dir: Path) -> None:
    async with scratch_pg_database(f"bos_core_serve_{os.getpid()}") as url:
        with_password = make_url(url).set(password="hunter2").render_as_string(hide_password=False)
        env = {
            "BOSONLINE_DATABASE_URL": with_password,
            "BOSONLINE_WORKER_PROCESSES": "1000",
            "BOSONLINE_METRICS_TOKEN": TOKEN,
        }
        with served(data_dir, "--workers", "2", "--no-worker", log_level="INFO", **env) as server:
            base = server.base
            scrapes = []
            for _ in range(40):  # new connections: the kernel spreads them over both worker processes
                async with httpx.AsyncClient(base_url=base, timeout=10) as http:
                    assert (await http.get("/health")).status_code == 200
            for _ in range(6):
                async with httpx.AsyncClient(base_url=base, timeout=10) as http:
                    scraped = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
                    scrapes.append(samples(scraped.text))
    logged = _json_lines(server.err_lines)
    counted = {
        value(found, "bosonline_http_request_duration_seconds_count", method="GET", route="/health", status="2xx")
        for found in scrapes
    }
    assert min(counted) >= 40  # whichever process answered, it counted the other's requests too
    assert {value(found, "bosonline_db_pool_size") for found in scrapes} == {2 * 20}  # both live pools, added up
    assert {value(found, "bosonline_db_pool_max_overflow") for found in scrapes} == {0}
    serving_pids = {line["event"] for line in logged if line["event"].startswith("Started server process")}
    assert len(serving_pids) == 2, serving_pids
    [budget] = [line for line in logged if line["event"] == "connection_budget_exceeded"]
    assert (budget["level"], budget["serve_processes"], budget["worker_processes"]) == ("warning", 2, 1000)
    assert budget["connections_needed"] == 1002 * 20 and "fix" in budget
    [serving] = [line for line in logged if line["event"] == "serving"]
    assert serving["database"] == "postgresql" and serving["workers"] == 2
    assert "hunter2" not in server.out + server.err
