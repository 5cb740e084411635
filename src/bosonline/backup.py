"""`bosonline backup`: a consistent copy of an SQLite deployment's database and of the key files beside it.

Copying `bosonline.db` with `cp` while the server writes can capture half a transaction (and misses what is still
in the `-wal` file); SQLite's online backup API copies a consistent snapshot while writers go on. Without the
key files the copy is not enough: the secret key signs every login, and the encryption key is the only way to read
the stored WhatsApp credentials.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bosonline.config import Settings
from bosonline.db import is_sqlite

DATABASE_FILE = "bosonline.db"
SECRET_KEY_FILE = "secret_key"
ENCRYPTION_KEY_FILE = "encryption_key"


class BackupRefused(Exception):
    """The deployment cannot be backed up by this command (the message says what to do instead)."""


@dataclass(frozen=True)
class Backup:
    directory: Path
    files: list[str]  # written into `directory`
    keys_in_environment: list[str]  # BOSONLINE_* variables holding keys: back them up with the configuration


def _key_files(settings: Settings) -> tuple[list[Path], list[str]]:
    """The key files the deployment reads, and the variables that replace the others."""
    files, variables = [], []
    for configured, variable, name in (
        (settings.secret_key, "BOSONLINE_SECRET_KEY", SECRET_KEY_FILE),
        (settings.encryption_keys, "BOSONLINE_ENCRYPTION_KEYS", ENCRYPTION_KEY_FILE),
    ):
        if configured:
            variables.append(variable)
        elif (settings.data_dir / name).exists():
            files.append(settings.data_dir / name)
    return files, variables


def backup_sqlite(settings: Settings, destination: Path, now: datetime) -> Backup:
    """Writes `destination/bosonline-<UTC time>/` (mode 0700): the database, checked with `PRAGMA
    integrity_check`, and the key files. Raises BackupRefused for PostgreSQL or a database that does not exist."""
    url = settings.effective_database_url
    if not is_sqlite(url):
        raise BackupRefused(
            "the database is PostgreSQL: back it up with pg_dump -Fc (README, Backups and keys); "
            "this command copies SQLite databases"
        )
    source = Path(make_url(url).database or "")
    if not source.is_file():
        raise BackupRefused(f"there is no database at {source} yet")
    target = destination / f"bosonline-{now:%Y%m%d-%H%M%S}"
    target.mkdir(mode=0o700, parents=True)
    # timeout: wait for a writer's lock rather than fail; backup() with pages=-1 copies in one step, so the copy
    # is one consistent snapshot even while the server writes.
    with closing(sqlite3.connect(source, timeout=30)) as src, closing(sqlite3.connect(target / DATABASE_FILE)) as dst:
        src.backup(dst)
        [verdict] = dst.execute("PRAGMA integrity_check").fetchone()
    if verdict != "ok":
        raise BackupRefused(f"the copy at {target / DATABASE_FILE} failed its integrity check: {verdict}")
    os.chmod(target / DATABASE_FILE, 0o600)
    keys, variables = _key_files(settings)
    for key in keys:
        shutil.copy2(key, target / key.name)  # keeps the 0600 mode
    return Backup(directory=target, files=[DATABASE_FILE, *(key.name for key in keys)], keys_in_environment=variables)
