"""HTTP routes of Recap Product (the seed's Store → Recap Product): the ranking, a page at a time, and its file."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query
from fastapi.responses import StreamingResponse

from bosonline.deps import RuntimeDep, require, store_service
from bosonline.errors import error_responses
from bosonline.kit.export import FormatQuery, download_response
from bosonline.kit.pagination import PageQuery
from bosonline.permissions import Permission
from bosonline.report.periods import PERIOD_CODES
from bosonline.report.product_recap_repository import ProductSort, SortOrder
from bosonline.report.product_recap_schemas import ProductRecapPage
from bosonline.report.product_recap_service import HEADER, ProductRecapService, download
from bosonline.report.recap_period import PeriodQuery
from bosonline.routing import api_router
from bosonline.tenancy import StoreContext

router = api_router(prefix="/store/recap", tags=["Store"])

Recapper = Annotated[ProductRecapService, store_service(ProductRecapService, Permission.reports_read)]
ReportsCtx = Annotated[StoreContext, Depends(require(Permission.reports_read))]
SortQuery = Annotated[
    ProductSort,
    Query(description="Rank by `revenue`, `units`, `orders`, `paid_ratio`, `cancel_rate` or `rts_rate`."),
]
OrderQuery = Annotated[SortOrder, Query(description="`desc` (highest first) or `asc`.")]
PERIOD_ERRORS = error_responses(*PERIOD_CODES)

DOC = """Per product and variant, the orders created in the period (local days of the store; default the last
30 days, at most 366): `orders` (every status), `units` and `revenue` (line subtotals) of the orders neither
canceled nor returned, `paid_orders` and `paid_ratio` (paid or COD settled ÷ orders), `canceled_orders` and
`cancel_rate` (÷ orders), `shipped_orders`, `rts_orders` and `rts_rate` (returned ÷ shipped). Ranked by `sort`,
ties by product and variant id; a deleted product's or variant's lines group under a null id. Computed by SQL
aggregates over the period's orders, never cached: figures move as orders do."""


@router.get("/product", summary="Recap Product", responses=PERIOD_ERRORS, description=DOC)
async def recap_products(
    service: Recapper, period: PeriodQuery, page: PageQuery, sort: SortQuery = "revenue", order: OrderQuery = "desc"
) -> ProductRecapPage:
    return await service.page(period, sort, order, page)


@router.get(
    "/product/download",
    summary="Download Recap Product",
    response_class=StreamingResponse,
    responses=PERIOD_ERRORS,
)
async def download_product_recap(
    ctx: ReportsCtx,
    runtime: RuntimeDep,
    period: PeriodQuery,
    sort: SortQuery = "revenue",
    order: OrderQuery = "desc",
    format: FormatQuery = "csv",
) -> StreamingResponse:
    """The whole ranking of Recap Product (same figures, same order), one row per product variant, as CSV or
    XLSX. Ratios are 0–1; money is whole rupiah."""
    stem, rows = download(runtime, ctx, period, sort, order)
    return await download_response(format, stem, HEADER, rows)
