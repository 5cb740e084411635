"""The connection budget: pool size × processes against PostgreSQL's max_connections, checked at start-up. A process
holds at most its pool (no overflow: tests/core/test_db_pool.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from structlog.testing import capture_logs

from bosonline.connections import Budget, check_connection_budget
from bosonline.logging import configure_logging
from tests.conftest import test_settings as make_settings


def test_the_budget_arithmetic() -> None:
    budget = Budget(pool_size=20, processes=6, max_connections=100, reserved=3)
    assert (budget.per_process, budget.needed, budget.available) == (20, 120, 97)
    assert budget.exceeded
    assert budget.largest_pool_size() == 16  # 6 processes × 16 = 96 ≤ 97
    assert not Budget(pool_size=16, processes=6, max_connections=100, reserved=3).exceeded
    assert Budget(pool_size=17, processes=6, max_connections=100, reserved=3).exceeded
    assert Budget(pool_size=5, processes=200, max_connections=100, reserved=3).largest_pool_size() == 0


async def test_sqlite_has_no_budget(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'b.db'}", worker_processes=1000)
    with capture_logs() as logs:
        assert await check_connection_budget(settings, serve_processes=64) is None
    assert logs == []


@pytest.mark.postgres_only
async def test_a_configuration_over_max_connections_is_warned_about(database_url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, database_url, db_pool_size=100, worker_processes=3)
    with capture_logs() as logs:
        budget = await check_connection_budget(settings, serve_processes=4)
    assert budget is not None and budget.exceeded
    [line] = logs
    assert line["event"] == "connection_budget_exceeded" and line["log_level"] == "warning"
    assert (line["pool_size"], line["connections_per_process"]) == (100, 100)
    assert (line["serve_processes"], line["worker_processes"], line["connections_needed"]) == (4, 3, 700)
    assert line["max_connections"] == budget.max_connections > line["connections_available"]
    assert line["connections_available"] == budget.max_connections - line["reserved_connections"]
    largest = budget.largest_pool_size()
    assert f"set BOSONLINE_DB_POOL_SIZE to {largest} or less" in line["fix"]
    assert largest * 7 <= line["connections_available"] < (largest + 1) * 7
    assert f"max_connections to at least {700 + line['reserved_connections']}" in line["fix"]


@pytest.mark.postgres_only
async def test_a_configuration_that_fits_is_logged(database_url: str, tmp_path: Path) -> None:
    settings = make_settings(tmp_path, database_url, db_pool_size=4)
    configure_logging("INFO")  # the session's apps configured WARNING, which drops info lines before capture
    try:
        with capture_logs() as logs:
            budget = await check_connection_budget(settings, serve_processes=1)
    finally:
        configure_logging(settings.log_level)
    assert budget is not None and not budget.exceeded
    [line] = logs
    assert (line["event"], line["log_level"], line["connections_needed"]) == ("connection_budget", "info", 4)
