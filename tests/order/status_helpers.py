"""Helpers of the status-change and invoice tests: orders copied with model rows (many orders, fast), statuses set
directly as the start of a transition under test, the requests."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import insert, select, update

from bosonline.models import Order, OrderLine, Stock, Store
from bosonline.order.stats import StatsDelta, apply, snapshot
from bosonline.runtime import Runtime


async def clone_orders(rt: Runtime, order_id: int, n: int, **values: Any) -> list[int]:
    """`n` copies of a placed order (its lines too), holding their own reservations and counted in the recap
    counters like orders placed through the checkout. `values` override columns of the copies."""
    async with rt.db.session() as session:
        order = await session.get(Order, order_id)
        assert order is not None
        lines = list(await session.scalars(select(OrderLine).where(OrderLine.order_id == order_id)))
        timezone = await session.scalar(select(Store.timezone).where(Store.id == order.store_id))
        assert timezone is not None
        columns = {c.key: getattr(order, c.key) for c in Order.__mapper__.column_attrs if c.key != "id"}
        ids = []
        delta = StatsDelta()
        for _ in range(n):
            token = uuid.uuid4().hex
            copy = Order(**(columns | {"number": f"CP/{token[:20]}", "secret_slug": token} | values))
            session.add(copy)
            await session.flush()
            ids.append(copy.id)
            delta.add(snapshot(copy, timezone))
            line_columns = [c.key for c in OrderLine.__mapper__.column_attrs if c.key not in ("id", "order_id")]
            await session.execute(
                insert(OrderLine),
                [{key: getattr(line, key) for key in line_columns} | {"order_id": copy.id} for line in lines],
            )
        await apply(session, order.store_id, delta)
        for line in lines:
            await session.execute(
                update(Stock)
                .where(Stock.variant_id == line.variant_id, Stock.warehouse_id == line.warehouse_id)
                .values(reserved=Stock.reserved + n * line.quantity)
            )
        await session.commit()
        return ids


async def set_status(rt: Runtime, order_ids: list[int], status: str, **values: Any) -> None:
    """Puts orders in `status` directly (the start of a transition under test; counters are not kept)."""
    async with rt.db.session() as session:
        await session.execute(update(Order).where(Order.id.in_(order_ids)).values(status=status, **values))
        await session.commit()


async def patch_status(
    client: httpx.AsyncClient, headers: dict[str, str], order_id: int, **body: Any
) -> httpx.Response:
    return await client.patch(f"/store/order/{order_id}/status", json=body, headers=headers)


async def patch_many(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> httpx.Response:
    return await client.patch("/store/order/status", json=body, headers=headers)
