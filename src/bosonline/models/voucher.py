"""Vouchers a store offers at checkout, the products they apply to, and every use of one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bosonline.models.base import Base, BigId, IdMixin, TimestampMixin, UTCDateTime, unique, utcnow
from bosonline.voucher.errors import VoucherError

VOUCHER_CODE_UNIQUE = unique(
    "store_id",
    "code_key",
    code=VoucherError.voucher_code_taken,
    message="The store already has a voucher with this code",
    field="code",
)


class Voucher(IdMixin, TimestampMixin, Base):
    __tablename__ = "vouchers"
    __table_args__ = (VOUCHER_CODE_UNIQUE,)

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))  # as the seller typed it
    # Upper-cased code: codes are unique and matched regardless of case. NULL once deleted (frees the code).
    code_key: Mapped[str | None] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(16))  # percentage | fixed
    target: Mapped[str] = mapped_column(String(16))  # product | shipping
    value: Mapped[int] = mapped_column(BigInteger)  # percent (1–100) or whole rupiah
    max_discount: Mapped[int | None] = mapped_column(BigInteger)  # the cap of a percentage voucher
    min_purchase: Mapped[int] = mapped_column(BigInteger, default=0)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    quota_total: Mapped[int | None] = mapped_column(Integer)  # NULL: unlimited
    quota_per_buyer: Mapped[int | None] = mapped_column(Integer)  # per phone number; NULL: unlimited
    used_count: Mapped[int] = mapped_column(Integer, default=0)  # only ever changed by one conditional UPDATE
    show_on_checkout: Mapped[bool] = mapped_column(Boolean, default=False)  # listed on the checkout page
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | inactive
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class VoucherProduct(Base):
    """The products a voucher is limited to; none means every product of the store."""

    __tablename__ = "voucher_products"

    voucher_id: Mapped[int] = mapped_column(BigId, ForeignKey("vouchers.id", ondelete="CASCADE"), primary_key=True)
    product_id: Mapped[int] = mapped_column(
        BigId, ForeignKey("products.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class VoucherRedemption(IdMixin, Base):
    """One order's use of a voucher (per-buyer quota counts these by phone)."""

    __tablename__ = "voucher_redemptions"
    __table_args__ = (Index("ix_voucher_redemptions_voucher_id_phone", "voucher_id", "phone"),)

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    voucher_id: Mapped[int] = mapped_column(BigId, ForeignKey("vouchers.id", ondelete="CASCADE"))
    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    phone: Mapped[str] = mapped_column(String(16))
    discount: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
