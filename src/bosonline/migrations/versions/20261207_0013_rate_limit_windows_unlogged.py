"""rate_limit_windows UNLOGGED on PostgreSQL (no-op on SQLite)

The rate limiter's counter is now one autocommit statement (kit/ratelimit.py), which cannot `SET LOCAL
synchronous_commit = off`; a transaction that wrote only unlogged rows commits without waiting for the WAL flush,
and writes no WAL for them at all. A crash empties the table, and standbys do not have it: counters, harmless.

Create Date: 2026-12-07 16:30:00.000000
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE rate_limit_windows SET UNLOGGED")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE rate_limit_windows SET LOGGED")
