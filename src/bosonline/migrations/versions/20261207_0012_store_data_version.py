"""store data_version: a counter that every change of the store data a checkout caches moves (triggers)

Checkout keeps the rarely-changing data of a store (offered variants, rate card, CS and owner, webhook
subscriptions, follow-up templates, bank accounts) in a per-process cache keyed by (store, data_version), so the
database itself bumps the version on any INSERT, UPDATE or DELETE of those tables: no writer can forget it.

Create Date: 2026-12-07 16:40:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0009"

TABLES = (
    "products",
    "product_variants",
    "form_items",
    "shipping_rates",
    "store_members",
    "webhooks",
    "followup_chats",
    "bank_accounts",
)


def upgrade() -> None:
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data_version", sa.BigInteger(), server_default="0", nullable=False))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION bump_store_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP <> 'DELETE' THEN
                    UPDATE stores SET data_version = data_version + 1 WHERE id = NEW.store_id;
                END IF;
                IF TG_OP <> 'INSERT' AND (TG_OP = 'DELETE' OR OLD.store_id IS DISTINCT FROM NEW.store_id) THEN
                    UPDATE stores SET data_version = data_version + 1 WHERE id = OLD.store_id;
                END IF;
                RETURN NULL;
            END $$
            """
        )
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION bump_store_data_version()"
            )
        return
    for table in TABLES:
        for event, row in (("INSERT", "NEW"), ("UPDATE", "NEW"), ("DELETE", "OLD")):
            op.execute(
                f"CREATE TRIGGER {table}_data_version_{event.lower()} AFTER {event} ON {table} FOR EACH ROW "
                f"BEGIN UPDATE stores SET data_version = data_version + 1 WHERE id = {row}.store_id; END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_data_version ON {table}")
        op.execute("DROP FUNCTION bump_store_data_version()")
    else:
        for table in TABLES:
            for event in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_data_version_{event}")
    with op.batch_alter_table("stores", schema=None) as batch_op:
        batch_op.drop_column("data_version")
