"""Download Inventory: the listing's rows as a streamed CSV or XLSX file, whatever the store's size.

The body is produced after the request's session has closed, so it reads through a read session of its own. Rows
are (variant × warehouse); the file is built by variant batches (a keyset over variant ids through `batched_rows`),
each expanded against the store's warehouses and Stock rows by the very statement GET /store/inventory uses, so
a download and the listing always agree.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from fastapi.responses import StreamingResponse

from bosonline.db import Database
from bosonline.inventory.repository import InventoryFilters, InventoryRepository
from bosonline.kit.export import BATCH_SIZE, ExportFormat, batched_rows, download_response, filename_stem
from bosonline.models import ProductVariant, Store

# The fields of a GET /store/inventory row, in its order (like the catalog's downloads, named as in the API).
HEADER = (
    "variant_id",
    "product_id",
    "product_name",
    "variant_name",
    "sku",
    "status",
    "warehouse_id",
    "warehouse",
    "on_hand",
    "reserved",
    "available",
)


def _cells(row: Any) -> list[Any]:
    return [
        row.variant_id,
        row.product_id,
        row.product_name,
        row.variant_name,
        row.sku,
        row.status,
        row.warehouse_id,
        row.warehouse_name,
        row.on_hand,
        row.reserved,
        row.available,
    ]


async def inventory_batches(
    db: Database, store_id: int, filters: InventoryFilters, *, batch_size: int = BATCH_SIZE
) -> AsyncIterator[list[Sequence[Any]]]:
    async with db.session(write=False) as session:
        repo = InventoryRepository(session, store_id)
        variants = batched_rows(
            session,
            repo.variant_ids(filters),
            ProductVariant.id,
            lambda row: row,
            batch_size=batch_size,
            scalars=False,
            key_of=lambda row: row.id,
        )
        async for batch in variants:
            rows = await repo.rows_of_variants(filters, batch[0].id, batch[-1].id)
            if rows:
                yield [_cells(row) for row in rows]


async def inventory_download(
    db: Database, store: Store, filters: InventoryFilters, fmt: ExportFormat, now: datetime
) -> StreamingResponse:
    stem = filename_stem("inventory", store.subdomain or str(store.id), now, store.timezone)
    return await download_response(fmt, stem, HEADER, inventory_batches(db, store.id, filters))
