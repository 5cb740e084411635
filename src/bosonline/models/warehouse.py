"""Warehouses belong to a seller account; each store picks which of its owner's warehouses it ships from."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from bosonline.models.base import Base, BigId, IdMixin, TimestampMixin, UTCDateTime, utcnow


class Warehouse(IdMixin, TimestampMixin, Base):
    __tablename__ = "warehouses"

    owner_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    contact_name: Mapped[str] = mapped_column(String(100))
    contact_phone: Mapped[str] = mapped_column(String(16))  # E.164 digits, 628…
    address: Mapped[str] = mapped_column(String(500))
    # Dotted Kemendagri code of the district (kecamatan, "32.76.01") or village ("32.76.01.1001").
    region_code: Mapped[str] = mapped_column(String(13))
    postal_code: Mapped[str | None] = mapped_column(String(5))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    # Deleted warehouses stay as rows so that stock history and orders can still name them.
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class StoreWarehouse(Base):
    """A warehouse a store ships from (Store → Warehouse)."""

    __tablename__ = "store_warehouses"

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True)
    warehouse_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("warehouses.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
