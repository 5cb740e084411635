"""HTTP route of Print Invoice: the printable PDF of selected orders (invoices or packing slips). Registered before
`/store/order/{order_id}`."""

from __future__ import annotations

from typing import Annotated

from fastapi.responses import StreamingResponse

from bosonline.deps import store_service
from bosonline.errors import CommonError, error_responses
from bosonline.kit.export import attachment_headers
from bosonline.order.invoice_service import MAX_INVOICES, InvoiceIn, InvoiceService
from bosonline.permissions import Permission
from bosonline.routing import api_router

router = api_router(prefix="/store/order", tags=["Order"])

Printer = Annotated[InvoiceService, store_service(InvoiceService, Permission.orders_read)]


@router.post(
    "/invoice",
    summary="Print Invoice",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            "description": "The PDF, as an attachment `invoice-<store>-<YYYYMMDD>.pdf`.",
        },
        **error_responses(CommonError.not_found),
    },
    description=(
        f"A PDF of 1–{MAX_INVOICES} orders, one A4 page each (an order with very many lines continues on the next "
        "page): the store's name and phone, the order number and date (store time zone), the buyer and address, "
        "the items, the money breakdown, payment method and status, courier, service and AWB, and for COD orders "
        "the amount the courier collects. `kind=packing_slip` leaves prices out. All or nothing: ids that are not "
        "orders the caller can see answer 404 naming them. Text outside Latin-1 (emoji, non-Latin scripts) is "
        "printed as its closest Latin letter or `?`."
    ),
)
async def print_invoice(body: InvoiceIn, printer: Printer) -> StreamingResponse:
    job = await printer.job(body)
    # Rendered while the response streams, after the request's transaction has ended (invoice_service.py).
    return StreamingResponse(job.chunks(), media_type="application/pdf", headers=attachment_headers(job.filename))
