"""whatsapp cloud: meta templates on follow-up chats, buyers' conversation windows

Create Date: 2026-12-07 13:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"


def upgrade() -> None:
    with op.batch_alter_table("followup_chats", schema=None) as batch_op:
        batch_op.add_column(sa.Column("meta_template", sa.JSON(), nullable=True))

    op.create_table(
        "wa_conversation_windows",
        sa.Column("integration_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["integration_id"],
            ["wa_integrations.id"],
            name=op.f("fk_wa_conversation_windows_integration_id_wa_integrations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wa_conversation_windows")),
        sa.UniqueConstraint("integration_id", "phone", name=op.f("uq_wa_conversation_windows_integration_id_phone")),
    )


def downgrade() -> None:
    op.drop_table("wa_conversation_windows")
    with op.batch_alter_table("followup_chats", schema=None) as batch_op:
        batch_op.drop_column("meta_template")
