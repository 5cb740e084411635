"""HTTP routes of /store/product and its variants (seed group Product)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Literal, TypeAlias

from fastapi import Depends, Query, status
from fastapi.responses import StreamingResponse

from bosonline.catalog import exports
from bosonline.catalog.errors import CatalogError
from bosonline.catalog.repository import SORTS
from bosonline.catalog.schemas import (
    ProductDeletedOut,
    ProductEditOut,
    ProductIn,
    ProductListOut,
    ProductOut,
    Sku,
    SkuCheckOut,
    StatusIn,
    VariantOut,
    VariantUpdateIn,
)
from bosonline.catalog.service import ProductService
from bosonline.deps import CatalogRead, RuntimeDep, query_parameters, store_service
from bosonline.errors import CommonError, error_responses
from bosonline.kit.export import ExportFormat, FormatQuery, download_response, filename_stem
from bosonline.kit.fields import SearchText, path_id, query_id
from bosonline.kit.pagination import PageQuery
from bosonline.kit.schemas import Envelope
from bosonline.media.errors import MediaError
from bosonline.permissions import Permission
from bosonline.routing import api_router
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext

router = api_router(prefix="/store/product", tags=["Product"])

ProductId = Annotated[int, path_id("Product id.")]
VariantId = Annotated[int, path_id("Variant id.")]


if TYPE_CHECKING:
    ProductSort: TypeAlias = str  # one of SORTS: a Literal built at run time, which type checkers cannot read
else:
    ProductSort = Literal[tuple(SORTS)]  # the sorts the repository knows
Reader = Annotated[ProductService, store_service(ProductService, Permission.catalog_read)]
Writer = Annotated[ProductService, store_service(ProductService, Permission.catalog_write)]


@dataclass(frozen=True)
class ProductFilters:
    """The list's filters: a dependency, FastAPI reads each field from the query."""

    q: Annotated[SearchText | None, Query(description="Name or SKU contains.")] = None
    status: Annotated[Literal["active", "inactive"] | None, Query(description="Publish status.")] = None
    category_id: Annotated[int | None, query_id()] = None


Filters = Annotated[ProductFilters, Depends(query_parameters(ProductFilters))]

_WRITE_ERRORS = (
    CommonError.not_found,
    CatalogError.category_not_found,
    MediaError.image_not_found,
    CatalogError.sku_taken,
    CatalogError.slug_taken,
)


@router.get("", summary="Product List")
async def list_products(
    service: Reader,
    page: PageQuery,
    filters: Filters,
    sort: Annotated[ProductSort, Query(description="Order of the list.")] = "newest",
) -> ProductListOut:
    """Products of the store with price and COGS ranges, variant count and stock over the store's warehouses.
    `meta.counts` gives the number per status for the same search and category (for the status tabs)."""
    return await service.list(page, q=filters.q, status=filters.status, category_id=filters.category_id, sort=sort)


@router.post("", status_code=status.HTTP_201_CREATED, summary="product", responses=error_responses(*_WRITE_ERRORS))
async def create_product(body: ProductIn, service: Writer) -> Envelope[ProductOut]:
    """Creates a product with its variants and images in one call. With attributes (at most 3, e.g. `Ukuran`
    and `Warna`), send one variant per combination of their items (at most 100); without, exactly one variant
    with `options: []`. Variant weight and dimensions default to the product's."""
    return Envelope(data=await service.create(body))


@dataclass(frozen=True)
class Download:
    """What a download route reads: who asks, the list's filters and the file format."""

    ctx: StoreContext
    runtime: Runtime
    filters: ProductFilters
    format: ExportFormat

    async def stream(self, kind: str, header: list[str], rows_of: Callable[..., exports.Rows]) -> StreamingResponse:
        """The rows `rows_of` reads for the filters, streamed as a file named for `kind`, the store and now."""
        ctx, filters = self.ctx, self.filters
        rows = rows_of(self.runtime, ctx, q=filters.q, status=filters.status, category_id=filters.category_id)
        label = ctx.store.subdomain or str(ctx.store_id)
        stem = filename_stem(kind, label, self.runtime.clock.now(), ctx.store.timezone)
        return await download_response(self.format, stem, header, rows)


async def download_params(
    ctx: CatalogRead, runtime: RuntimeDep, filters: Filters, format: FormatQuery = "csv"
) -> Download:
    return Download(ctx, runtime, filters, format)


DownloadParams = Annotated[Download, Depends(download_params)]


