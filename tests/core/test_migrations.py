"""Migrations build the models' exact schema from nothing, on SQLite and on PostgreSQL, and are idempotent.

Each test works in its own scratch database (an SQLite file, or a throwaway PostgreSQL database named
bos_core_mig_*) so that the session's shared database is never touched."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from bosonline import schema_revision
from bosonline.db import Database
from bosonline.migrate import alembic_config, current_revision, head_revision, include_in_comparison, upgrade
from bosonline.models import Base
from tests.conftest import scratch_pg_database


@pytest.fixture
async def scratch_url(backend: str, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database on the backend under test."""
    if backend == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"
        return
    async with scratch_pg_database(f"bos_core_mig_{os.getpid()}") as url:
        yield url


@pytest.fixture
async def scratch(scratch_url: str) -> AsyncIterator[Database]:
    db = Database.connect(scratch_url, pool_size=2)
    yield db
    await db.dispose()


def _diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection,
        opts={
            "compare_type": True,
            "render_as_batch": connection.dialect.name == "sqlite",
            "include_object": include_in_comparison,
        },
    )
    return list(compare_metadata(context, Base.metadata))


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names())


def _downgrade_to_base(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "base")


async def _snapshot(db: Database) -> tuple[str | None, set[str]]:
    async with db.engine.connect() as conn:
        return await current_revision(db), await conn.run_sync(_tables)


async def test_there_is_one_head() -> None:
    assert head_revision()


async def test_upgrade_from_empty_to_head(scratch: Database, backend: str) -> None:
    assert scratch.sqlite == (backend == "sqlite")
    revision, tables = await _snapshot(scratch)
    assert revision is None
    assert not (tables & set(Base.metadata.tables))

    await upgrade(scratch)

    revision, tables = await _snapshot(scratch)
    assert revision == head_revision()
    assert set(Base.metadata.tables) | {"alembic_version"} == tables


async def test_upgrade_twice_is_a_no_op(scratch: Database) -> None:
    await upgrade(scratch)
    async with scratch.engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO users (name, email, is_platform_admin, created_at, updated_at) "
                "VALUES ('Kept', 'kept@example.com', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    before = await _snapshot(scratch)

    await upgrade(scratch)

    assert await _snapshot(scratch) == before
    async with scratch.engine.connect() as conn:
        assert (await conn.execute(text("SELECT email FROM users"))).scalars().all() == ["kept@example.com"]
        versions = (await conn.execute(text("SELECT version_num FROM alembic_version"))).scalars().all()
    assert versions == [head_revision()]


async def test_migrated_schema_matches_the_models(scratch: Database) -> None:
    await upgrade(scratch)
    async with scratch.engine.connect() as conn:
        differences = await conn.run_sync(_diff)
    assert differences == [], "migrations and models disagree; autogenerate a revision:\n" + "\n".join(
        map(str, differences)
    )


async def test_models_differ_from_an_empty_database(scratch: Database) -> None:
    """Guards the comparison itself: on an empty schema it must report every table as missing."""
    async with scratch.engine.connect() as conn:
        differences = await conn.run_sync(_diff)
    added = {diff[1].name for diff in differences if isinstance(diff, tuple) and diff[0] == "add_table"}
    assert added == set(Base.metadata.tables)


async def test_downgrade_to_base_and_back(scratch: Database) -> None:
    await upgrade(scratch)
    async with scratch.engine.execution_options(bosonline_sqlite_write=True).begin() as conn:
        await conn.run_sync(_downgrade_to_base)
    revision, tables = await _snapshot(scratch)
    assert revision is None
    assert not (tables & set(Base.metadata.tables))

    await upgrade(scratch)
    async with scratch.engine.connect() as conn:
        assert await conn.run_sync(_diff) == []
    assert (await _snapshot(scratch))[0] == head_revision()


# schema_revision reads the revisions without Alembic (serve's start, readiness): it must read what Alembic reads.


def test_the_head_read_without_alembic_is_alembics() -> None:
    scripts = ScriptDirectory.from_config(alembic_config())
    assert schema_revision.head_revision() == scripts.get_current_head() == head_revision()


def test_a_script_read_without_alembic_must_be_plain(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """What it cannot read plainly it refuses (then `serve` asks Alembic), never guesses."""

    def head_of(*scripts: str) -> str:
        for number, script in enumerate(scripts):
            (tmp_path / f"{number}.py").write_text(script)
        monkeypatch.setattr(schema_revision, "VERSIONS_DIR", tmp_path)
        schema_revision.head_revision.cache_clear()
        try:
            return schema_revision.head_revision()
        finally:
            schema_revision.head_revision.cache_clear()
            for script in tmp_path.glob("*.py"):
                script.unlink()

    def script(revision: str, down: str = "None") -> str:
        return f"revision = {revision}\ndown_revision = {down}\n"

    root = script('"a"')
    assert head_of(root, "revision: str = 'b'\ndown_revision = 'a'\n") == "b"
    assert head_of(root, script('"b"', '"a"'), script('"c"', '"a"'), script('"d"', '("b", "c")')) == "d"  # a merge
    unclear = [
        (root, script('"b"', '"a"'), script('"c"', '"a"')),  # two heads
        (root, 'REVISION = "b"\nrevision = REVISION\ndown_revision = "a"\n'),  # not a quoted name
        (root, 'revision = "b"\n'),  # no down revision
        (root + 'revision = "b"\n',),  # two revisions in one script
    ]
    for scripts in unclear:
        with pytest.raises(schema_revision.RevisionsUnclear):
            head_of(*scripts)


async def test_the_revision_read_without_alembic_is_alembics(scratch: Database) -> None:
    assert await schema_revision.current_revision(scratch) is None
    assert await current_revision(scratch) is None
    await upgrade(scratch, "0001")
    assert await schema_revision.current_revision(scratch) == "0001" == await current_revision(scratch)
    await upgrade(scratch)
    assert await schema_revision.current_revision(scratch) == head_revision() == await current_revision(scratch)


async def test_serve_does_not_import_alembic_when_the_database_is_at_the_head(scratch_url: str, tmp_path: Path) -> None:
    """`serve`'s migration step: on a database at the head one query and no Alembic (a third of a second of CPU at
    every start); on one behind, Alembic migrates it as before."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("BOSONLINE_")}
    env.update(BOSONLINE_DATA_DIR=str(tmp_path), BOSONLINE_DATABASE_URL=scratch_url)
    code = (
        "import sys\n"
        "from bosonline.cli import _migrate\n"
        "from bosonline.config import Settings\n"
        "print(_migrate(Settings(), only_if_behind=True), 'alembic' in sys.modules)\n"
    )

    def serve_migration() -> str:
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout

    assert serve_migration().split() == [head_revision(), "True"]  # an empty database: migrated by Alembic
    assert serve_migration().split() == [head_revision(), "False"]  # at the head: nothing imported, nothing done
