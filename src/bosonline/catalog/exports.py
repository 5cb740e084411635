"""Download Product and Download Variant: the catalog as CSV or XLSX, read in batches through a session of the
download's own (the request's session is closed before the body streams)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import select

from bosonline.catalog.repository import CategoryRepository, ProductRepository
from bosonline.kit.export import batched_rows
from bosonline.models import Product, ProductVariant
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext

PRODUCT_HEADER = [
    "product_id", "name", "sku", "slug", "status", "category", "price_min", "price_max", "cogs_min", "cogs_max",
    "variants", "on_hand", "reserved", "available", "weight_g", "created_at_utc", "updated_at_utc",
]  # fmt: skip
VARIANT_HEADER = [
    "variant_id", "product_id", "product_name", "variant_name", "options", "sku", "price", "cogs", "weight_g",
    "wholesale_min_qty", "wholesale_tiers", "status", "product_status", "on_hand", "reserved", "available",
]  # fmt: skip


Rows = AsyncIterator[list[Sequence[Any]]]


def _tiers(tiers: Sequence[dict[str, int]]) -> str:
    return "; ".join(f"{tier['min_qty']}+: {tier['price']}" for tier in tiers)


async def product_rows(
    runtime: Runtime, ctx: StoreContext, *, q: str | None, status: str | None, category_id: int | None
) -> Rows:
    async with runtime.db.session(write=False) as session:
        products = ProductRepository(session, ctx)
        categories = CategoryRepository(session, ctx)
        names = {category.id: category.name for category in await categories.all()}
        stmt = products.filtered(q=q, category_id=category_id, status=status)
        async for batch in batched_rows(session, stmt, Product.id, lambda product: product):
            ids = [product.id for product in batch]
            counts = await products.variant_counts(ids)
            stocks = await products.product_stock_totals(ids)
            rows: list[Sequence[Any]] = []
            for product in batch:
                on_hand, reserved = stocks.get(product.id, (0, 0))
                rows.append([
                    product.id, product.name, product.sku, product.slug, product.status,
                    names.get(product.category_id or 0), product.price_min, product.price_max, product.cogs_min,
                    product.cogs_max, counts.get(product.id, 0), on_hand, reserved, on_hand - reserved,
                    product.weight_g, product.created_at, product.updated_at,
                ])  # fmt: skip
            yield rows


async def variant_rows(
    runtime: Runtime, ctx: StoreContext, *, q: str | None, status: str | None, category_id: int | None
) -> Rows:
    async with runtime.db.session(write=False) as session:
        products = ProductRepository(session, ctx)
        live_products = products.filtered(q=q, category_id=category_id, status=status).subquery()
        # Plain columns, not ORM objects: several times faster to read, and nothing here is edited.
        v = ProductVariant
        stmt = (
            select(
                v.id, v.product_id, live_products.c.name, v.name, v.options, v.sku, v.price, v.cogs, v.weight_g,
                v.wholesale_min_qty, v.wholesale_tiers, v.status, live_products.c.status,
            )
            .join(live_products, live_products.c.id == v.product_id)
            .where(v.store_id == ctx.store_id, v.archived_at.is_(None))
        )  # fmt: skip
        async for batch in batched_rows(session, stmt, v.id, tuple, scalars=False, key_of=lambda row: row[0]):
            stocks = await products.stock_totals(row[0] for row in batch)
            rows: list[Sequence[Any]] = []
            for variant_id, product_id, product_name, name, options, sku, price, cogs, weight, wholesale_min, tiers, \
                    variant_status, product_status in batch:  # fmt: skip
                on_hand, reserved = stocks.get(variant_id, (0, 0))
                rows.append([
                    variant_id, product_id, product_name, name, " / ".join(options), sku, price, cogs, weight,
                    wholesale_min, _tiers(tiers), variant_status, product_status, on_hand, reserved, on_hand - reserved,
                ])  # fmt: skip
            yield rows
