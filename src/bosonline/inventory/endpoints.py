"""HTTP routes of /store/inventory (seed items Inventory, Update Inventory, Download Inventory)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from fastapi.responses import StreamingResponse

from bosonline.deps import CatalogRead, CatalogWrite, DbDep, RuntimeDep
from bosonline.inventory.export import inventory_download
from bosonline.inventory.repository import InventoryFilters, MovementFilters
from bosonline.inventory.schemas import (
    MAX_LOW_STOCK_THRESHOLD,
    InventoryListEnvelope,
    InventoryUpdateIn,
    InventoryUpdateOut,
    MovementOut,
    VariantStatus,
)
from bosonline.inventory.service import InventoryService
from bosonline.kit.export import ExportFormat
from bosonline.kit.fields import SearchText, query_id
from bosonline.kit.pagination import PageQuery
from bosonline.kit.schemas import Envelope, ListEnvelope
from bosonline.models.inventory import MovementReason
from bosonline.routing import api_router

router = api_router(prefix="/store/inventory", tags=["Product"])

OptionalId = Annotated[int | None, query_id()]


async def _reader(db: DbDep, runtime: RuntimeDep, ctx: CatalogRead) -> InventoryService:
    return InventoryService(db, runtime, ctx.store_id, actor_user_id=ctx.user_id)


async def _writer(db: DbDep, runtime: RuntimeDep, ctx: CatalogWrite) -> InventoryService:
    return InventoryService(db, runtime, ctx.store_id, actor_user_id=ctx.user_id)


Reader = Annotated[InventoryService, Depends(_reader)]
Writer = Annotated[InventoryService, Depends(_writer)]


async def inventory_filters(
    warehouse_id: Annotated[int | None, query_id("Only this warehouse (one the store ships from).")] = None,
    product_id: Annotated[int | None, query_id("Only this product's variants.")] = None,
    q: Annotated[SearchText | None, Query(description="Product name, variant name or SKU contains (literal).")] = None,
    status: Annotated[VariantStatus | None, Query(description="The variant's status.")] = None,
    low_stock: Annotated[bool, Query(description="Only rows with available ≤ `threshold`.")] = False,
    threshold: Annotated[
        int, Query(ge=0, le=MAX_LOW_STOCK_THRESHOLD, description="Low-stock threshold for `low_stock` (default 5).")
    ] = 5,
    out_of_stock: Annotated[bool, Query(description="Only rows with nothing available.")] = False,
) -> InventoryFilters:
    return InventoryFilters(
        warehouse_id=warehouse_id,
        product_id=product_id,
        q=q,
        status=status,
        low_stock=low_stock,
        threshold=threshold,
        out_of_stock=out_of_stock,
    )


Filters = Annotated[InventoryFilters, Depends(inventory_filters)]


@router.get("", summary="Inventory")
async def list_inventory(service: Reader, filters: Filters, page: PageQuery) -> InventoryListEnvelope:
    """Stock of every live variant in every warehouse the store ships from, one row per (variant, warehouse),
    ordered by variant id then warehouse id. A pair nobody has stocked yet shows 0 on hand and `updated_at` null.
    `available` = `on_hand` − `reserved` (units held by unshipped orders). `meta` adds the row count and the sums
    of on hand, reserved and available over all rows matching the filters."""
    rows, meta = await service.list(filters, page)
    return InventoryListEnvelope(data=rows, meta=meta)


@router.put("", summary="Update Inventory")
async def update_inventory(body: InventoryUpdateIn, service: Writer) -> Envelope[InventoryUpdateOut]:
    """Sets (`set`) or adjusts (`adjust`) the on-hand stock of 1–500 (variant, warehouse) pairs at once, all or
    nothing: when any line is invalid nothing changes and the 422 names each bad line (`lines.<i>.variant_id`:
    not a live variant of this store; `lines.<i>.warehouse_id`: not a warehouse the store ships from;
    `lines.<i>.set|adjust`: would go below what orders have reserved; the same pair twice). Each line that
    changes something writes a movement (reason `adjustment`, or `import`) recording who did it."""
    return Envelope(data=await service.update(body))


@router.get("/movements", summary="Inventory movements")
async def list_movements(
    service: Reader,
    page: PageQuery,
    variant_id: OptionalId = None,
    warehouse_id: OptionalId = None,
    reason: Annotated[MovementReason | None, Query()] = None,
    order_id: OptionalId = None,
) -> ListEnvelope[MovementOut]:
    """Every stock change of the store, newest first: what changed (deltas and the counts after), why (`reason`,
    `note`, the order behind order_* reasons) and who (`actor`; null for the system). `meta.total` is not counted
    (the log grows without bound)."""
    items, next_cursor = await service.movements(
        MovementFilters(variant_id=variant_id, warehouse_id=warehouse_id, reason=reason, order_id=order_id), page
    )
    return ListEnvelope.page(items, next_cursor)


@router.get(
    "/download",
    summary="Download Inventory",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "The file, as an attachment named `inventory-<subdomain>-<YYYYMMDD>.<format>`.",
            "content": {"text/csv": {}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {}},
        }
    },
)
async def download_inventory(
    ctx: CatalogRead,
    runtime: RuntimeDep,
    filters: Filters,
    fmt: Annotated[ExportFormat, Query(alias="format", description="csv (UTF-8 with BOM) or xlsx.")] = "csv",
) -> StreamingResponse:
    """Every row of GET /store/inventory for the same filters, as CSV or XLSX, one column per field of a row:
    variant_id, product_id, product_name, variant_name, sku, status, warehouse_id, warehouse, on_hand, reserved,
    available. The date in the file name is today in the store's time zone."""
    return await inventory_download(runtime.db, ctx.store, filters, fmt, runtime.clock.now())
