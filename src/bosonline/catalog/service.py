"""Rules of products and their variants: validation against the store, SKUs, slugs, variant identity on edit."""

from __future__ import annotations

import builtins
import re
import unicodedata
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.catalog import variants as rules
from bosonline.catalog.category_service import CategoryService
from bosonline.catalog.errors import CatalogError
from bosonline.catalog.presenters import CatalogViews
from bosonline.catalog.repository import CategoryRepository, ProductRepository
from bosonline.catalog.schemas import (
    MAX_ATTRIBUTE_ITEMS,
    MAX_ATTRIBUTES,
    MAX_IMAGES,
    MAX_VARIANTS,
    MAX_WHOLESALE_TIERS,
    ProductDeletedOut,
    ProductEditOut,
    ProductIn,
    ProductListMeta,
    ProductListOut,
    ProductOut,
    ProductStatusCounts,
    SkuCheckOut,
    VariantFields,
    VariantIn,
    VariantOut,
)
from bosonline.errors import Conflict, NotFound, ValidationFailed, conflict_for, found
from bosonline.kit.attributes import attributes
from bosonline.kit.pagination import PageParams
from bosonline.media.errors import MediaError
from bosonline.media.service import images_of_store
from bosonline.models import Product, ProductVariant
from bosonline.models.catalog import PRODUCT_SLUG_UNIQUE, SKU_UNIQUE
from bosonline.runtime import Runtime
from bosonline.tenancy import ScopedService, StoreContext

_SLUG_CHARS = re.compile(r"[^a-z0-9]+")
# What a duplicated product and its variants take from the original (not the name, slug, SKUs or status).
_PRODUCT_COPIED = ("description", "category_id", "weight_g", "length_cm", "width_cm", "height_cm", "attributes")
_VARIANT_COPIED = (
    "options", "position", "name", "price", "cogs", "weight_g", "length_cm", "width_cm", "height_cm",
    "wholesale_min_qty", "wholesale_tiers", "status", "image_id",
)  # fmt: skip


