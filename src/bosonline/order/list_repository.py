"""SQL of the order list, its recap and its download: the filters as conditions on `orders`, the page, the
line summaries of a page (one query), and the totals, from the recap counters when the filters allow it.

Query plans on a large store (bench/orders_large.py): a first page is a backward range read of one of the
`(store_id, …, id)` indexes of `orders` (of `(store_id, created_at)` with a date filter); a complete phone number
the recap and the totals of counter-compatible filters read `order_daily_stats` (about a hundred rows per
store-day), never `orders`. The free-text search (`LIKE '%…%'` on number, name and phone digits) is served on
PostgreSQL by the trigram indexes of migration 0004 (models/order.py SEARCH_INDEXES); elsewhere it reads the
store's orders.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import load_only

from bosonline.kit.pagination import Page, PageParams, keyset_page
from bosonline.kit.phone import phone_needle
from bosonline.models import Order, OrderDailyStat, OrderLine
from bosonline.order.list_schemas import OrderFilterIn
from bosonline.order.repository import OrderRepository

# The list answers `meta.total` exactly up to this many matching orders when it has to count orders (filters the
# counters do not key); above it, `null` ("more than 1,000"; the recap has the exact figures). The count must not
# cost more than the page: on a store of a million orders, counting a common name ("siti") to 10,000 reads ~120,000
# orders (0.2–1 s, bench/orders_large.py); to 1,000 a tenth of that.
COUNT_CAP = 1_000
LIST_COLUMNS = (
    Order.id, Order.number, Order.status, Order.payment_status, Order.payment_method, Order.total,
    Order.customer_name, Order.customer_phone, Order.region_name, Order.courier, Order.courier_service, Order.awb,
    Order.handler_id, Order.form_id, Order.created_at,
)  # fmt: skip


def day_bounds(day_from: date | None, day_to: date | None, timezone: str) -> tuple[datetime | None, datetime | None]:
    """UTC bounds [start, end) of the days `day_from`..`day_to` (inclusive) in the store's time zone."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day_from, time.min, tzinfo=zone).astimezone(UTC) if day_from else None
    end = datetime.combine(day_to + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC) if day_to else None
    return start, end


@dataclass(frozen=True)
class LineSummary:
    first_product: str
    first_variant: str
    lines: int
    quantity: int


@dataclass(frozen=True)
class Aggregate:
    status: str
    payment_status: str
    orders: int
    total: int


