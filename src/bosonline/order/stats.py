"""Recap counters (`order_daily_stats`): orders and totals per day, status, payment status, payment method and
handler, kept in step with every order change in the changing transaction.

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

from sqlalchemy import delete, func, insert, select
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


class Snapshot(NamedTuple):
    key: StatsKey
    total: int


def snapshot(order: Order, timezone: str) -> Snapshot:
    day = as_utc(order.created_at).astimezone(ZoneInfo(timezone)).date()
    key = StatsKey(day, order.status, order.payment_status, order.payment_method, order.handler_id or 0)
    return Snapshot(key, order.total)


class StatsDelta:
    def __init__(self) -> None:
        self._changes: dict[StatsKey, list[int]] = defaultdict(lambda: [0, 0])

    def add(self, snap: Snapshot, sign: int = 1) -> None:
        change = self._changes[snap.key]
        change[0] += sign
        change[1] += sign * snap.total

    def move(self, before: Snapshot, after: Snapshot) -> None:
        if before != after:
            self.add(before, -1)
            self.add(after, 1)

    def pending(self) -> list[tuple[StatsKey, int, int]]:
        return [(key, n, total) for key, (n, total) in sorted(self._changes.items()) if n or total]

    def clear(self) -> None:
        self._changes.clear()


def counter_upsert(session: AsyncSession) -> Any:
    """`INSERT … ON CONFLICT DO UPDATE` adding a row's `orders` and `total` to its key's counters (values: counter_row)."""
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
        set_={"orders": table.c.orders + stmt.excluded.orders, "total": table.c.total + stmt.excluded.total},
    )


def counter_row(store_id: int, key: StatsKey, orders: int, total: int) -> dict[str, Any]:
    return {"store_id": store_id, "orders": orders, "total": total, **key._asdict()}


async def apply(session: AsyncSession, store_id: int, delta: StatsDelta) -> None:
    """One `INSERT … ON CONFLICT DO UPDATE` per key that changed; nothing when the change nets out."""
    for key, orders, total in delta.pending():
        await session.execute(counter_upsert(session).values(counter_row(store_id, key, orders, total)))
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
    rows = select(*keys, func.count(), func.sum(Order.total)).where(Order.store_id == store_id).group_by(*keys)
    table = OrderDailyStat.__table__
    columns = ["store_id", "day", "status", "payment_status", "payment_method", "handler_id", "orders", "total"]
    await session.execute(insert(table).from_select(columns, rows))
