"""recaps: covering indexes (PostgreSQL INCLUDE) for Recap Product and Recap CS

Create Date: 2026-12-08 00:50:00.000000

The recaps aggregate a period's orders (report/): their orders are read by (store_id, created_at), their lines by
order id, their follow-ups by (store_id, created_at). The same three indexes now carry, as INCLUDE columns, what
the recaps read, so that PostgreSQL answers from the indexes alone (an index-only scan) instead of visiting a heap
page per order, line or follow-up. Same names, same keys: nothing else that uses them changes, and SQLite (no
INCLUDE) keeps them as they are.

A plain DROP and CREATE INDEX: it locks writes to those tables while it builds (tens of seconds on a million
orders). An operator who cannot pause checkout creates each index concurrently by hand under a temporary name,
then drops the old one and renames the new one, before running this migration, which then finds them (it checks
for the INCLUDE columns and does nothing when they are there).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"

_INDEXES = (
    (
        "ix_orders_store_id_created_at",
        "orders",
        "store_id, created_at",
        "id, status, payment_status, handler_id, total, paid_at",
    ),
    ("ix_order_lines_order_id", "order_lines", "order_id", "store_id, product_id, variant_id, quantity, subtotal"),
    (
        "ix_followup_messages_store_id_created_at",
        "followup_messages",
        "store_id, created_at",
        "order_id, status, sent_at, step",
    ),
)


def _covering(name: str) -> bool:
    """Whether the index already has INCLUDE columns (made by hand beforehand)."""
    definition = op.get_bind().scalar(
        sa.text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"), {"name": name}
    )
    return definition is not None and " INCLUDE " in definition


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, keys, include in _INDEXES:
        if _covering(name):
            continue
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON {table} ({keys}) INCLUDE ({include})")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name, table, keys, _ in _INDEXES:
        op.execute(f"DROP INDEX IF EXISTS {name}")
        op.execute(f"CREATE INDEX {name} ON {table} ({keys})")
