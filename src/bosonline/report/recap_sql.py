"""What the per-product and per-CS recaps say about an order, as SQL over `orders` (one definition for both):

- **paid**: payment status `paid` or `settled` (a COD order counts once its money is settled or marked paid);
- **shipped**: the order reached shipping (`shipped`, `completed`, `rts`, or `closed`, which only follows those);
- **canceled**: status `canceled`;
- **RTS** (returned to sender): status `rts`, or `closed` after `rts` (the order's timeline says so: the status
  machine closes returned and completed orders alike; the timeline is read only for closed orders);
- **live**: neither canceled nor RTS (its goods count as sold).

A recap's orders are those created in its period (local days of the store), whatever happened to them since.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, case, exists, func, literal, not_, or_, select

from bosonline.models import Order, OrderEvent
from bosonline.order.edit_base import PAID_STATUSES
from bosonline.order.state import PAST_SHIPPING

ORDERS = Order.__table__
orders = ORDERS.c
_events = OrderEvent.__table__.c

PAID = orders.payment_status.in_(sorted(PAID_STATUSES))
SHIPPED = orders.status.in_(sorted(PAST_SHIPPING))
CANCELED = orders.status == "canceled"
RTS = or_(
    orders.status == "rts",
    and_(
        orders.status == "closed",
        exists(select(literal(1)).where(_events.order_id == orders.id, _events.to_status == "rts")),
    ),
)
LIVE = and_(not_(CANCELED), not_(RTS))


def in_period() -> list[ColumnElement[bool]]:
    """The store's orders created in the period: bound parameters `store_id`, `start`, `end` (UTC)."""
    return [
        orders.store_id == bindparam("store_id"),
        orders.created_at >= bindparam("start"),
        orders.created_at < bindparam("end"),
    ]


def flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    """1 where `condition` holds, else 0 (to sum)."""
    return case((condition, 1), else_=0)


def total(value: Any) -> ColumnElement[int]:
    """SUM that is 0 over no rows."""
    return func.coalesce(func.sum(value), 0)
