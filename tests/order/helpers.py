"""Orders placed through the real checkout, and the people who work them (owner, CS), for back-office tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import func, select

from bosonline.models import Order, OrderDailyStat
from bosonline.order.stats import AMOUNTS, ORDER_AMOUNTS
from bosonline.runtime import Runtime
from tests.checkout.helpers import CheckoutShop, make_checkout_shop, place
from tests.factories import PASSWORD, bearer, login

__all__ = ["CheckoutShop", "Placed", "cs_login", "make_checkout_shop", "order_row", "place_orders", "stats_match"]


@dataclass
class Placed:
    id: int
    number: str
    total: int
    handler_id: int | None
    buyer: dict[str, Any]  # what the buyer's checkout answered


async def place_orders(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, n: int = 1, **overrides: Any
) -> list[Placed]:
    """`n` orders through POST /public/checkout (bank transfer of 2 × red by default)."""
    placed = []
    for _ in range(n):
        response = await place(client, shop, **overrides)
        assert response.status_code == 201, response.text
        data = response.json()["data"]
        async with rt.db.session(write=False) as session:
            order = (
                await session.execute(
                    select(Order.id, Order.handler_id).where(
                        Order.store_id == shop.store_id, Order.number == data["number"]
                    )
                )
            ).one()
        placed.append(Placed(order.id, data["number"], data["money"]["total"], order.handler_id, data))
    return placed


async def cs_login(client: httpx.AsyncClient, shop: CheckoutShop, email: str) -> dict[str, str]:
    """Headers of a CS of the shop (created with tests.factories.add_staff and that email)."""
    tokens = await login(client, email, PASSWORD)
    return bearer(tokens, shop.store_id)


async def order_row(rt: Runtime, order_id: int) -> Order:
    async with rt.db.session(write=False) as session:
        order = await session.get(Order, order_id)
        assert order is not None
        return order


async def stats_match(rt: Runtime, store_id: int) -> None:
    """The recap counters equal a fresh aggregate over the orders (per status, payment status, method, handler):
    their orders and every amount (order/stats.py's AMOUNTS, summed from the orders as the rebuild sums them)."""
    c = OrderDailyStat
    keys = (c.status, c.payment_status, c.payment_method, c.handler_id)
    order_keys = (Order.status, Order.payment_status, Order.payment_method, func.coalesce(Order.handler_id, 0))
    async with rt.db.session(write=False) as session:
        sums = [func.sum(getattr(c, name)) for name in ("orders", *AMOUNTS)]
        rows = await session.execute(select(*keys, *sums).where(c.store_id == store_id).group_by(*keys))
        counters = {tuple(row[:4]): tuple(row[4:]) for row in rows if row[4]}
        fresh = [func.count(), *(func.sum(amount) for amount in ORDER_AMOUNTS)]
        rows = await session.execute(
            select(*order_keys, *fresh).where(Order.store_id == store_id).group_by(*order_keys)
        )
        actual = {tuple(row[:4]): tuple(row[4:]) for row in rows}
    assert counters == actual
