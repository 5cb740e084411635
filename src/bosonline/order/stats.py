"""Recap counters (`order_daily_stats`): orders and their money per day, status, payment status, payment method
and handler, kept in step with every order change in the changing transaction.

The money of a key's orders, summed (`Amounts`): `total` (what the buyers pay), `goods` (product price before
discounts), `shipping` (shipping cost before its discount), `fees` (COD fee + other fee), and for the orders whose
cost of goods is known (`costed_orders`): `costed_sales` (goods − product discount − shipping discount), `cost`
(the lines' frozen cost prices) and `estimated_cost` (the part of `cost` of orders whose cost was estimated
afterwards, migration 0017). Revenue (report/) derives gross, discounts, net and profit from them.

A change is described as "this order's key and total before" and "after"; `StatsDelta` nets them out and
`apply` writes one upsert per key that moved, in key order (two transactions touching the same rows lock them
in the same order, so they cannot deadlock). The day is the order's creation date in the store's time zone at
order time.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import cache
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import case, delete, func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import dialect_of, insert_in, local_day
from bosonline.kit.clock import as_utc
from bosonline.models import Order, OrderDailyStat, StoreSettings


class StatsKey(NamedTuple):
    day: date
    status: str
    payment_status: str
    payment_method: str
    handler_id: int


class Amounts(NamedTuple):
    total: int
    goods: int
    shipping: int
    fees: int
    costed_orders: int
    costed_sales: int
    cost: int
    estimated_cost: int


AMOUNTS: tuple[str, ...] = Amounts._fields


class Snapshot(NamedTuple):
    key: StatsKey
    amounts: Amounts


def snapshot(order: Order, timezone: str) -> Snapshot:
    day = as_utc(order.created_at).astimezone(ZoneInfo(timezone)).date()
    key = StatsKey(day, order.status, order.payment_status, order.payment_method, order.handler_id or 0)
    return Snapshot(key, amounts_of(order))


def amounts_of(order: Order) -> Amounts:
    costed = order.cost is not None
    cost = order.cost or 0
    sales = order.product_price - (order.product_discount or 0) - (order.shipping_discount or 0)
    return Amounts(
        total=order.total,
        goods=order.product_price,
        shipping=order.shipping_cost or 0,
        fees=(order.cod_fee or 0) + (order.other_fee or 0),
        costed_orders=int(costed),
        costed_sales=sales if costed else 0,
        cost=cost,
        estimated_cost=cost if order.cost_estimated else 0,
    )


class StatsDelta:
    def __init__(self) -> None:
        self._changes: dict[StatsKey, list[int]] = defaultdict(lambda: [0] * (1 + len(AMOUNTS)))

    def add(self, snap: Snapshot, sign: int = 1) -> None:
        change = self._changes[snap.key]
        change[0] += sign
        for n, amount in enumerate(snap.amounts, 1):
            change[n] += sign * amount

    def move(self, before: Snapshot, after: Snapshot) -> None:
        if before != after:
            self.add(before, -1)
            self.add(after, 1)

    def pending(self) -> list[tuple[StatsKey, int, Amounts]]:
        return [
            (key, n, Amounts(*amounts)) for key, (n, *amounts) in sorted(self._changes.items()) if any(amounts) or n
        ]

    def clear(self) -> None:
        self._changes.clear()


def counter_upsert(session: AsyncSession) -> Any:
    """`INSERT … ON CONFLICT DO UPDATE` adding a row's `orders` and amounts to its key's counters (values: counter_row)."""
    return _counter_upsert(dialect_of(session))


@cache
def _counter_upsert(dialect: str) -> Any:
    table = OrderDailyStat.__table__
    stmt = insert_in(dialect, table)
    return stmt.on_conflict_do_update(
        index_elements=[
            table.c.store_id,
            table.c.day,
            table.c.status,
            table.c.payment_status,
            table.c.payment_method,
            table.c.handler_id,
        ],
        set_={name: table.c[name] + stmt.excluded[name] for name in ("orders", *AMOUNTS)},
    )


def counter_row(store_id: int, key: StatsKey, orders: int, amounts: Amounts) -> dict[str, Any]:
    return {"store_id": store_id, "orders": orders, **amounts._asdict(), **key._asdict()}


async def apply(session: AsyncSession, store_id: int, delta: StatsDelta) -> None:
    """One `INSERT … ON CONFLICT DO UPDATE` per key that changed; nothing when the change nets out."""
    for key, orders, amounts in delta.pending():
        await session.execute(counter_upsert(session).values(counter_row(store_id, key, orders, amounts)))
    delta.clear()


async def lock_store_counters(session: AsyncSession, store_id: int) -> None:
    """Take the store's settings row, the lock every checkout takes for its counters (order number, CS): until
    COMMIT no order is placed in the store, and statements after it see every one placed before."""
    await session.execute(select(StoreSettings.store_id).where(StoreSettings.store_id == store_id).with_for_update())


async def rebuild(session: AsyncSession, store_id: int, timezone: str) -> None:
    """The store's counters recomputed from its orders with days in `timezone` (the store changed its time zone:
    days must keep meaning what the date filters mean). Takes the store's settings row first, as checkout does
    for its counters, so that no order is placed in between."""
    await lock_store_counters(session, store_id)
    await session.execute(delete(OrderDailyStat).where(OrderDailyStat.store_id == store_id))
    day = local_day(session, Order.created_at, timezone)
    handler = func.coalesce(Order.handler_id, 0)
    keys = (Order.store_id, day, Order.status, Order.payment_status, Order.payment_method, handler)
    sums = [func.sum(amount) for amount in ORDER_AMOUNTS]
    rows = select(*keys, func.count(), *sums).where(Order.store_id == store_id).group_by(*keys)
    columns = ["store_id", "day", "status", "payment_status", "payment_method", "handler_id", "orders", *AMOUNTS]
    await session.execute(insert(OrderDailyStat.__table__).from_select(columns, rows))


def _costed(value: Any) -> Any:
    return case((Order.cost.is_not(None), value), else_=0)


# An order's Amounts in SQL (as amounts_of), in AMOUNTS order: the rebuild sums them.
ORDER_AMOUNTS = (
    Order.total,
    Order.product_price,
    Order.shipping_cost,
    Order.cod_fee + Order.other_fee,
    _costed(1),
    _costed(Order.product_price - Order.product_discount - Order.shipping_discount),
    func.coalesce(Order.cost, 0),
    case((Order.cost_estimated, func.coalesce(Order.cost, 0)), else_=0),
)