def slugify(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = _SLUG_CHARS.sub("-", ascii_name.lower()).strip("-")[:100].rstrip("-")
    return slug or "produk"


class ProductService(ScopedService):
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        super().__init__(session, runtime, ctx)
        self.repo = ProductRepository(session, ctx)
        self.categories = CategoryRepository(session, ctx)
        self.views = CatalogViews(self.repo, self.categories, runtime)

    # --- reads ------------------------------------------------------------------------------------------------

    async def list(
        self, params: PageParams, *, q: str | None, status: str | None, category_id: int | None, sort: str
    ) -> ProductListOut:
        page = await self.repo.page(params, q=q, status=status, category_id=category_id, sort=sort)
        counts = await self.repo.status_counts(q=q, category_id=category_id)
        by_status = ProductStatusCounts(
            all=sum(counts.values()), active=counts.get("active", 0), inactive=counts.get("inactive", 0)
        )
        total = by_status.all if status is None else counts.get(status, 0)
        return ProductListOut(
            data=await self.views.summaries(page.items),
            meta=ProductListMeta(next_cursor=page.next_cursor, total=total, counts=by_status),
        )

    async def get(self, product_id: int) -> ProductOut:
        return await self.views.detail(await self._product(product_id))

    async def edit_form(self, product_id: int) -> ProductEditOut:
        product = await self.views.detail(await self._product(product_id))
        categories = await CategoryService(self.session, self.rt, self.ctx).list(status="active")
        limits = {
            "variants": MAX_VARIANTS,
            "attributes": MAX_ATTRIBUTES,
            "attribute_items": MAX_ATTRIBUTE_ITEMS,
            "images": MAX_IMAGES,
            "wholesale_tiers": MAX_WHOLESALE_TIERS,
        }
        return ProductEditOut(product=product, categories=categories, limits=limits)

    async def variants(self, product_id: int) -> builtins.list[VariantOut]:
        product = await self._product(product_id)
        variants = (await self.repo.variants_of([product.id]))[product.id]
        return await self.views.variants(variants)

    async def check_sku(self, sku: str, exclude_product_id: int | None) -> SkuCheckOut:
        holder = (await self.repo.sku_holders([sku.upper()])).get(sku.upper())
        if holder is None or holder.product_id == exclude_product_id:
            return SkuCheckOut(sku=sku, available=True)
        product_name, variant_name = await self.repo.sku_names(holder)
        return SkuCheckOut(
            sku=sku,
            available=False,
            product_id=holder.product_id,
            variant_id=holder.variant_id,
            product_name=product_name,
            variant_name=variant_name,
        )

    # --- writes -----------------------------------------------------------------------------------------------

    async def create(self, data: ProductIn) -> ProductOut:
        await self._check_references(data)
        now = self.rt.clock.now()
        product = Product(
            name=data.name,
            slug=await self._slug(data.slug, data.name, product_id=None),
            created_at=now,
            updated_at=now,
        )
        self._apply_product_fields(product, data)
        await self.repo.insert(product)
        variants = [
            self._new_variant(product, data, variant, position, now) for position, variant in enumerate(data.variants)
        ]
        await self.repo.insert_all(variants)
        await self._finish(product, data, variants)
        return await self.views.detail(product)

    async def update(self, product_id: int, data: ProductIn) -> ProductOut:
        product = await self._product(product_id, for_update=True)
        await self._check_references(data, product_id=product.id)
        now = self.rt.clock.now()
        if data.slug and data.slug != product.slug:
            product.slug = await self._slug(data.slug, data.name, product_id=product.id)
        product.name = data.name
        self._apply_product_fields(product, data)
        product.updated_at = now
        existing = (await self.repo.variants_of([product.id]))[product.id]
        kept, removed = self._match_variants(existing, data.variants)
        if blocked := await self.repo.variants_with_stock([variant.id for variant in removed]):
            names = ", ".join(variant.name for variant in removed if variant.id in blocked)
            raise Conflict(
                f"Variants still holding stock cannot be removed ({names}); set their stock to 0 or mark them inactive",
                code=CatalogError.variant_has_stock,
            )
        for variant in removed:
            variant.archived_at = now
            variant.status = "inactive"
            variant.updated_at = now
        variants: list[ProductVariant] = []
        for position, variant_in in enumerate(data.variants):
            current = kept.get(position)
            if current is None:
                variants.append(self._new_variant(product, data, variant_in, position, now))
                continue
            current.options = rules.canonical_options(data.attributes, variant_in.options)
            current.position = position
            self._apply_variant_fields(current, variant_in, product, now)
            variants.append(current)
        await self.repo.insert_all([variant for variant in variants if variant.id is None])
        await self._finish(product, data, variants)
        return await self.views.detail(product)

    async def update_variant(self, variant_id: int, data: VariantFields) -> VariantOut:
        variant = await self._variant(variant_id)
        product = await self._product(variant.product_id, for_update=True)
        await self._check_images([("image_id", data.image_id)] if data.image_id else [])
        siblings = (await self.repo.variants_of([product.id]))[product.id]
        if data.sku:  # the registry holds the product's own SKU and its other variants' too
            await self._check_skus_free([("sku", data.sku)], product_id=product.id, variant_id=variant.id)
        self._apply_variant_fields(variant, data, product, self.rt.clock.now())
        await self._sync_product(product, siblings)
        return (await self.views.variants([variant]))[0]

    async def set_variant_status(self, variant_id: int, status: str) -> VariantOut:
        variant = await self._variant(variant_id)
        product = await self._product(variant.product_id, for_update=True)
        variant.status = status
        variant.updated_at = self.rt.clock.now()
        await self._sync_product(product, (await self.repo.variants_of([product.id]))[product.id])
        return (await self.views.variants([variant]))[0]

    async def set_status(self, product_id: int, status: str) -> ProductOut:
        product = await self._product(product_id)
        await self._set_status(product, status, touch_unchanged=True)
        return await self.views.detail(product)

    async def delete(self, product_id: int) -> ProductDeletedOut:
        product = await self._product(product_id, for_update=True)
        if not await self.repo.is_referenced(product.id):
            await self.repo.erase(product)
            return ProductDeletedOut(id=product_id, archived=False)
        now = self.rt.clock.now()
        # Orders keep their own snapshot; the archived row stays only so that order lines, stock history, forms
        # and vouchers can still point at it (a voucher limited to it must not become an all-products one). Its slug and SKUs are freed for new products.
        product.archived_at, product.slug, product.status, product.updated_at = now, None, "inactive", now
        for variant in (await self.repo.variants_of([product.id]))[product.id]:
            variant.archived_at, variant.status, variant.updated_at = now, "inactive", now
        await self.repo.replace_skus(product.id, [])
        return ProductDeletedOut(id=product_id, archived=True)

    async def duplicate(self, product_id: int) -> ProductOut:
        """A copy to edit: same details, variants, images and category; no SKUs (they are unique), no stock,
        `inactive` until the seller publishes it."""
        source = await self._product(product_id)
        now = self.rt.clock.now()
        copy = Product(
            name=f"{source.name[:193]} (copy)",
            slug=await self._slug(None, f"{source.slug or slugify(source.name)}-copy", product_id=None),
            status="inactive",
            created_at=now,
            updated_at=now,
            **attributes(source, _PRODUCT_COPIED),
        )
        await self.repo.insert(copy)
        variants = [
            ProductVariant(
                product_id=copy.id, sku=None, created_at=now, updated_at=now, **attributes(variant, _VARIANT_COPIED)
            )
            for variant in (await self.repo.variants_of([source.id]))[source.id]
        ]
        await self.repo.insert_all(variants)
        await self.repo.replace_images(copy.id, (await self.repo.image_ids_of([source.id]))[source.id])
        await self._sync_product(copy, variants)
        return await self.views.detail(copy)

    # --- helpers ----------------------------------------------------------------------------------------------

    async def _product(self, product_id: int, *, for_update: bool = False) -> Product:
        return found(await self.repo.get(product_id, for_update=for_update))

    async def _variant(self, variant_id: int) -> ProductVariant:
        return found(await self.repo.variant(variant_id))

    async def _check_references(self, data: ProductIn, *, product_id: int | None = None) -> None:
        errors = rules.combination_errors(data.attributes, data.variants) | rules.sku_errors(data.sku, data.variants)
        if errors:
            raise ValidationFailed(fields=errors)
        if data.category_id is not None:
            category = await self.categories.visible(data.category_id)
            if category is None or category.status != "active":
                raise NotFound(
                    code=CatalogError.category_not_found, fields={"category_id": "is not a category of this store"}
                )
        image_fields = [(f"image_ids.{i}", image_id) for i, image_id in enumerate(data.image_ids)]
        image_fields += [(f"variants.{i}.image_id", v.image_id) for i, v in enumerate(data.variants) if v.image_id]
        await self._check_images(image_fields)
        skus = [("sku", data.sku)] if data.sku else []
        skus += [(f"variants.{i}.sku", v.sku) for i, v in enumerate(data.variants) if v.sku]
        await self._check_skus_free(skus, product_id=product_id)

    async def _check_images(self, image_fields: Sequence[tuple[str, int]]) -> None:
        """404 `image_not_found` naming the field, unless every image is an upload of this store (one query)."""
        found = await images_of_store(self.session, self.ctx, [image_id for _, image_id in image_fields])
        if missing := [(field, image_id) for field, image_id in image_fields if image_id not in found]:
            field, image_id = missing[0]
            raise NotFound(
                code=MediaError.image_not_found, fields={field: f"image {image_id} is not an upload of this store"}
            )

    async def _check_skus_free(
        self, skus: Sequence[tuple[str, str]], *, product_id: int | None, variant_id: int | None = None
    ) -> None:
        """409 `sku_taken` naming the field, when another product (or, for one variant, another variant) holds a
        SKU. The product's own SKUs are free for it: they are re-registered after the edit."""
        holders = await self.repo.sku_holders(sku.upper() for _, sku in skus)
        for field, sku in skus:
            holder = holders.get(sku.upper())
            if (
                holder is None
                or holder.product_id == product_id
                and (variant_id is None or holder.variant_id == variant_id)
            ):
                continue
            conflict = conflict_for(SKU_UNIQUE)
            conflict.fields = {field: f"{sku} is already used in the store"}
            raise conflict

    async def _slug(self, wanted: str | None, name: str, *, product_id: int | None) -> str:
        if wanted:
            holder = await self.repo.slug_holder(wanted)
            if holder is not None and holder != product_id:
                raise conflict_for(PRODUCT_SLUG_UNIQUE)
            return wanted
        base = slugify(name)
        taken = await self.repo.slugs_like(base)
        if base not in taken:
            return base
        number = 2
        while f"{base}-{number}" in taken:
            number += 1
        return f"{base}-{number}"

    def _match_variants(
        self, existing: builtins.list[ProductVariant], wanted: builtins.list[VariantIn]
    ) -> tuple[dict[int, ProductVariant], builtins.list[ProductVariant]]:
        """Which existing variant each wanted one continues (by `id`, else by its options), and which existing
        variants are no longer wanted. A variant keeps its id, and so its stock, across edits."""
        by_id = {variant.id: variant for variant in existing}
        by_options = {rules.option_key(variant.options): variant for variant in existing}
        claimed: set[int] = set()
        kept: dict[int, ProductVariant] = {}
        errors: dict[str, str] = {}
        for position, variant_in in enumerate(wanted):
            if variant_in.id is not None:
                match = by_id.get(variant_in.id)
                if match is None:
                    errors[f"variants.{position}.id"] = "is not a variant of this product"
                    continue
            else:
                match = by_options.get(rules.option_key(variant_in.options))
                if match is None or match.id in claimed:
                    continue
            if match.id in claimed:
                errors[f"variants.{position}.id"] = "is given to two variants"
                continue
            claimed.add(match.id)
            kept[position] = match
        if errors:
            raise ValidationFailed(fields=errors)
        return kept, [variant for variant in existing if variant.id not in claimed]

    def _apply_product_fields(self, product: Product, data: ProductIn) -> None:
        product.description = data.description
        product.category_id = data.category_id
        product.sku = data.sku
        product.status = data.status
        product.weight_g = data.weight_g
        product.length_cm, product.width_cm, product.height_cm = data.length_cm, data.width_cm, data.height_cm
        product.attributes = [{"name": a.name, "items": list(a.items)} for a in data.attributes]

    def _new_variant(
        self, product: Product, data: ProductIn, variant_in: VariantIn, position: int, now: datetime
    ) -> ProductVariant:
        variant = ProductVariant(
            product_id=product.id,
            options=rules.canonical_options(data.attributes, variant_in.options),
            position=position,
            created_at=now,
        )
        self._apply_variant_fields(variant, variant_in, product, now)
        return variant

    def _apply_variant_fields(
        self, variant: ProductVariant, data: VariantFields, product: Product, now: datetime
    ) -> None:
        variant.name = rules.variant_name(variant.options, data.name)
        variant.sku = data.sku
        variant.price, variant.cogs = data.price, data.cogs
        variant.weight_g = data.weight_g or product.weight_g
        variant.length_cm = data.length_cm or product.length_cm
        variant.width_cm = data.width_cm or product.width_cm
        variant.height_cm = data.height_cm or product.height_cm
        variant.wholesale_min_qty = data.wholesale_min_qty
        variant.wholesale_tiers = [tier.model_dump() for tier in data.wholesale_tiers]
        variant.status = data.status
        variant.image_id = data.image_id
        variant.updated_at = now

    async def _finish(self, product: Product, data: ProductIn, variants: builtins.list[ProductVariant]) -> None:
        await self.repo.replace_images(product.id, list(data.image_ids))
        await self._sync_product(product, variants)

    async def _sync_product(self, product: Product, variants: Sequence[ProductVariant]) -> None:
        """Re-derive what the product keeps about its live variants: price and COGS ranges, and the SKU registry."""
        live = [variant for variant in variants if variant.archived_at is None]
        product.price_min, product.price_max, product.cogs_min, product.cogs_max = rules.price_ranges(live)
        await self.session.flush()
        entries: list[tuple[str, int | None]] = [(product.sku, None)] if product.sku else []
        entries += [(variant.sku, variant.id) for variant in live if variant.sku]
        await self.repo.replace_skus(product.id, entries)
