"""Apply Alembic migrations from code (used by `serve`, `migrate` and the tests)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection

from bosonline.db import Database
from bosonline.models.order import SEARCH_INDEXES

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any fixed number: replicas that start together take turns instead of racing to create the same tables.
_PG_LOCK_KEY = 0x626F736F6E6C


def include_in_comparison(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Autogenerate's filter: the PostgreSQL-only search indexes live in migrations only (models/order.py)."""
    return not (type_ == "index" and name in SEARCH_INDEXES)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _upgrade(connection: Connection, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade(db: Database, revision: str = "head") -> None:
    async with db.engine.execution_options(bosonline_sqlite_write=True).begin() as conn:
        await conn.run_sync(_upgrade, revision)


def _current(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


async def current_revision(db: Database) -> str | None:
    async with db.engine.connect() as conn:
        return await conn.run_sync(_current)


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


@dataclass(frozen=True)
class Revision:
    id: str
    created: str  # the "Create Date:" of the revision's docstring (its day), "" when it has none
    description: str
    applied: bool
    head: bool


_CREATE_DATE = re.compile(r"^Create Date:\s*(\S+)", re.MULTILINE)


def history(current: str | None) -> list[Revision]:
    """Every revision, oldest first, each marked applied when the database at `current` contains it.

    Raises KeyError when `current` is a revision this code does not know (a database migrated by a newer
    release)."""
    scripts = ScriptDirectory.from_config(alembic_config())
    if current is not None and current not in {script.revision for script in scripts.walk_revisions()}:
        raise KeyError(current)
    applied = {script.revision for script in scripts.iterate_revisions(current, "base")} if current else set()
    heads = set(scripts.get_heads())
    revisions = []
    for script in reversed(list(scripts.walk_revisions())):
        created = _CREATE_DATE.search(script.longdoc)
        revisions.append(
            Revision(
                id=script.revision,
                created=created.group(1) if created else "",
                description=script.doc,
                applied=script.revision in applied,
                head=script.revision in heads,
            )
        )
    return revisions
