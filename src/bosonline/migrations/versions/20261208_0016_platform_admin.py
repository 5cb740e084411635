"""platform admin: store suspension, the admin audit log, announcements and tips

Create Date: 2026-12-08 00:10:00.000000

stores gains `suspended_at` and `suspended_reason` (status `suspended` besides active and closed); the audit log
of platform admin actions; announcements and tips with their audience (listed stores) and per-user reads; an
index of the order counters by day (the platform dashboard's period across stores).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"

_BIG = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # Plain ALTER TABLE on both databases: a batch copy of `stores` on SQLite would break the triggers of 0012
    # that name it.
    op.add_column("stores", sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("stores", sa.Column("suspended_reason", sa.String(length=500), nullable=True))

    # The platform dashboard sums every store's counters over a range of days.
    op.create_index("ix_order_daily_stats_day", "order_daily_stats", ["day"], unique=False)

    op.create_table(
        "admin_audit_log",
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("admin_id", _BIG, nullable=False),
        sa.Column("admin_email", sa.String(length=254), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("target_type", sa.String(length=24), nullable=False),
        sa.Column("target_id", _BIG, nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
        sa.Column("id", _BIG, nullable=False),
        sa.ForeignKeyConstraint(["admin_id"], ["users.id"], name=op.f("fk_admin_audit_log_admin_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_admin_audit_log")),
    )
    op.create_index("ix_admin_audit_log_action_id", "admin_audit_log", ["action", "id"], unique=False)
    op.create_index(op.f("ix_admin_audit_log_admin_id"), "admin_audit_log", ["admin_id"], unique=False)
    op.create_index(
        "ix_admin_audit_log_target_type_target_id_id",
        "admin_audit_log",
        ["target_type", "target_id", "id"],
        unique=False,
    )

    op.create_table(
        "announcements",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("body_markdown", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("audience", sa.String(length=16), nullable=False),
        sa.Column("created_by", _BIG, nullable=False),
        sa.Column("id", _BIG, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], name=op.f("fk_announcements_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_announcements")),
    )
    op.create_index("ix_announcements_kind_starts_at_id", "announcements", ["kind", "starts_at", "id"], unique=False)

    op.create_table(
        "announcement_stores",
        sa.Column("announcement_id", _BIG, nullable=False),
        sa.Column("store_id", _BIG, nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_stores_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_announcement_stores_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("announcement_id", "store_id", name=op.f("pk_announcement_stores")),
    )
    op.create_index("ix_announcement_stores_store_id", "announcement_stores", ["store_id"], unique=False)

    op.create_table(
        "announcement_reads",
        sa.Column("announcement_id", _BIG, nullable=False),
        sa.Column("user_id", _BIG, nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["announcement_id"],
            ["announcements.id"],
            name=op.f("fk_announcement_reads_announcement_id_announcements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_announcement_reads_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("announcement_id", "user_id", name=op.f("pk_announcement_reads")),
    )


def downgrade() -> None:
    op.drop_table("announcement_reads")
    op.drop_index("ix_announcement_stores_store_id", table_name="announcement_stores")
    op.drop_table("announcement_stores")
    op.drop_index("ix_announcements_kind_starts_at_id", table_name="announcements")
    op.drop_table("announcements")
    op.drop_index("ix_admin_audit_log_target_type_target_id_id", table_name="admin_audit_log")
    op.drop_index(op.f("ix_admin_audit_log_admin_id"), table_name="admin_audit_log")
    op.drop_index("ix_admin_audit_log_action_id", table_name="admin_audit_log")
    op.drop_table("admin_audit_log")
    op.drop_index("ix_order_daily_stats_day", table_name="order_daily_stats")
    op.drop_column("stores", "suspended_reason")  # SQLite 3.35+ drops a column in place
    op.drop_column("stores", "suspended_at")
