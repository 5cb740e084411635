"""`bosonline serve` as a real subprocess: uvicorn's own messages come out as our JSON lines, after a start-up line
saying where it listens; on PostgreSQL, the connection budget warning, and several workers seen by one scrape."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, scratch_pg_database
from tests.core.test_cli import BOSONLINE, CHEAP_HASHING, _free_port
from tests.scrape import TOKEN, samples, value

pytestmark = pytest.mark.slow


@contextmanager
def served(data_dir: Path, *args: str, **env: str) -> Iterator[tuple[str, list[str]]]:
    """`bosonline serve` on a free port until it answers /health; yields its URL and, once stopped, its stderr lines."""
    port = _free_port()
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("BOSONLINE_", "PROMETHEUS_"))}
    clean.update(BOSONLINE_DATA_DIR=str(data_dir), BOSONLINE_LOG_LEVEL="INFO", **CHEAP_HASHING, **env)
    process = subprocess.Popen(
        [str(BOSONLINE), "serve", "--host", "127.0.0.1", "--port", str(port), *args],
        env=clean,
        cwd=data_dir,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)  # still starting; bounded by the deadline
        assert process.poll() is None, process.communicate(timeout=5)
        yield base, lines
    finally:
        process.terminate()
        try:
            _, err = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            _, err = process.communicate()
        lines.extend(line for line in err.splitlines() if line.strip())


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
    with served(data_dir) as (base, lines):
        assert httpx.get(f"{base}/health", timeout=5).status_code == 200
    logged = _json_lines(lines)
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
        with served(data_dir, "--workers", "2", "--no-worker", **env) as (base, lines):
            scrapes = []
            for _ in range(40):  # new connections: the kernel spreads them over both worker processes
                async with httpx.AsyncClient(base_url=base, timeout=10) as http:
                    assert (await http.get("/health")).status_code == 200
            for _ in range(6):
                async with httpx.AsyncClient(base_url=base, timeout=10) as http:
                    scraped = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
                    scrapes.append(samples(scraped.text))
    logged = _json_lines(lines)
    counted = {
        value(found, "bosonline_http_request_duration_seconds_count", method="GET", route="/health", status="2xx")
        for found in scrapes
    }
    assert min(counted) >= 40  # whichever process answered, it counted the other's requests too
    assert {value(found, "bosonline_db_pool_size") for found in scrapes} == {2 * 10}  # both live pools, added up
    serving_pids = {line["event"] for line in logged if line["event"].startswith("Started server process")}
    assert len(serving_pids) == 2, serving_pids
    [budget] = [line for line in logged if line["event"] == "connection_budget_exceeded"]
    assert (budget["level"], budget["serve_processes"], budget["worker_processes"]) == ("warning", 2, 1000)
    assert budget["connections_needed"] == 1002 * 20 and "fix" in budget
    [serving] = [line for line in logged if line["event"] == "serving"]
    assert serving["database"] == "postgresql" and serving["workers"] == 2
    assert "hunter2" not in "\n".join(lines)
