"""The catalog of a store: categories, products, their variants, uploaded images and the SKU registry."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bosonline.models.base import Base, BigId, IdMixin, TimestampMixin, UTCDateTime, unique, utcnow

CATEGORY_NAME_UNIQUE = unique(
    "store_id", "name_key", code="category_exists", message="A category with this name already exists", field="name"
)
PRODUCT_SLUG_UNIQUE = unique(
    "store_id", "slug", code="slug_taken", message="Another product of the store already uses this slug", field="slug"
)
SKU_UNIQUE = unique(
    "store_id", "sku_key", code="sku_taken", message="This SKU is already used in the store", field="sku"
)
IMAGE_KEY_UNIQUE = unique("storage_key", code="image_exists", message="This image is already stored")


class Category(IdMixin, TimestampMixin, Base):
    """A store's own category, or (store_id NULL) one of the platform's read-only defaults."""

    __tablename__ = "categories"
    __table_args__ = (CATEGORY_NAME_UNIQUE,)

    store_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(60))
    name_key: Mapped[str] = mapped_column(String(60))  # lower-cased name: names are unique regardless of case
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | inactive
    position: Mapped[int] = mapped_column(Integer, default=0)


IMAGE_LIBRARIES = ("product", "store")


class Image(IdMixin, Base):
    """An uploaded picture (content-checked), stored through the storage interface with its thumbnail.

    `library` says which list it belongs to: `product` (Upload Image: products' and variants' pictures) or `store`
    (the store's own media, POST /store/media: follow-up pictures, payment proofs). Neither list shows the other's."""

    __tablename__ = "images"
    __table_args__ = (IMAGE_KEY_UNIQUE, Index("ix_images_store_id_library_id", "store_id", "library", "id"))

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    library: Mapped[str] = mapped_column(String(16), default="product", server_default="product")
    storage_key: Mapped[str] = mapped_column(String(200))  # path inside the storage, also the public URL's tail
    thumb_key: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(32))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Product(IdMixin, TimestampMixin, Base):
    __tablename__ = "products"
    __table_args__ = (PRODUCT_SLUG_UNIQUE, Index("ix_products_store_id_status", "store_id", "status"))

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    category_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("categories.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    sku: Mapped[str | None] = mapped_column(String(64))
    # NULL once archived, which frees the slug for a new product.
    slug: Mapped[str | None] = mapped_column(String(120))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | inactive
    weight_g: Mapped[int] = mapped_column(Integer)
    length_cm: Mapped[int | None] = mapped_column(Integer)
    width_cm: Mapped[int | None] = mapped_column(Integer)
    height_cm: Mapped[int | None] = mapped_column(Integer)
    # [{"name": "Ukuran", "items": ["100gr", "200gr"]}, …]: at most 3; variants are their combinations.
    attributes: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # Derived from the live variants by the catalog service whenever they change (kept for lists and sorting).
    price_min: Mapped[int] = mapped_column(BigInteger, default=0)
    price_max: Mapped[int] = mapped_column(BigInteger, default=0)
    cogs_min: Mapped[int] = mapped_column(BigInteger, default=0)
    cogs_max: Mapped[int] = mapped_column(BigInteger, default=0)
    # Deleted products that orders refer to stay as archived rows; lists never show them.
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ProductImage(Base):
    """The ordered pictures of a product."""

    __tablename__ = "product_images"

    product_id: Mapped[int] = mapped_column(BigId, ForeignKey("products.id", ondelete="CASCADE"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    image_id: Mapped[int] = mapped_column(BigId, ForeignKey("images.id", ondelete="CASCADE"), index=True)


class ProductVariant(IdMixin, TimestampMixin, Base):
    __tablename__ = "product_variants"
    __table_args__ = (
        Index("ix_product_variants_store_id_product_id", "store_id", "product_id"),
        Index("ix_product_variants_store_id_id", "store_id", "id"),  # a store's variants in id order (lists, files)
    )

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(BigId, ForeignKey("products.id", ondelete="CASCADE"))
    # One item of each product attribute, in attribute order ([] for the single default variant).
    options: Mapped[list[str]] = mapped_column(JSON, default=list)
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(200))
    sku: Mapped[str | None] = mapped_column(String(64))
    price: Mapped[int] = mapped_column(BigInteger)
    cogs: Mapped[int] = mapped_column(BigInteger, default=0)
    weight_g: Mapped[int] = mapped_column(Integer)
    length_cm: Mapped[int | None] = mapped_column(Integer)
    width_cm: Mapped[int | None] = mapped_column(Integer)
    height_cm: Mapped[int | None] = mapped_column(Integer)
    wholesale_min_qty: Mapped[int | None] = mapped_column(Integer)
    # [{"min_qty": 10, "price": 9000}, …] ascending by min_qty, each price below the one before.
    wholesale_tiers: Mapped[list[dict[str, int]]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | inactive
    image_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("images.id", ondelete="SET NULL"))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Sku(IdMixin, Base):
    """Every SKU in use in a store, product-level or variant-level: one unique constraint keeps them unique across
    both (case-insensitively, through `sku_key`). Archiving a product or variant frees its SKUs."""

    __tablename__ = "skus"
    __table_args__ = (SKU_UNIQUE,)

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    sku_key: Mapped[str] = mapped_column(String(64))
    product_id: Mapped[int] = mapped_column(BigId, ForeignKey("products.id", ondelete="CASCADE"), index=True)
    variant_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("product_variants.id", ondelete="CASCADE"), index=True
    )
