"""Order List: the orders of the store a caller may see, filtered, newest first, in a fixed number of queries
whatever the page size (page, line summaries, handlers, total)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.kit.pagination import PageParams
from bosonline.kit.phone import display_phone
from bosonline.models import Order, StoreMember
from bosonline.order.list_repository import LineSummary, OrderListRepository
from bosonline.order.list_schemas import (
    OrderFilterIn,
    OrderItemsSummaryOut,
    OrderListCustomerOut,
    OrderListHandlerOut,
    OrderListItemOut,
)
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext


def line_label(product_name: str, variant_name: str | None) -> str:
    """ "Kaos Polos (Merah / L)"; the product's name alone when the variant adds nothing."""
    if variant_name and variant_name != product_name:
        return f"{product_name} ({variant_name})"
    return product_name


def list_item(order: Order, summary: LineSummary | None, handler: StoreMember | None) -> OrderListItemOut:
    return OrderListItemOut(
        id=order.id,
        number=order.number,
        status=order.status,
        payment_status=order.payment_status,
        payment_method=order.payment_method,
        total=order.total,
        customer=OrderListCustomerOut(
            name=order.customer_name, phone=display_phone(order.customer_phone) or order.customer_phone
        ),
        region_name=order.region_name,
        courier=order.courier,
        courier_service=order.courier_service,
        awb=order.awb,
        handler=OrderListHandlerOut(id=handler.id, name=handler.name) if handler else None,
        items=(
            OrderItemsSummaryOut(
                first=line_label(summary.first_product, summary.first_variant),
                lines=summary.lines,
                quantity=summary.quantity,
            )
            if summary
            else None
        ),
        form_id=order.form_id,
        created_at=order.created_at,
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
