"""form show_stock: whether the buyer page shows the remaining stock

Create Date: 2026-12-07 14:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0008"


def upgrade() -> None:
    with op.batch_alter_table("forms", schema=None) as batch_op:
        # Existing forms keep showing it, as they did before the setting existed.
        batch_op.add_column(sa.Column("show_stock", sa.Boolean(), server_default=sa.true(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("forms", schema=None) as batch_op:
        batch_op.drop_column("show_stock")
