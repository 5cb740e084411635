"""Revenue computed the plain way (every order read into Python) to compare the endpoints' counters with."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from bosonline.models import Order
from bosonline.runtime import Runtime

NOT_SALES = ("draft", "canceled", "rts")
WIB = timedelta(hours=7)


async def orders_of(rt: Runtime, store_id: int) -> list[Order]:
    async with rt.db.session(write=False) as session:
        return list((await session.scalars(select(Order).where(Order.store_id == store_id))).all())


def local_day(order: Order) -> date:
    created = order.created_at.replace(tzinfo=None)  # UTC on both databases
    return (created + WIB).date()


def plain_figures(orders: list[Order]) -> dict[str, Any]:
    """FiguresOut of these orders, written from the definitions in the README, not from the counters."""
    sales = [o for o in orders if o.status not in NOT_SALES]
    costed = [o for o in sales if o.cost is not None]
    cod = [o for o in sales if o.payment_method == "cod" and o.status in ("completed", "closed")]
    paid = [o for o in sales if o.payment_status in ("paid", "settled")]
    gross = sum(o.product_price + o.shipping_cost + o.cod_fee + o.other_fee for o in sales)
    total = sum(o.total for o in sales)
    shipping = sum(o.shipping_cost for o in sales)
    return {
        "orders": len(sales),
        "gross": gross,
        "discounts": sum(o.product_discount + o.shipping_discount + o.unique_code for o in sales),
        "shipping": shipping,
        "fees": sum(o.cod_fee + o.other_fee for o in sales),
        "total": total,
        "net": total - shipping,
        "paid": sum(o.total for o in paid),
        "paid_orders": len(paid),
        "cod_settled": sum(o.total for o in cod),
        "cod_settled_orders": len(cod),
        "canceled_orders": sum(1 for o in orders if o.status in ("canceled", "rts")),
        "costed_orders": len(costed),
        "cost": sum(o.cost or 0 for o in costed),
        "estimated_cost": sum(o.cost or 0 for o in costed if o.cost_estimated),
        "profit": (
            sum(o.product_price - o.product_discount - o.shipping_discount - (o.cost or 0) for o in costed)
            if costed
            else None
        ),
    }


def plain_series(
    orders: list[Order], start: date, end: date, bucket: Callable[[date], date]
) -> dict[date, dict[str, Any]]:
    """Figures per bucket key (`bucket(day)`: the bucket's first calendar day) of the orders placed start…end."""
    keys = sorted({bucket(start + timedelta(days=n)) for n in range((end - start).days + 1)})
    return {
        key: plain_figures([o for o in orders if start <= local_day(o) <= end and bucket(local_day(o)) == key])
        for key in keys
    }
