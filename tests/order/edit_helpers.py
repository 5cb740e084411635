"""Shared set-up of the order edit tests: a shop with one placed order, moving an order to a state (keeping the
recap counters in step, as the real status change does), the money formula, events, a CS of the shop."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from bosonline.models import Order, OrderEvent, Store, StoreMember, User
from bosonline.order.timeline import SYSTEM, OrderTimeline
from bosonline.runtime import Runtime
from tests.factories import add_staff, seller
from tests.order.helpers import CheckoutShop, Placed, cs_login, make_checkout_shop, order_row, place_orders

MONEY = ("product_price", "product_discount", "shipping_cost", "shipping_discount", "cod_fee", "other_fee")


async def shop_and_order(
    client: httpx.AsyncClient, rt: Runtime, *, cs: int = 0, **overrides: Any
) -> tuple[CheckoutShop, Placed]:
    shop = await make_checkout_shop(client, rt, cs=cs)
    (placed,) = await place_orders(client, rt, shop, **overrides)
    return shop, placed


def formula(money: dict[str, int]) -> int:
    return (
        money["product_price"]
        - money["product_discount"]
        + money["shipping_cost"]
        - money["shipping_discount"]
        + money["cod_fee"]
        + money["other_fee"]
        - money["unique_code"]
    )


async def assert_consistent(rt: Runtime, order_id: int, answered: dict[str, Any] | None = None) -> Order:
    """The stored order keeps the formula, and the answer (a detail) shows what is stored."""
    order = await order_row(rt, order_id)
    stored = {name: getattr(order, name) for name in (*MONEY, "unique_code", "total")}
    assert order.total == formula(stored) >= 0
    if answered is not None:
        shown = answered["money"]
        assert {name: shown[name] for name in stored} == stored
    return order


async def move(rt: Runtime, order_id: int, **values: Any) -> None:
    """Sets columns of an order the way a real change would (counters kept in step), for set-up only."""
    async with rt.db.session() as session:
        order = await session.get(Order, order_id)
        assert order is not None
        store = await session.get(Store, order.store_id)
        assert store is not None
        timeline = OrderTimeline(session, rt, store, SYSTEM)
        timeline.before(order)
        for name, value in values.items():
            setattr(order, name, value)
        await timeline.finish()
        await session.commit()


async def events(rt: Runtime, order_id: int, kind: str | None = None) -> list[OrderEvent]:
    async with rt.db.session(write=False) as session:
        stmt = select(OrderEvent).where(OrderEvent.order_id == order_id).order_by(OrderEvent.id)
        if kind is not None:
            stmt = stmt.where(OrderEvent.kind == kind)
        return list(await session.scalars(stmt))


async def stranger(client: httpx.AsyncClient) -> dict[str, str]:
    """Headers of the owner of another store."""
    return (await stranger_store(client))[0]


async def stranger_store(client: httpx.AsyncClient) -> tuple[dict[str, str], int]:
    """Headers of the owner of another store, and that store's id."""
    other = await seller(client, name="Toko Lain")
    return other["headers"], other["store"]["id"]


async def cs_headers(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, member_id: int | None = None
) -> dict[str, str]:
    """A CS of the shop: the member `member_id` (one of shop.cs_members), or a new CS no order is assigned to."""
    if member_id is None:
        member = await add_staff(client, shop.headers, name="CS Baru", phone="081377788899")
        email = member["email"]
    else:
        async with rt.db.session(write=False) as session:
            email = await session.scalar(
                select(User.email).join(StoreMember, StoreMember.user_id == User.id).where(StoreMember.id == member_id)
            )
    return await cs_login(client, shop, email)
