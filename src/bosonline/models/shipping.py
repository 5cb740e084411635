"""The store's offline rate card: the courier services it ships with and what each costs."""

from __future__ import annotations

from sqlalchemy import JSON, BigInteger, Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from bosonline.models.base import Base, BigId, IdMixin, TimestampMixin, unique
from bosonline.shipping.errors import ShippingError

SHIPPING_RATE_UNIQUE = unique(
    "store_id",
    "courier",
    "service",
    code=ShippingError.rate_exists,
    message="This courier service is already on the rate card",
)


class ShippingRate(IdMixin, TimestampMixin, Base):
    """One courier service on the card. Price per shipment (`flat`) or per started kilogram (`per_kg`), from
    `province_prices[<2-digit province code>]` when the destination's province is listed, else `price`; with
    neither, the service does not deliver there."""

    __tablename__ = "shipping_rates"
    __table_args__ = (SHIPPING_RATE_UNIQUE,)

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    courier: Mapped[str] = mapped_column(String(24))  # a code of shipping/couriers.py, e.g. "jne"
    service: Mapped[str] = mapped_column(String(24))  # e.g. "REG"
    pricing: Mapped[str] = mapped_column(String(8))  # flat | per_kg
    price: Mapped[int | None] = mapped_column(BigInteger)
    province_prices: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    etd: Mapped[str | None] = mapped_column(String(32))  # "2-3 hari"
    cod: Mapped[bool] = mapped_column(Boolean, default=True)  # may carry cash-on-delivery parcels
    position: Mapped[int] = mapped_column(Integer, default=0)
