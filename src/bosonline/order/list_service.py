"""Order List: the orders of the store a caller may see, filtered, newest first, in a fixed number of queries
whatever the page size (page with its handlers, line summaries, total)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.kit.pagination import PageParams
from bosonline.kit.phone import display_phone
from bosonline.order.list_repository import LineSummary, OrderListRepository
from bosonline.order.list_schemas import OrderFilterIn
from bosonline.order.presenters import line_label
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext


def list_item(row: Sequence[Any], summary: LineSummary | None) -> dict[str, Any]:
    """An OrderListItemOut's fields, from a row of OrderListRepository.page (unpacked: a row's attributes are
    looked up by name, its items are not), as the endpoint writes them (list_schemas.ORDER_LIST_JSON)."""
    (order_id, number, status, payment_status, payment_method, total, customer_name, customer_phone, region_name,
     courier, courier_service, awb, handler_id, form_id, created_at, handler_name, *_) = row  # fmt: skip
    items = None
    if summary:
        first = line_label(summary.first_product, summary.first_variant)
        items = {"first": first, "lines": summary.lines, "quantity": summary.quantity}
    return {
        "id": order_id,
        "number": number,
        "status": status,
        "payment_status": payment_status,
        "payment_method": payment_method,
        "total": total,
        "customer": {"name": customer_name, "phone": display_phone(customer_phone)},
        "region_name": region_name,
        "courier": courier,
        "courier_service": courier_service,
        "awb": awb,
        "handler": {"id": handler_id, "name": handler_name} if handler_name is not None else None,
        "items": items,
        "form_id": form_id,
        "created_at": created_at,
    }


class OrderListService:
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        self.repo = OrderListRepository(session, ctx)

    async def list(
        self, filters: OrderFilterIn, params: PageParams
    ) -> tuple[list[dict[str, Any]], str | None, int | None]:
        """The page, the next cursor, and `total`: the page's size when the whole result fits on a first page;
        else exact from the recap counters when the filters are ones they key; else the matching orders counted
        up to list_repository.COUNT_CAP (None above it). One statement, two when a first page of filters the
        counters do not key has a next page (OrderListRepository.page)."""
        page = await self.repo.page(filters, params)
        rows, summaries = page.rows, page.summaries
        total: int | None
        if params.cursor is None and page.next_cursor is None:
            total = len(rows)  # the whole result is on this page
        elif page.counted:
            total = page.total
        elif filters.counter_compatible:
            total = await self.repo.counted_total(filters)
        else:
            total = await self.repo.capped_count(filters)
        return [list_item(row, summaries.get(row.id)) for row in rows], page.next_cursor, total
