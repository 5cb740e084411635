"""Print Invoice: the PDF of up to 200 orders (invoice or packing slip), in a fixed number of queries (the orders,
their lines, their handlers; plus the CS visibility setting for a CS) whatever the number of orders.

The data is read into plain values (`InvoiceJob`) inside the request's transaction; the PDF is rendered from them
in a worker thread (CPU work: the event loop stays free) while the response streams, that is after the
transaction has ended: rendering 200 pages takes about a second, during which neither a PostgreSQL pool
connection nor SQLite's write lock (every POST takes it) should be held.

All or nothing: when some id is not an order the caller can see (unknown, another store's, another CS's), the
answer is a 404 naming those ids and no PDF, rather than a PDF that silently lacks pages the seller meant to print.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import Field, field_validator

from bosonline.errors import NotFound
from bosonline.kit.export import filename_stem
from bosonline.kit.fields import RecordId
from bosonline.kit.phone import display_phone
from bosonline.kit.schemas import StrictBody, from_row
from bosonline.models import Order, OrderLine, StoreMember
from bosonline.order.invoice import InvoiceKind, InvoiceLine, InvoiceOrder, InvoiceStore
from bosonline.order.presenters import courier_label, customer_phone, payment_label
from bosonline.order.repository import OrderRepository
from bosonline.order.schemas import MoneyOut
from bosonline.tenancy import RepositoryService

MAX_INVOICES = 200


class InvoiceIn(StrictBody):
    ids: list[RecordId] = Field(
        min_length=1,
        max_length=MAX_INVOICES,
        description=f"1–{MAX_INVOICES} order ids; one page per order, in this order (a repeated id is printed once).",
    )
    kind: Literal["invoice", "packing_slip"] = Field(
        "invoice",
        description="invoice: items with prices and the money breakdown; packing_slip: items and quantities only "
        "(for packing; the COD amount to collect is on both).",
    )

    @field_validator("ids")
    @classmethod
    def _once(cls, ids: list[int]) -> list[int]:
        return list(dict.fromkeys(ids))


def invoice_order(order: Order, lines: list[OrderLine], handler: StoreMember | None) -> InvoiceOrder:
    return from_row(
        InvoiceOrder,
        order,
        customer_phone=customer_phone(order),
        lines=[InvoiceLine.model_validate(line) for line in lines],
        money=MoneyOut.model_validate(order),
        payment_label=payment_label(order.payment_method),
        courier=courier_label(order.courier),
        handler_name=handler.name if handler else None,
    )


@dataclass(frozen=True)
class InvoiceJob:
    """Everything the PDF needs, read from the database; no session needed to render it."""

    store: InvoiceStore
    orders: list[InvoiceOrder]
    kind: InvoiceKind
    printed_at: datetime
    filename: str

    async def render(self) -> bytes:
        return await asyncio.to_thread(render_invoices, self.store, self.orders, self.kind, printed_at=self.printed_at)

    async def chunks(self, size: int = 64 * 1024) -> AsyncIterator[bytes]:
        content = await self.render()
        for start in range(0, len(content), size):
            yield content[start : start + size]


class InvoiceService(RepositoryService[OrderRepository]):
    repository = OrderRepository

    async def job(self, body: InvoiceIn) -> InvoiceJob:
        """The orders' printable data, and the file name `invoice-<store>-<YYYYMMDD>.pdf` (`packing-slip-…`)."""
        orders = await self.repo.get_many(body.ids)
        missing = [order_id for order_id in body.ids if order_id not in orders]
        if missing:
            listed = ", ".join(str(order_id) for order_id in missing[:20]) + (", …" if len(missing) > 20 else "")
            raise NotFound(fields={"ids": f"no such order in this store: {listed}"})
        lines = await self.repo.lines_of(list(orders))
        handlers = await self.repo.members([order.handler_id for order in orders.values()])
        store = self.ctx.store
        now = self.rt.clock.now()
        kind = "invoice" if body.kind == "invoice" else "packing-slip"
        return InvoiceJob(
            store=InvoiceStore(name=store.name, phone=display_phone(store.phone), timezone=store.timezone),
            orders=[
                invoice_order(orders[i], lines.get(i, []), handlers.get(orders[i].handler_id or 0)) for i in body.ids
            ],
            kind=body.kind,
            printed_at=now,
            filename=filename_stem(kind, store.subdomain or store.name, now, store.timezone) + ".pdf",
        )


def render_invoices(
    store: InvoiceStore, orders: Sequence[InvoiceOrder], kind: InvoiceKind = "invoice", *, printed_at: datetime
) -> bytes:
    """The PDF (one page per order, more for very long orders). fpdf2 (and fontTools under it) load on first use:
    they cost more than a second of every process start, and most processes never print an invoice."""
    from bosonline.order.invoice_pdf import render  # the one lazy import outside cli.py: start-up cost, not a cycle

    return render(store, orders, kind, printed_at=printed_at)
