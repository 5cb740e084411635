"""What every order edit shares: the locked order, the store's settings, the timeline, the refusals (409) and the
answer (the Detail Order of the changed order).

An edit reads like this:

    order = await self.lock(order_id)              # 404 unless visible to the caller; row locked until commit
    refuse_canceled(order); refuse_past_shipping(order)
    timeline = self.timeline(order)                # remembers the recap key and total before the change
    before = snap(order, FIELDS)
    ... change the order (money: await reprice(...)) ...
    return await self.done(order, timeline, "kind", before, FIELDS, note=...)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import Conflict, ValidationFailed
from bosonline.kit.clock import as_utc
from bosonline.models import Order, StoreSettings
from bosonline.order.detail_service import OrderDetails
from bosonline.order.errors import OrderError
from bosonline.order.repository import OrderRepository
from bosonline.order.schemas import OrderDetailOut
from bosonline.order.state import PAST_SHIPPING
from bosonline.order.timeline import Actor, OrderTimeline, changes
from bosonline.runtime import Runtime
from bosonline.tenancy import RepositoryService, StoreContext

# A time typed by a person may run a little ahead of the server's clock; an order's money or parcel cannot move
# long before the order existed (one day of slack for a buyer who paid before the CS keyed the order in).
FUTURE_SLACK = timedelta(minutes=5)
PAST_SLACK = timedelta(days=1)

PAID_STATUSES = frozenset({"paid", "settled"})


def refuse_canceled(order: Order) -> None:
    if order.status == "canceled":
        raise Conflict("This order is canceled: it can no longer be changed", code=OrderError.order_canceled)


def refuse_past_shipping(order: Order) -> None:
    """409 `order_past_shipping` once the parcel left (shipped, completed, rts, closed)."""
    if order.status in PAST_SHIPPING:
        raise Conflict(
            f"This order is {order.status}: its buyer, courier and money can no longer be changed",
            code=OrderError.order_past_shipping,
        )


def refuse_paid(order: Order, *, conflict_too: bool = False) -> None:
    """409 `order_paid` for a paid (or settled) order; with `conflict_too`, 409 `payment_received` for an order
    whose payment did not match its total."""
    if order.payment_status in PAID_STATUSES:
        raise Conflict(
            f"This order is {order.payment_status}: its total can no longer change", code=OrderError.order_paid
        )
    if conflict_too and order.payment_status == "conflict":
        raise Conflict(
            "A payment was already received for this order (it did not match the total): confirm the payment "
            "again, or leave the payment method as it is",
            code=OrderError.payment_received,
        )


def check_moment(field: str, value: datetime, order: Order, now: datetime) -> datetime:
    """A time given for this order (payment, shipment): 422 when it is more than 5 minutes ahead of now, or more
    than a day before the order was placed."""
    value = as_utc(value)
    if value > now + FUTURE_SLACK:
        raise ValidationFailed(fields={field: "is in the future"})
    if value < as_utc(order.created_at) - PAST_SLACK:
        raise ValidationFailed(fields={field: "is before the order was placed"})
    return value


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def snap(order: Order, fields: Iterable[str]) -> dict[str, Any]:
    """The order's `fields`, JSON-ready (the event's before/after)."""
    return {name: _plain(getattr(order, name)) for name in fields}


class OrderChange(RepositoryService[OrderRepository]):
    """Base of the edit services: built per request with `(session, runtime, ctx)` (deps.store_service)."""

    repository = OrderRepository

    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        super().__init__(session, runtime, ctx)
        self.now = runtime.clock.now()

    async def lock(self, order_id: int) -> Order:
        return await self.repo.get(order_id, for_update=True)

    async def settings(self) -> StoreSettings:
        found = await self.session.get(StoreSettings, self.ctx.store_id)
        assert found is not None, "every store has its settings row"
        return found

    def timeline(self, order: Order) -> OrderTimeline:
        timeline = OrderTimeline(self.session, self.rt, self.ctx.store, Actor.of(self.ctx))
        timeline.before(order)
        return timeline

    async def done(
        self,
        order: Order,
        timeline: OrderTimeline,
        kind: str,
        before: dict[str, Any],
        fields: Iterable[str],
        *,
        note: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> OrderDetailOut:
        """Records the event (when something changed, or `extra` says what happened), writes the counters and
        webhooks, and answers the order's detail."""
        data = changes(before, snap(order, fields))
        if data["after"] or extra:
            timeline.record(order, kind, note=note, data=data | (extra or {}))
        await timeline.finish()
        return await self.answer(order)

    async def answer(self, order: Order) -> OrderDetailOut:
        return await OrderDetails(self.session, self.rt, self.ctx).of(order)
