"""HTTP routes of Order List, Recap Order List and Download Order List (static paths under /store/order: this
router is included before the one of /store/order/{order_id})."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Depends, Query, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import StreamingResponse
from pydantic import Field, ValidationError

from bosonline.deps import RuntimeDep, require, store_service
from bosonline.kit.export import download_response, filename_stem
from bosonline.kit.fields import DAY_2000_2999_PATTERN, OneLineText, SearchText, day_query, declared
from bosonline.kit.pagination import PageQuery
from bosonline.kit.schemas import Envelope
from bosonline.order import download
from bosonline.order.list_schemas import (
    MAX_STATUS_VALUES,
    ORDER_LIST_JSON,
    ORDER_LIST_MODEL,
    PAYMENT_METHOD_PATTERN,
    CourierCode,
    OrderDownloadIn,
    OrderFilterIn,
    OrderRecapOut,
    PaymentStatus,
)
from bosonline.order.list_service import OrderListService
from bosonline.order.recap import OrderRecapService
from bosonline.order.state import STATUSES
from bosonline.permissions import Permission
from bosonline.routing import api_router
from bosonline.tenancy import StoreContext

router = api_router(prefix="/store/order", tags=["Order"])

Lister = Annotated[OrderListService, store_service(OrderListService, Permission.orders_read)]
Recapper = Annotated[OrderRecapService, store_service(OrderRecapService, Permission.orders_read)]
ReadCtx = Annotated[StoreContext, Depends(require(Permission.orders_read))]


_ONE_STATUS = "|".join(STATUSES)
# One status or a comma list of up to ten (OrderFilterIn splits, trims and checks them, ten in all).
StatusParam = Annotated[
    str,
    Field(
        max_length=200,
        json_schema_extra=declared(f"^(?:{_ONE_STATUS})(?:,(?:{_ONE_STATUS})){{0,{MAX_STATUS_VALUES - 1}}}$"),
    ),
]


async def order_filters(
    status: Annotated[
        list[StatusParam] | None,
        Query(
            max_length=MAX_STATUS_VALUES,
            description="Status(es): `pending,confirmed` or `status=pending&status=confirmed`.",
        ),
    ] = None,
    payment_status: Annotated[PaymentStatus | None, Query()] = None,
    payment_method: Annotated[
        str | None, Query(max_length=24, pattern=PAYMENT_METHOD_PATTERN, description="bank_transfer, cod, qris, …")
    ] = None,
    date_from: Annotated[
        date | None, day_query("First day, store time zone (YYYY-MM-DD).", pattern=DAY_2000_2999_PATTERN)
    ] = None,
    date_to: Annotated[
        date | None, day_query("Last day, store time zone, inclusive.", pattern=DAY_2000_2999_PATTERN)
    ] = None,
    handler_id: Annotated[int | None, Query(ge=0, le=2**53, description="Handler (CS) member id; 0: none.")] = None,
    courier: Annotated[CourierCode | None, Query(description="Courier code.")] = None,
    product_id: Annotated[int | None, Query(ge=1, le=2**53, description="Orders with a line of it.")] = None,
    sku: Annotated[
        OneLineText | None, Query(min_length=1, max_length=64, description="Orders with a line of it.")
    ] = None,
    form_id: Annotated[int | None, Query(ge=1, le=2**53)] = None,
    q: Annotated[
        SearchText | None, Query(description="Order number, buyer name, or phone (08…: from its start).")
    ] = None,
) -> OrderFilterIn:
    raw = {
        "status": status, "payment_status": payment_status, "payment_method": payment_method,
        "date_from": date_from, "date_to": date_to, "handler_id": handler_id, "courier": courier,
        "product_id": product_id, "sku": sku, "form_id": form_id, "q": q,
    }  # fmt: skip
    try:
        return OrderFilterIn.model_validate(raw)
    except ValidationError as exc:  # the same 422 as FastAPI's own query checks
        raise RequestValidationError([{**err, "loc": ("query", *err["loc"])} for err in exc.errors()]) from exc


Filters = Annotated[OrderFilterIn, Depends(order_filters)]


# Declared as ListEnvelope[OrderListItemOut] (the OpenAPI document's shape); written from the page's plain dicts by
# the serializer of that shape (list_schemas.ORDER_LIST_JSON), without building a model per order.
@router.get("", summary="Order List", response_model=ORDER_LIST_MODEL)
async def list_orders(service: Lister, filters: Filters, page: PageQuery) -> Response:
    """Orders of the store, newest first (by id; with a date filter by creation time, then id), with buyer,
    money, shipment, handler (CS) and a summary of the items. A CS sees only the orders assigned to them unless
    the store lets CS see every order (`cs_sees_all_orders`). Dates are days in the store's time zone.

    `meta.total` is the number of matching orders: exact when the whole result is on a first page, or when the
    filters are only status, payment status/method, handler and dates (read from the recap counters); with
    other filters (courier, product, SKU, form, search) the orders are counted up to 1,000 and `total` is null
    above that (the recap gives exact figures for any filter)."""
    items, next_cursor, total = await service.list(filters, page)
    body = {"data": items, "meta": {"next_cursor": next_cursor, "total": total}}
    return Response(ORDER_LIST_JSON.dump_json(body), media_type="application/json")


@router.get("/recap", summary="Recap Order List")
async def recap_orders(service: Recapper, filters: Filters) -> Envelope[OrderRecapOut]:
    """For the list's filters: orders and their total per status (every status, zeros included), per payment
    status, and overall. Filters on status, payment status/method, handler and dates are answered from daily
    counters kept with every order change (instant on any store size; `source: counters`); other filters
    aggregate the matching orders (`source: orders`). A CS limited to their orders gets the recap of theirs."""
    return Envelope(data=await service.recap(filters))


@router.post("/download", summary="Download Order List", response_class=StreamingResponse)
async def download_orders(body: OrderDownloadIn, ctx: ReadCtx, runtime: RuntimeDep) -> StreamingResponse:
    """Every order matching the filters (the list's, in the body), oldest first, one row each: buyer, address,
    products (`Kaos Polos (Merah / L) ×2; Kopi Gayo ×1`), money breakdown, shipment, handler and notes. Times are
    in the store's time zone. Streamed in batches, any number of orders."""
    rows = download.order_rows(runtime, ctx, body.filters())
    label = ctx.store.subdomain or str(ctx.store_id)
    stem = filename_stem("orders", label, runtime.clock.now(), ctx.store.timezone)
    return await download_response(body.format, stem, download.HEADER, rows)
