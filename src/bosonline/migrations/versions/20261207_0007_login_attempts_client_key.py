"""login attempts: the client key the throttle counts by (an IPv6 /64 is one client)

Create Date: 2026-12-07 13:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("client_key", sa.String(length=64), nullable=True))
    # Older attempts count by their full address: they leave the throttle's window within minutes anyway.
    op.execute("UPDATE login_attempts SET client_key = ip")
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.alter_column("client_key", existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_index("ix_login_attempts_email_ip_created_at")
        batch_op.create_index(
            "ix_login_attempts_email_client_key_created_at", ["email", "client_key", "created_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("login_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_login_attempts_email_client_key_created_at")
        batch_op.create_index("ix_login_attempts_email_ip_created_at", ["email", "ip", "created_at"], unique=False)
        batch_op.drop_column("client_key")
