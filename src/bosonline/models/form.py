"""Checkout forms: what a buyer may order through a public page, what they are asked, and where they land."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column

from bosonline.models.base import Base, BigId, IdMixin, TimestampMixin, UTCDateTime, unique

FORM_SLUG_UNIQUE = unique(
    "store_id",
    "slug",
    code="form_slug_taken",
    message="Another form of the store already uses this slug",
    field="slug",
)


class Form(IdMixin, TimestampMixin, Base):
    __tablename__ = "forms"
    __table_args__ = (FORM_SLUG_UNIQUE, Index("ix_forms_store_id_status", "store_id", "status"))

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    slug: Mapped[str | None] = mapped_column(String(80))  # NULL once deleted: frees the slug, orders keep the row
    title: Mapped[str] = mapped_column(String(150))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | inactive
    # {"email": "hidden|optional|required", "notes": "hidden|optional|required", "address": "full|district"}
    fields: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    payment_methods: Mapped[list[str]] = mapped_column(JSON, default=list)  # bank_transfer | cod | qris
    couriers: Mapped[list[str]] = mapped_column(JSON, default=list)  # courier codes; [] = all on the rate card
    accept_vouchers: Mapped[bool] = mapped_column(Boolean, default=True)
    show_stock: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())  # "Sisa 3" on the page
    max_quantity: Mapped[int] = mapped_column(Integer, default=100)  # per line
    meta_pixel_id: Mapped[str | None] = mapped_column(String(32))
    tiktok_pixel_id: Mapped[str | None] = mapped_column(String(32))
    # Success page; NULL mode = not customized (the default thank-you message).
    success_mode: Mapped[str | None] = mapped_column(String(16))  # message | redirect | whatsapp
    success_page: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FormItem(IdMixin, Base):
    """A product offered on a form; `variant_id` NULL offers every active variant of it."""

    __tablename__ = "form_items"
    __table_args__ = (Index("ix_form_items_form_id_position", "form_id", "position"),)

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    form_id: Mapped[int] = mapped_column(BigId, ForeignKey("forms.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(BigId, ForeignKey("products.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("product_variants.id", ondelete="CASCADE"))
    default_quantity: Mapped[int] = mapped_column(Integer, default=1)
    position: Mapped[int] = mapped_column(Integer, default=0)
