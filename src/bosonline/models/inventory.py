"""Stock per variant per warehouse, and the movement log every change writes."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, get_args

from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bosonline.models.base import Base, BigId, IdMixin, UTCDateTime, utcnow

MovementReason = Literal["adjustment", "order_reserved", "order_released", "order_shipped", "order_returned", "import"]
MOVEMENT_REASONS: tuple[str, ...] = get_args(MovementReason)


class Stock(IdMixin, Base):
    """available = on_hand − reserved; the CHECKs make a negative stock impossible whatever the code does."""

    __tablename__ = "stocks"
    __table_args__ = (
        UniqueConstraint("variant_id", "warehouse_id"),
        CheckConstraint("reserved >= 0", name="reserved_not_negative"),
        CheckConstraint("on_hand >= reserved", name="on_hand_covers_reserved"),
        Index("ix_stocks_store_id_warehouse_id", "store_id", "warehouse_id"),
    )

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(BigId, ForeignKey("product_variants.id", ondelete="CASCADE"))
    warehouse_id: Mapped[int] = mapped_column(BigId, ForeignKey("warehouses.id"))
    on_hand: Mapped[int] = mapped_column(BigInteger, default=0)
    reserved: Mapped[int] = mapped_column(BigInteger, default=0)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InventoryMovement(IdMixin, Base):
    __tablename__ = "inventory_movements"
    __table_args__ = (
        Index("ix_inventory_movements_store_id_variant_id", "store_id", "variant_id"),
        Index("ix_inventory_movements_store_id_id", "store_id", "id"),  # the newest-first movement log
    )

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    variant_id: Mapped[int] = mapped_column(BigId, ForeignKey("product_variants.id", ondelete="CASCADE"))
    warehouse_id: Mapped[int] = mapped_column(BigId, ForeignKey("warehouses.id"))
    reason: Mapped[str] = mapped_column(String(24))  # one of MOVEMENT_REASONS
    delta_on_hand: Mapped[int] = mapped_column(BigInteger, default=0)
    delta_reserved: Mapped[int] = mapped_column(BigInteger, default=0)
    on_hand_after: Mapped[int] = mapped_column(BigInteger)
    reserved_after: Mapped[int] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(String(200))
    actor_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    order_id: Mapped[int | None] = mapped_column(BigId)  # the order behind order_* movements (orders: step 3)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