@router.get("/download", summary="Download Product (Product List)", response_class=StreamingResponse)
async def download_products(download: DownloadParams) -> StreamingResponse:
    """Every product matching the list's filters, one row each, streamed (any catalog size)."""
    return await download.stream("products", exports.PRODUCT_HEADER, exports.product_rows)


@router.get("/variant/download", summary="Download Variant", response_class=StreamingResponse)
async def download_variants(download: DownloadParams) -> StreamingResponse:
    """Every variant of the products matching the filters, one row each with its stock, streamed."""
    return await download.stream("variants", exports.VARIANT_HEADER, exports.variant_rows)


@router.get("/sku/check", summary="Cek SKU")
async def check_sku(
    service: Reader,
    sku: Annotated[Sku, Query()],
    exclude_product_id: Annotated[
        int | None, query_id("The product being edited: its own SKUs count as available.")
    ] = None,
) -> Envelope[SkuCheckOut]:
    """Whether a SKU is free in the store (case-insensitively), or which product and variant hold it."""
    return Envelope(data=await service.check_sku(sku, exclude_product_id))


@router.get("/{product_id:int}", summary="Product Detail")
async def get_product(product_id: ProductId, service: Reader) -> Envelope[ProductOut]:
    return Envelope(data=await service.get(product_id))


@router.get("/{product_id:int}/edit", summary="Get Edit Product")
async def edit_product_form(product_id: ProductId, service: Writer) -> Envelope[ProductEditOut]:
    """The product as the edit form shows it (variant ids included), the categories it can be put in, and the
    bounds the form should enforce."""
    return Envelope(data=await service.edit_form(product_id))


@router.put(
    "/{product_id:int}",
    summary="Edit Product Detail (Product Detail)",
    responses=error_responses(*_WRITE_ERRORS, CatalogError.variant_has_stock),
)
async def update_product(product_id: ProductId, body: ProductIn, service: Writer) -> Envelope[ProductOut]:
    """Replaces the product and its variants. A variant keeps its id and stock when sent with its `id`, or
    when its options are unchanged; variants left out are removed (refused while they hold stock); new
    combinations become new variants. `slug` left out keeps the current one."""
    return Envelope(data=await service.update(product_id, body))


@router.delete("/{product_id:int}", summary="Delete Product")
async def delete_product(product_id: ProductId, service: Writer) -> Envelope[ProductDeletedOut]:
    """Erases a product no order refers to, with its variants and stock. A product that was ordered is archived
    instead: hidden from every list, its slug and SKUs freed, kept only for its orders (which hold their own
    snapshot of names and prices)."""
    return Envelope(data=await service.delete(product_id))


@router.patch("/{product_id:int}/status", summary="Edit Status Product (Product List)")
async def set_product_status(product_id: ProductId, body: StatusIn, service: Writer) -> Envelope[ProductOut]:
    """`inactive` products are not offered on checkout forms."""
    return Envelope(data=await service.set_status(product_id, body.status))


@router.post("/{product_id:int}/duplicate", status_code=status.HTTP_201_CREATED, summary="Duplicate Product")
async def duplicate_product(product_id: ProductId, service: Writer) -> Envelope[ProductOut]:
    """A copy named `… (copy)` with the same details, variants, images and category, but no SKUs (they are
    unique) and no stock, `inactive` until published."""
    return Envelope(data=await service.duplicate(product_id))


@router.get("/{product_id:int}/variant", summary="Product Variant")
async def list_variants(product_id: ProductId, service: Reader) -> Envelope[list[VariantOut]]:
    """The product's variants in order, each with its stock over the store's warehouses."""
    return Envelope(data=await service.variants(product_id))


@router.put(
    "/variant/{variant_id:int}",
    summary="Update Variant",
    responses=error_responses(CatalogError.sku_taken),
)
async def update_variant(variant_id: VariantId, body: VariantUpdateIn, service: Writer) -> Envelope[VariantOut]:
    """Replaces one variant's name, SKU, price, COGS, weight, dimensions, wholesale tiers, status and image.
    Its options belong to the product (edit them with Edit Product Detail)."""
    return Envelope(data=await service.update_variant(variant_id, body))


@router.patch("/variant/{variant_id:int}/status", summary="Edit Status Variant (Product Detail)")
async def set_variant_status(variant_id: VariantId, body: StatusIn, service: Writer) -> Envelope[VariantOut]:
    """`inactive` variants stay in the catalog but cannot be ordered."""
    return Envelope(data=await service.set_variant_status(variant_id, body.status))
