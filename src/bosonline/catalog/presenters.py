"""Response shapes of products and variants, built in a fixed number of queries whatever the page size."""

from __future__ import annotations

from collections.abc import Sequence

from bosonline.catalog.repository import CategoryRepository, ProductRepository
from bosonline.catalog.schemas import (
    CategoryRef,
    ImageOut,
    ProductOut,
    ProductSummaryOut,
    Range,
    StockOut,
    VariantOut,
)
from bosonline.kit.schemas import from_row
from bosonline.media.service import image_urls, images_of_store
from bosonline.models import Image, Product, ProductVariant
from bosonline.runtime import Runtime


def _stock(totals: tuple[int, int] | None) -> StockOut:
    on_hand, reserved = totals or (0, 0)
    return StockOut(on_hand=on_hand, reserved=reserved, available=on_hand - reserved)


class CatalogViews:
    def __init__(self, products: ProductRepository, categories: CategoryRepository, runtime: Runtime) -> None:
        self.products = products
        self.categories = categories
        self.rt = runtime

    def image(self, image: Image | None) -> ImageOut | None:
        if image is None:
            return None
        return ImageOut(id=image.id, **image_urls(image, self.rt))

    async def _category_refs(self, products: Sequence[Product]) -> dict[int, CategoryRef]:
        found = await self.categories.visible_many({product.category_id for product in products if product.category_id})
        return {category.id: CategoryRef(id=category.id, name=category.name) for category in found}

    def _summary_fields(
        self,
        product: Product,
        category: CategoryRef | None,
        thumbnail: Image | None,
        variant_count: int,
        stock: tuple[int, int] | None,
    ) -> dict[str, object]:
        """The summary's fields a product row does not hold as they are shown."""
        return {
            "category": category,
            "thumbnail": self.image(thumbnail),
            "price": Range(min=product.price_min, max=product.price_max),
            "cogs": Range(min=product.cogs_min, max=product.cogs_max),
            "variant_count": variant_count,
            "stock": _stock(stock),
        }

    async def summaries(self, products: Sequence[Product]) -> list[ProductSummaryOut]:
        ids = [product.id for product in products]
        categories = await self._category_refs(products)
        thumbnails = await self.products.first_images(ids)
        counts = await self.products.variant_counts(ids)
        stocks = await self.products.product_stock_totals(ids)
        return [
            from_row(
                ProductSummaryOut,
                product,
                **self._summary_fields(
                    product,
                    categories.get(product.category_id or 0),
                    thumbnails.get(product.id),
                    counts.get(product.id, 0),
                    stocks.get(product.id),
                ),
            )
            for product in products
        ]

    async def variants(self, variants: Sequence[ProductVariant]) -> list[VariantOut]:
        stocks = await self.products.stock_totals(variant.id for variant in variants)
        images = await images_of_store(
            self.products.session, self.products.ctx, {v.image_id for v in variants if v.image_id}
        )
        return [
            from_row(
                VariantOut,
                variant,
                image=self.image(images.get(variant.image_id or 0)),
                stock=_stock(stocks.get(variant.id)),
            )
            for variant in variants
        ]

    async def detail(self, product: Product) -> ProductOut:
        variants = (await self.products.variants_of([product.id]))[product.id]
        variant_outs = await self.variants(variants)
        image_ids = (await self.products.image_ids_of([product.id]))[product.id]
        images = await images_of_store(self.products.session, self.products.ctx, image_ids)
        ordered = [images[image_id] for image_id in image_ids if image_id in images]
        categories = await self._category_refs([product])
        on_hand = sum(variant.stock.on_hand for variant in variant_outs)
        reserved = sum(variant.stock.reserved for variant in variant_outs)
        fields = self._summary_fields(
            product,
            categories.get(product.category_id or 0),
            ordered[0] if ordered else None,
            len(variants),
            (on_hand, reserved),
        )
        return from_row(
            ProductOut,
            product,
            **fields,
            images=[image for image in (self.image(i) for i in ordered) if image is not None],
            variants=variant_outs,
        )
