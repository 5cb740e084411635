"""Order List: the orders of the store a caller may see, filtered, newest first, in a fixed number of queries
whatever the page size (page, line summaries, handlers, total)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.kit.pagination import PageParams
from bosonline.kit.schemas import from_row
from bosonline.models import Order, StoreMember
from bosonline.order.list_repository import LineSummary, OrderListRepository
from bosonline.order.list_schemas import (
    OrderFilterIn,
    OrderItemsSummaryOut,
    OrderListCustomerOut,
    OrderListHandlerOut,
    OrderListItemOut,
)
from bosonline.order.presenters import customer_phone, line_label
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext


def list_item(order: Order, summary: LineSummary | None, handler: StoreMember | None) -> OrderListItemOut:
    items = None
    if summary:
        first = line_label(summary.first_product, summary.first_variant)
        items = OrderItemsSummaryOut(first=first, lines=summary.lines, quantity=summary.quantity)
    return from_row(
        OrderListItemOut,
        order,
        customer=OrderListCustomerOut(name=order.customer_name, phone=customer_phone(order)),
        handler=OrderListHandlerOut(id=handler.id, name=handler.name) if handler else None,
        items=items,
    )


class OrderListService:
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        self.repo = OrderListRepository(session, ctx)

    async def list(
        self, filters: OrderFilterIn, params: PageParams
    ) -> tuple[list[OrderListItemOut], str | None, int | None]:
        """The page, the next cursor, and `total`: the page's size when the whole result fits on a first page;
        else exact from the recap counters when the filters are ones they key; else the matching orders counted
        up to list_repository.COUNT_CAP (None above it)."""
        page = await self.repo.page(filters, params)
        orders: list[Order] = page.items
        ids = [order.id for order in orders]
        summaries = await self.repo.line_summaries(ids)
        handlers = await self.repo.members(order.handler_id for order in orders)
        total: int | None
        if params.cursor is None and page.next_cursor is None:
            total = len(orders)  # the whole result is on this page
        elif filters.counter_compatible:
            total = await self.repo.counted_total(filters)
        else:
            total = await self.repo.capped_count(filters)
        items = [list_item(order, summaries.get(order.id), handlers.get(order.handler_id or 0)) for order in orders]
        return items, page.next_cursor, total
