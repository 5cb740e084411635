"""All SQL of categories, products, variants and SKUs. Every statement starts from the request's store."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, delete, func, or_, select

from bosonline.kit.pagination import Page, PageParams, keyset_page
from bosonline.models import (
    Category,
    FormItem,
    Image,
    InventoryMovement,
    OrderLine,
    Product,
    ProductImage,
    ProductVariant,
    Sku,
    Stock,
    VoucherProduct,
)
from bosonline.tenancy import RowRepository, ScopedRepository

SORTS: dict[str, tuple[list[Any], bool]] = {
    "newest": ([Product.id], True),
    "oldest": ([Product.id], False),
    "name_asc": ([Product.name, Product.id], False),
    "name_desc": ([Product.name, Product.id], True),
    "price_asc": ([Product.price_min, Product.id], False),
    "price_desc": ([Product.price_min, Product.id], True),
}


class CategoryRepository(ScopedRepository):
    def _visible(self) -> Select[Category]:
        """The store's own categories and the platform's defaults."""
        return select(Category).where(or_(Category.store_id == self.ctx.store_id, Category.store_id.is_(None)))

    async def all(self, *, status: str | None = None) -> list[Category]:
        stmt = self._visible()
        if status:
            stmt = stmt.where(Category.status == status)
        # The store's own first, by name; then the defaults in their fixed order.
        stmt = stmt.order_by(Category.store_id.is_(None), Category.position, Category.name_key)
        return list((await self.session.scalars(stmt)).all())

    async def visible(self, category_id: int) -> Category | None:
        return await self.session.scalar(self._visible().where(Category.id == category_id))

    async def visible_many(self, category_ids: Iterable[int]) -> list[Category]:
        ids = list(category_ids)
        if not ids:
            return []
        return list((await self.session.scalars(self._visible().where(Category.id.in_(ids)))).all())

    async def own(self, category_id: int) -> Category | None:
        return await self.session.scalar(self.scoped(Category).where(Category.id == category_id))

    async def by_name(self, name_key: str) -> Category | None:
        return await self.session.scalar(self._visible().where(Category.name_key == name_key).limit(1))

    async def count_own(self) -> int:
        return await self.count_of(Category)

    def _live_products(self) -> Select[int]:
        return select(func.count()).where(Product.store_id == self.ctx.store_id, Product.archived_at.is_(None))

    async def product_counts(self) -> dict[int, int]:
        rows = await self.session.execute(
            self._live_products()
            .add_columns(Product.category_id)
            .where(Product.category_id.is_not(None))
            .group_by(Product.category_id)
        )
        return {category_id: count for count, category_id in rows.all()}

    async def product_count(self, category_id: int) -> int:
        return int(await self.session.scalar(self._live_products().where(Product.category_id == category_id)) or 0)

    async def release_from_archived_products(self, category_id: int) -> None:
        """Archived products keep no category, so that the category can be deleted."""
        await self.session.execute(
            Product.__table__.update()
            .where(Product.store_id == self.ctx.store_id, Product.category_id == category_id)
            .where(Product.archived_at.is_not(None))
            .values(category_id=None)
        )

    async def delete(self, category: Category) -> None:
        await self.session.delete(category)
        await self.session.flush()


def _matches(q: str, store_id: int) -> ColumnElement[bool]:
    """Name contains `q`, or one of the product's SKUs (product or variant level) contains it; literally."""
    sku_holders = select(Sku.product_id).where(
        Sku.store_id == store_id, Sku.sku_key.contains(q.upper(), autoescape=True)
    )
    return or_(func.lower(Product.name).contains(q.lower(), autoescape=True), Product.id.in_(sku_holders))


_STOCK_SUMS = (func.sum(Stock.on_hand), func.sum(Stock.reserved))


