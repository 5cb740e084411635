"""store media library: images.library (product | store)

Create Date: 2026-12-07 13:50:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0011"


def upgrade() -> None:
    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.add_column(sa.Column("library", sa.String(length=16), server_default="product", nullable=False))
        batch_op.create_index("ix_images_store_id_library_id", ["store_id", "library", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("images", schema=None) as batch_op:
        batch_op.drop_index("ix_images_store_id_library_id")
        batch_op.drop_column("library")
