"""Download Order List: the orders matching the list's filters as CSV or XLSX, one row each, read in batches of
kit/export.BATCH_SIZE orders through a session of the download's own (the request's session is closed before the
body streams): per batch one query for the orders and one for their lines, so memory holds one batch whatever
the number of orders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bosonline.kit.clock import as_utc
from bosonline.kit.export import batched_rows
from bosonline.kit.phone import display_phone
from bosonline.models import Order
from bosonline.order.list_repository import OrderListRepository
from bosonline.order.list_schemas import OrderFilterIn
from bosonline.order.presenters import line_label
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext

HEADER = [
    "number", "created_at", "status", "payment_status", "payment_method", "customer_name", "phone", "address",
    "region", "postal_code", "products", "quantity", "product_price", "discounts", "shipping_cost", "cod_fee",
    "other_fee", "unique_code", "total", "courier", "service", "awb", "handler", "notes",
]  # fmt: skip

# Plain columns, not ORM objects: several times faster to read, and nothing here is edited.
COLUMNS = (
    Order.id, Order.number, Order.created_at, Order.status, Order.payment_status, Order.payment_method,
    Order.customer_name, Order.customer_phone, Order.address, Order.region_name, Order.postal_code,
    Order.product_price, Order.product_discount, Order.shipping_discount, Order.shipping_cost, Order.cod_fee,
    Order.other_fee, Order.unique_code, Order.total, Order.courier, Order.courier_service, Order.awb,
    Order.handler_id, Order.notes,
)  # fmt: skip

Rows = AsyncIterator[list[Sequence[Any]]]


async def _lines(repo: OrderListRepository, order_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    """Per order: ("Kaos Polos (Merah / L)", quantity) for each line in its order (one query per batch)."""
    grouped: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for order_id, product, variant, quantity in await repo.line_rows(order_ids):
        grouped[order_id].append((line_label(product, variant), quantity))
    return grouped


async def order_rows(runtime: Runtime, ctx: StoreContext, filters: OrderFilterIn) -> Rows:
    zone = ZoneInfo(ctx.store.timezone)
    async with runtime.db.session(write=False) as session:
        repo = OrderListRepository(session, ctx)
        handlers = {member.id: member.name for member in await repo.all_members()}
        stmt = await repo.filtered(filters, select(*COLUMNS))
        async for batch in batched_rows(session, stmt, Order.id, tuple, scalars=False, key_of=lambda row: row[0]):
            lines = await _lines(repo, [row[0] for row in batch])
            rows: list[Sequence[Any]] = []
            for (order_id, number, created_at, status, payment_status, method, name, phone, address, region, postal,
                 product_price, product_discount, shipping_discount, shipping_cost, cod_fee, other_fee, unique_code,
                 total, courier, service, awb, handler_id, notes) in batch:  # fmt: skip
                local = as_utc(created_at).astimezone(zone)
                items = lines.get(order_id, [])
                rows.append([
                    number, f"{local:%Y-%m-%d %H:%M} {local.tzname()}", status, payment_status, method, name,
                    display_phone(phone) or phone, address, region, postal,
                    "; ".join(f"{label} ×{quantity}" for label, quantity in items),
                    sum(quantity for _, quantity in items), product_price, product_discount + shipping_discount,
                    shipping_cost, cod_fee, other_fee, unique_code, total, courier, service, awb,
                    handlers.get(handler_id or 0), notes,
                ])  # fmt: skip
            yield rows
