"""Recap Order List: orders and their totals per status (every status, zeros included), per payment status, and
overall, for the list's filters.

Filters the recap counters key (status, payment status, payment method, handler, creation day; the CS rule is a
handler too) are answered by summing `order_daily_stats` rows: a few per day, never a read of `orders`. The
counters' day is the creation date in the store's time zone, so `date_from`/`date_to` select whole counter days
exactly. Other filters (courier, product, SKU, form, search) aggregate the matching orders in SQL (GROUP BY).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.order.list_repository import Aggregate, OrderListRepository
from bosonline.order.list_schemas import (
    PAYMENT_STATUSES,
    OrderFilterIn,
    OrderRecapOut,
    RecapAmountOut,
    RecapPaymentStatusOut,
    RecapStatusOut,
)
from bosonline.order.state import STATUSES
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext


def recap_out(rows: Iterable[Aggregate], source: str) -> OrderRecapOut:
    by_status = dict.fromkeys(STATUSES, (0, 0))
    by_payment = dict.fromkeys(PAYMENT_STATUSES, (0, 0))
    orders = total = 0
    for row in rows:
        n, t = by_status.get(row.status, (0, 0))
        by_status[row.status] = (n + row.orders, t + row.total)
        n, t = by_payment.get(row.payment_status, (0, 0))
        by_payment[row.payment_status] = (n + row.orders, t + row.total)
        orders += row.orders
        total += row.total
    return OrderRecapOut(
        overall=RecapAmountOut(orders=orders, total=total),
        statuses=[RecapStatusOut(status=s, orders=n, total=t) for s, (n, t) in by_status.items()],
        payment_statuses=[
            RecapPaymentStatusOut(payment_status=p, orders=n, total=t) for p, (n, t) in by_payment.items()
        ],
        source=source,
    )


class OrderRecapService:
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        self.repo = OrderListRepository(session, ctx)

    async def recap(self, filters: OrderFilterIn) -> OrderRecapOut:
        if filters.counter_compatible:
            return recap_out(await self.repo.counter_recap(filters), "counters")
        return recap_out(await self.repo.order_recap(filters), "orders")
