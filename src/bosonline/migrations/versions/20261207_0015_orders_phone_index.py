"""orders: (store_id, customer_phone, id) index for the order list's phone search

Create Date: 2026-12-07 16:30:00.000000

A search text that looks like a phone number (kit.phone.phone_prefix) is matched on the stored 628… digits from
their start, as an equality or the range [prefix, next prefix): a range read of this index, on both databases and
whatever the database's collation (phones are digits), instead of a trigram `LIKE '%…%'` scan. It ends in id so
that one buyer's orders come newest first without a sort.

A plain CREATE INDEX: it locks writes to `orders` while it builds (seconds on a million orders). CREATE INDEX
CONCURRENTLY cannot run inside the transaction Alembic runs migrations in; an operator who cannot pause checkout
creates it concurrently by hand first (same name, same columns) and this migration then finds it
(`IF NOT EXISTS` on PostgreSQL).
"""

from __future__ import annotations

from alembic import op

revision = "0015"
down_revision = "0013"

_NAME = "ix_orders_store_id_customer_phone"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"CREATE INDEX IF NOT EXISTS {_NAME} ON orders (store_id, customer_phone, id)")
    else:
        op.create_index(_NAME, "orders", ["store_id", "customer_phone", "id"], unique=False)


def downgrade() -> None:
    op.drop_index(_NAME, table_name="orders")
