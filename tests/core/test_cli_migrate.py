"""`bosonline migrate --current / --history`: report the schema's revision and the migrations, apply nothing."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from bosonline.db import Database
from bosonline.migrate import history, upgrade
from tests.conftest import PG_URL, scratch_pg_database
from tests.core.test_cli import run_cli

pytestmark = pytest.mark.slow

REVISIONS = [revision.id for revision in history(None)]
HEAD = REVISIONS[-1]


def history_lines(stdout: str) -> dict[str, str]:
    """revision id -> its history line."""
    lines = {}
    for line in stdout.splitlines():
        first = line.split(maxsplit=1)[0] if line.strip() else ""
        if first in REVISIONS:
            lines[first] = line
    return lines


async def migrate_to(url: str, revision: str) -> None:
    db = Database.connect(url, pool_size=1)
    try:
        await upgrade(db, revision)
    finally:
        await db.dispose()


def assert_history(stdout: str, applied_up_to: str | None) -> None:
    lines = history_lines(stdout)
    assert list(lines) == REVISIONS, stdout
    cut = REVISIONS.index(applied_up_to) + 1 if applied_up_to else 0
    for index, revision in enumerate(REVISIONS):
        assert ("applied" if index < cut else "pending") in lines[revision].split(), lines[revision]
    assert lines[HEAD].endswith("(head)")
    assert "2026-11-21" in lines["0001"] and "accounts and stores" in lines["0001"]


def test_current_and_history_of_a_database_that_does_not_exist_yet(tmp_path: Path) -> None:
    result = run_cli(tmp_path, "migrate", "--current", "--history")
    assert result.returncode == 0, result.stderr
    assert f"database at revision none (not migrated); head is {HEAD}: {len(REVISIONS)} pending" in result.stdout
    assert_history(result.stdout, None)
    assert not (tmp_path / "bosonline.db").exists()  # reporting creates nothing


async def test_current_and_history_of_a_half_migrated_sqlite_database(tmp_path: Path) -> None:
    behind = REVISIONS[-3]
    await migrate_to(f"sqlite+aiosqlite:///{tmp_path / 'bosonline.db'}", behind)

    current = run_cli(tmp_path, "migrate", "--current")
    assert current.returncode == 0, current.stderr
    assert f"database at revision {behind}; head is {HEAD}: 2 pending migrations" in current.stdout
    assert history_lines(current.stdout) == {}

    listed = run_cli(tmp_path, "migrate", "--history")
    assert listed.returncode == 0, listed.stderr
    assert_history(listed.stdout, behind)
    assert "database at revision" not in listed.stdout

    with sqlite3.connect(tmp_path / "bosonline.db") as conn:  # nothing was applied
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall() == [(behind,)]

    assert run_cli(tmp_path, "migrate").returncode == 0
    at_head = run_cli(tmp_path, "migrate", "--current", "--history")
    assert f"database at revision {HEAD} (head)" in at_head.stdout
    assert_history(at_head.stdout, HEAD)


def test_a_revision_from_a_newer_release_is_reported(tmp_path: Path) -> None:
    assert run_cli(tmp_path, "migrate").returncode == 0
    with sqlite3.connect(tmp_path / "bosonline.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'f00d'")
    result = run_cli(tmp_path, "migrate", "--current")
    assert result.returncode == 1
    assert f"revision f00d, which this release does not know (its latest is {HEAD})" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_an_unreachable_database_is_reported_without_its_password(tmp_path: Path) -> None:
    url = "postgresql+asyncpg://bos:hunter2@127.0.0.1:1/nope"
    result = run_cli(tmp_path, "migrate", "--history", BOSONLINE_DATABASE_URL=url)
    assert result.returncode == 1
    assert "cannot read the database's revision" in result.stderr and "bos:***@127.0.0.1:1" in result.stderr
    assert "hunter2" not in result.stdout + result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL")
async def test_current_and_history_on_postgresql(tmp_path: Path) -> None:
    async with scratch_pg_database(f"bos_core_migrate_{os.getpid()}") as url:
        fresh = run_cli(tmp_path, "migrate", "--current", BOSONLINE_DATABASE_URL=url)
        assert fresh.returncode == 0, fresh.stderr
        assert "database at revision none (not migrated)" in fresh.stdout

        behind = REVISIONS[-2]
        await migrate_to(url, behind)
        result = run_cli(tmp_path, "migrate", "--current", "--history", BOSONLINE_DATABASE_URL=url)
        assert result.returncode == 0, result.stderr
        assert f"database at revision {behind}; head is {HEAD}: 1 pending migration " in result.stdout
        assert_history(result.stdout, behind)
        assert not (tmp_path / "bosonline.db").exists()
