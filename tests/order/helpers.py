"""Orders placed through the real checkout, and the people who work them (owner, CS), for back-office tests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import func, select

from bosonline.models import Order, OrderDailyStat
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
    """The recap counters equal a fresh aggregate over the orders (per status, payment status, method, handler)."""
    async with rt.db.session(write=False) as session:
        counters = {
            (r.status, r.payment_status, r.payment_method, r.handler_id): (r.orders, r.total)
            for r in await session.execute(
                select(
                    OrderDailyStat.status,
                    OrderDailyStat.payment_status,
                    OrderDailyStat.payment_method,
                    OrderDailyStat.handler_id,
                    func.sum(OrderDailyStat.orders).label("orders"),
                    func.sum(OrderDailyStat.total).label("total"),
                )
                .where(OrderDailyStat.store_id == store_id)
                .group_by(
                    OrderDailyStat.status,
                    OrderDailyStat.payment_status,
                    OrderDailyStat.payment_method,
                    OrderDailyStat.handler_id,
                )
            )
            if r.orders
        }
        actual = {
            (r.status, r.payment_status, r.payment_method, r.handler_id or 0): (r.orders, r.total)
            for r in await session.execute(
                select(
                    Order.status,
                    Order.payment_status,
                    Order.payment_method,
                    Order.handler_id,
                    func.count().label("orders"),
                    func.sum(Order.total).label("total"),
                )
                .where(Order.store_id == store_id)
                .group_by(Order.status, Order.payment_status, Order.payment_method, Order.handler_id)
            )
        }
    assert counters == actual
