"""Which migration the database is at, and which one this code's migrations end at, read without Alembic.

Importing Alembic (its dialect implementations, Mako, Pygments) and loading every migration script costs a third
of a second of CPU. `bosonline serve` pays it only when the database is not at the latest revision already (it
then migrates with `bosonline.migrate`), readiness (`GET /health/ready`) and the commands that refuse an old
schema never. `tests/core/test_migrations.py` checks that both read what Alembic reads.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from bosonline.db import Database

VERSIONS_DIR = Path(__file__).parent / "migrations" / "versions"
VERSION_TABLE = "alembic_version"  # Alembic's default: migrations/env.py does not name another

# `revision = "0015"` / `down_revision = "0013"` (or None, or a tuple of revisions where branches merge), at the
# start of a line as Alembic's template writes them; a type annotation is allowed.
_ASSIGNMENT = re.compile(r"^(revision|down_revision)\s*(?::[^=\n]*)?=\s*(.+?)\s*$", re.MULTILINE)
_QUOTED = re.compile(r"""["']([^"']+)["']""")


class RevisionsUnclear(LookupError):
    """The migration scripts do not name exactly one latest revision the way this module reads them."""


@cache
def head_revision() -> str:
    """The latest revision of the migration scripts (they do not change while the process runs).

    Raises RevisionsUnclear when a script does not say its revision and down revision plainly, or when the scripts
    end in several heads (or none): Alembic's `ScriptDirectory` then decides (`bosonline.migrate`)."""
    revisions: set[str] = set()
    replaced: set[str] = set()
    for script in sorted(VERSIONS_DIR.glob("*.py")):
        if script.name.startswith("_"):
            continue
        found: dict[str, list[str]] = {}
        for name, value in _ASSIGNMENT.findall(script.read_text(encoding="utf-8")):
            found.setdefault(name, []).append(value)
        if len(found.get("revision", [])) != 1 or len(found.get("down_revision", [])) != 1:
            raise RevisionsUnclear(f"{script.name}: no single `revision = …` and `down_revision = …`")
        revision, down = found["revision"][0], found["down_revision"][0]
        names = _QUOTED.findall(revision)
        if len(names) != 1 or revision.strip("\"'") != names[0]:
            raise RevisionsUnclear(f"{script.name}: revision {revision} is not one quoted name")
        revisions.add(names[0])
        if down != "None":
            downs = _QUOTED.findall(down)
            if not downs:
                raise RevisionsUnclear(f"{script.name}: down_revision {down} names no revision")
            replaced.update(downs)
    heads = revisions - replaced
    if len(heads) != 1:
        raise RevisionsUnclear(f"the migration scripts end in {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def _current(connection: Connection) -> str | None:
    # As Alembic's MigrationContext.get_current_revision: no version table, or an empty one, is no revision.
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    versions = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalars().all()
    if len(versions) > 1:
        raise RevisionsUnclear(f"the database is at several revisions (branches): {sorted(versions)}")
    return versions[0] if versions else None


async def current_revision(db: Database) -> str | None:
    """The database's revision, None when it was never migrated."""
    async with db.engine.connect() as conn:
        return await conn.run_sync(_current)