class ProductRepository(RowRepository[Product]):
    model = Product

    def rows(self) -> Select[Product]:
        """Live products: archived ones (kept for the orders that name them) are invisible."""
        return self.scoped(Product).where(Product.archived_at.is_(None))

    def filtered(self, *, q: str | None, category_id: int | None, status: str | None = None) -> Select[Product]:
        """Live products matching a list's search, category and status (used by lists, counts and downloads)."""
        stmt = self.rows()
        if q:
            stmt = stmt.where(_matches(q, self.ctx.store_id))
        if category_id:
            stmt = stmt.where(Product.category_id == category_id)
        if status:
            stmt = stmt.where(Product.status == status)
        return stmt

    async def page(
        self, params: PageParams, *, q: str | None, status: str | None, category_id: int | None, sort: str
    ) -> Page[Product]:
        stmt = self.filtered(q=q, category_id=category_id, status=status)
        keys, descending = SORTS[sort]
        return await keyset_page(self.session, stmt, keys, params, descending=descending)

    async def status_counts(self, *, q: str | None, category_id: int | None) -> dict[str, int]:
        filtered = self.filtered(q=q, category_id=category_id).subquery()
        rows = await self.session.execute(select(filtered.c.status, func.count()).group_by(filtered.c.status))
        return dict(rows.all())

    async def slugs_like(self, base: str) -> set[str]:
        rows = await self.session.scalars(
            select(Product.slug).where(
                Product.store_id == self.ctx.store_id, Product.slug.startswith(base, autoescape=True)
            )
        )
        return {slug for slug in rows.all() if slug}

    async def slug_holder(self, slug: str) -> int | None:
        return await self.session.scalar(
            select(Product.id).where(Product.store_id == self.ctx.store_id, Product.slug == slug)
        )

    # --- variants ---------------------------------------------------------------------------------------------

    async def variants_of(self, product_ids: Iterable[int]) -> dict[int, list[ProductVariant]]:
        live = self.scoped(ProductVariant).where(ProductVariant.archived_at.is_(None))
        in_order = live.order_by(ProductVariant.product_id, ProductVariant.position, ProductVariant.id)
        return await self.grouped(in_order, ProductVariant.product_id, product_ids)

    async def variant(self, variant_id: int) -> ProductVariant | None:
        return await self.session.scalar(
            self.scoped(ProductVariant)
            .join(Product, Product.id == ProductVariant.product_id)
            .where(ProductVariant.id == variant_id, ProductVariant.archived_at.is_(None), Product.archived_at.is_(None))
        )

    async def stock_totals(self, variant_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
        """(on hand, reserved) of each variant over the store's warehouses."""
        return await self._stock_sums(select(Stock.variant_id, *_STOCK_SUMS), Stock.variant_id, variant_ids)

    async def product_stock_totals(self, product_ids: Iterable[int]) -> dict[int, tuple[int, int]]:
        """(on hand, reserved) of each product's live variants over the store's warehouses."""
        stmt = (
            select(ProductVariant.product_id, *_STOCK_SUMS)
            .join(Stock, Stock.variant_id == ProductVariant.id)
            .where(ProductVariant.archived_at.is_(None))
        )
        return await self._stock_sums(stmt, ProductVariant.product_id, product_ids)

    async def _stock_sums(
        self, stmt: Select[*tuple[Any, ...]], key: Any, ids: Iterable[int]
    ) -> dict[int, tuple[int, int]]:
        """`stmt` (key, on hand sum, reserved sum) over the store's stock rows, for each `key` among `ids`."""
        wanted = list(ids)
        if not wanted:
            return {}
        rows = await self.session.execute(
            stmt.where(Stock.store_id == self.ctx.store_id, key.in_(wanted)).group_by(key)
        )
        return {found: (int(on_hand or 0), int(reserved or 0)) for found, on_hand, reserved in rows.all()}

    async def variant_counts(self, product_ids: Iterable[int]) -> dict[int, int]:
        return await self.count_per(ProductVariant.product_id, product_ids, ProductVariant.archived_at.is_(None))

    async def variants_with_stock(self, variant_ids: Iterable[int]) -> set[int]:
        ids = list(variant_ids)
        if not ids:
            return set()
        rows = await self.session.scalars(
            select(Stock.variant_id)
            .where(Stock.store_id == self.ctx.store_id, Stock.variant_id.in_(ids))
            .where(or_(Stock.on_hand > 0, Stock.reserved > 0))
        )
        return set(rows.all())

    async def is_referenced(self, product_id: int) -> bool:
        """Whether erasing the product would change something else: an order (its lines, or the order movements
        checkout writes), a voucher limited to it (it would silently apply to everything), or a checkout form."""
        ordered = (
            select(InventoryMovement.id)
            .join(ProductVariant, ProductVariant.id == InventoryMovement.variant_id)
            .where(InventoryMovement.store_id == self.ctx.store_id, ProductVariant.product_id == product_id)
            .where(InventoryMovement.order_id.is_not(None))
            .exists()
        )
        referenced = or_(
            ordered,
            select(OrderLine.id).where(OrderLine.product_id == product_id).exists(),
            select(VoucherProduct.voucher_id).where(VoucherProduct.product_id == product_id).exists(),
            select(FormItem.id).where(FormItem.product_id == product_id).exists(),
        )
        return bool(await self.session.scalar(select(referenced)))

    # --- SKUs -------------------------------------------------------------------------------------------------

    async def sku_holders(self, sku_keys: Iterable[str]) -> dict[str, Sku]:
        keys = list(sku_keys)
        if not keys:
            return {}
        rows = await self.session.scalars(self.scoped(Sku).where(Sku.sku_key.in_(keys)))
        return {row.sku_key: row for row in rows.all()}

    async def replace_skus(self, product_id: int, entries: list[tuple[str, int | None]]) -> None:
        """The product's SKUs become `entries` ((sku, variant id or None for the product's own))."""
        await self.session.execute(delete(Sku).where(Sku.store_id == self.ctx.store_id, Sku.product_id == product_id))
        await self.insert_all(
            [Sku(sku_key=sku.upper(), product_id=product_id, variant_id=variant_id) for sku, variant_id in entries]
        )

    async def sku_names(self, holder: Sku) -> tuple[str | None, str | None]:
        row = (
            await self.session.execute(
                select(Product.name, ProductVariant.name)
                .select_from(Product)
                .outerjoin(ProductVariant, ProductVariant.id == holder.variant_id)
                .where(Product.id == holder.product_id)
            )
        ).first()
        return (row[0], row[1]) if row else (None, None)

    # --- images -----------------------------------------------------------------------------------------------

    async def image_ids_of(self, product_ids: Iterable[int]) -> dict[int, list[int]]:
        ids = list(product_ids)
        found: dict[int, list[int]] = {product_id: [] for product_id in ids}
        if not ids:
            return found
        rows = await self.session.execute(
            select(ProductImage.product_id, ProductImage.image_id)
            .where(ProductImage.product_id.in_(ids))
            .order_by(ProductImage.product_id, ProductImage.position)
        )
        for product_id, image_id in rows.all():
            found[product_id].append(image_id)
        return found

    async def first_images(self, product_ids: Iterable[int]) -> dict[int, Image]:
        ids = list(product_ids)
        if not ids:
            return {}
        rows = await self.session.execute(
            select(ProductImage.product_id, Image)
            .join(Image, Image.id == ProductImage.image_id)
            .where(ProductImage.product_id.in_(ids), ProductImage.position == 0)
        )
        return dict(rows.all())

    async def replace_images(self, product_id: int, image_ids: list[int]) -> None:
        await self.session.execute(delete(ProductImage).where(ProductImage.product_id == product_id))
        await self.insert_all(
            [
                ProductImage(product_id=product_id, position=position, image_id=iid)
                for position, iid in enumerate(image_ids)
            ]
        )

    async def erase(self, product: Product) -> None:
        await self.session.delete(product)
        await self.session.flush()