class OrderListRepository(OrderRepository):
    """The orders a caller may see (CS rule included, see OrderRepository), filtered."""

    def conditions(self, filters: OrderFilterIn) -> list[ColumnElement[bool]]:
        """`filters` as conditions on `orders` (the store scope and the CS rule are added by `filtered`)."""
        where: list[ColumnElement[bool]] = []
        if filters.status:
            statuses = filters.status
            where.append(Order.status == statuses[0] if len(statuses) == 1 else Order.status.in_(statuses))
        if filters.payment_status:
            where.append(Order.payment_status == filters.payment_status)
        if filters.payment_method:
            where.append(Order.payment_method == filters.payment_method)
        start, end = day_bounds(filters.date_from, filters.date_to, self.ctx.store.timezone)
        if start is not None:
            where.append(Order.created_at >= start)
        if end is not None:
            where.append(Order.created_at < end)
        if filters.handler_id is not None:
            handler = filters.handler_id
            where.append(Order.handler_id.is_(None) if handler == 0 else Order.handler_id == handler)
        if filters.courier:
            where.append(Order.courier == filters.courier)
        if filters.form_id is not None:
            where.append(Order.form_id == filters.form_id)
        # Orders with a line of the product, and (each its own condition) with a line of the SKU.
        if filters.product_id is not None:
            where.append(self._has_line(OrderLine.product_id == filters.product_id))
        if filters.sku:
            where.append(self._has_line(func.lower(OrderLine.sku) == filters.sku.lower()))
        if filters.q:
            text = filters.q.lower()
            found = [
                func.lower(Order.number).contains(text, autoescape=True),
                func.lower(Order.customer_name).contains(text, autoescape=True),
            ]
            if (needle := phone_needle(filters.q)) is not None:
                found.append(Order.customer_phone.contains(needle, autoescape=True))
            where.append(or_(*found))
        return where

    def _has_line(self, condition: ColumnElement[bool]) -> ColumnElement[bool]:
        line = select(OrderLine.id).where(
            OrderLine.order_id == Order.id, OrderLine.store_id == self.ctx.store_id, condition
        )
        return exists(line)

    async def filtered(
        self, filters: OrderFilterIn, stmt: Select[*tuple[Any, ...]] | None = None
    ) -> Select[*tuple[Any, ...]]:
        """`stmt` (default: the orders) limited to the store, what the caller may see, and the filters."""
        base = self.scoped(Order) if stmt is None else stmt.where(Order.store_id == self.ctx.store_id)
        return (await self.restrict(base)).where(*self.conditions(filters))

    async def page(self, filters: OrderFilterIn, params: PageParams) -> Page[Order]:
        """Newest first, only the columns the list shows."""
        stmt = (await self.filtered(filters)).options(load_only(*LIST_COLUMNS))
        # With a date range, by creation time through the (store_id, created_at) index: by id alone, last year's
        # month would be found by walking every newer order backwards (1.4 s instead of 1 ms on a million).
        dated = filters.date_from is not None or filters.date_to is not None
        keys = [Order.created_at, Order.id] if dated else [Order.id]
        return await keyset_page(self.session, stmt, keys, params, descending=True)

    async def line_rows(self, order_ids: Sequence[int]) -> list[tuple[int, str, str, int]]:
        """(order id, product name, variant name, quantity) of the orders' lines, in order (one query)."""
        if not order_ids:
            return []
        rows = await self.session.execute(
            select(OrderLine.order_id, OrderLine.product_name, OrderLine.variant_name, OrderLine.quantity)
            .where(OrderLine.store_id == self.ctx.store_id, OrderLine.order_id.in_(order_ids))
            .order_by(OrderLine.order_id, OrderLine.position, OrderLine.id)
        )
        return [(order_id, product, variant, quantity) for order_id, product, variant, quantity in rows]

    async def line_summaries(self, order_ids: Sequence[int]) -> dict[int, LineSummary]:
        """Per order: its first line's names, its number of lines and units (one query for the whole page)."""
        summaries: dict[int, LineSummary] = {}
        for order_id, product, variant, quantity in await self.line_rows(order_ids):
            seen = summaries.get(order_id)
            if seen is None:
                summaries[order_id] = LineSummary(product, variant, 1, quantity)
            else:
                summaries[order_id] = LineSummary(
                    seen.first_product, seen.first_variant, seen.lines + 1, seen.quantity + quantity
                )
        return summaries

    async def capped_count(self, filters: OrderFilterIn) -> int | None:
        """Matching orders, counted up to COUNT_CAP (None above it)."""
        inner = (await self.filtered(filters, select(Order.id))).limit(COUNT_CAP + 1).subquery()
        found = int(await self.session.scalar(select(func.count()).select_from(inner)) or 0)
        return None if found > COUNT_CAP else found

    # The recap counters (order_daily_stats): the same filters, as conditions on the counters' keys.

    async def _counter_conditions(self, filters: OrderFilterIn) -> list[ColumnElement[bool]]:
        stat = OrderDailyStat
        where: list[ColumnElement[bool]] = [stat.store_id == self.ctx.store_id]
        if await self.cs_limited():
            where.append(stat.handler_id == self.ctx.member_id)
        if filters.status:
            where.append(stat.status.in_(filters.status))
        if filters.payment_status:
            where.append(stat.payment_status == filters.payment_status)
        if filters.payment_method:
            where.append(stat.payment_method == filters.payment_method)
        if filters.handler_id is not None:
            where.append(stat.handler_id == filters.handler_id)  # 0 is "no handler" there too
        # The counters' day is the creation date in the store's time zone: the date filter maps onto it exactly.
        if filters.date_from:
            where.append(stat.day >= filters.date_from)
        if filters.date_to:
            where.append(stat.day <= filters.date_to)
        return where

    async def counted_total(self, filters: OrderFilterIn) -> int:
        """Matching orders from the counters (counter-compatible filters only)."""
        stmt = select(func.coalesce(func.sum(OrderDailyStat.orders), 0)).where(*await self._counter_conditions(filters))
        return int(await self.session.scalar(stmt) or 0)

    async def counter_recap(self, filters: OrderFilterIn) -> list[Aggregate]:
        stat = OrderDailyStat
        stmt = (
            select(stat.status, stat.payment_status, func.sum(stat.orders), func.sum(stat.total))
            .where(*await self._counter_conditions(filters))
            .group_by(stat.status, stat.payment_status)
        )
        return [Aggregate(s, p, int(n or 0), int(t or 0)) for s, p, n, t in await self.session.execute(stmt)]

    async def order_recap(self, filters: OrderFilterIn) -> list[Aggregate]:
        """The same figures aggregated over the matching orders (filters the counters do not key)."""
        stmt = await self.filtered(
            filters, select(Order.status, Order.payment_status, func.count(), func.coalesce(func.sum(Order.total), 0))
        )
        stmt = stmt.group_by(Order.status, Order.payment_status)
        return [Aggregate(s, p, int(n or 0), int(t or 0)) for s, p, n, t in await self.session.execute(stmt)]
