"""store_domains: a store's custom domains; stores.public_host: the host its public links use

Create Date: 2026-12-08 00:10:00.000000

A custom domain is `pending` until its DNS records are found (store/domain_service.py), then `active`. Only one
store can hold a host active: a partial unique index (both databases support `WHERE` on an index).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_ACTIVE = sa.text("status = 'active'")


def upgrade() -> None:
    op.create_table(
        "store_domains",
        sa.Column("id", BigId, nullable=False),
        sa.Column("store_id", BigId, nullable=False),
        sa.Column("host", sa.String(length=253), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("check_reason", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name="fk_store_domains_store_id_stores", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_store_domains"),
        sa.UniqueConstraint("store_id", "host", name="uq_store_domains_store_id_host"),
    )
    op.create_index("ix_store_domains_store_id", "store_domains", ["store_id"], unique=False)
    op.create_index(
        "uq_store_domains_active_host",
        "store_domains",
        ["host"],
        unique=True,
        sqlite_where=_ACTIVE,
        postgresql_where=_ACTIVE,
    )
    # Plain ALTER TABLE on both databases (SQLite ≥ 3.35 drops columns too): a batch would copy `stores`, whose
    # data_version triggers (migration 0012) name it.
    op.add_column("stores", sa.Column("public_host", sa.String(length=253), nullable=True))


def downgrade() -> None:
    op.drop_column("stores", "public_host")
    op.drop_index("uq_store_domains_active_host", table_name="store_domains")
    op.drop_index("ix_store_domains_store_id", table_name="store_domains")
    op.drop_table("store_domains")
