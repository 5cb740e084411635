"""Every change of an order goes through an `OrderTimeline`: it appends the `order_event` (who, when, from, to,
note, before/after), keeps the recap counters (order/stats.py) in step, queues the store's webhooks (outbox
rows in the same transaction: they leave only if the change commits), and schedules or cancels the order's
follow-ups (through order/followups.py's seam, which followup/schedule.py fills: rows written in the same
transaction).

Use:
    timeline = OrderTimeline(session, runtime, store, Actor.of(ctx))
    timeline.before(order)                       # before touching the order (its counters key and total)
    ... change the order ...
    timeline.record(order, "customer_edited", data=changes(before, after))
    await timeline.finish()                      # counters + webhooks, once for everything recorded
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.models import Order, OrderEvent, OrderLine, Store
from bosonline.order.followups import order_followups
from bosonline.order.presenters import customer_out
from bosonline.order.pricing import money_columns
from bosonline.order.schemas import OrderLineOut
from bosonline.order.stats import Snapshot, StatsDelta, apply, snapshot
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext
from bosonline.webhook.outbox import WebhookOutbox


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    label: str

    @classmethod
    def of(cls, ctx: StoreContext) -> Actor:
        return cls(ctx.user_id, ctx.member.name)


BUYER = Actor(None, "buyer")
SYSTEM = Actor(None, "system")


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """`{"before": {...}, "after": {...}}` limited to the keys whose value changed."""
    keys = [key for key in after if before.get(key) != after[key]]
    return {"before": {key: before.get(key) for key in keys}, "after": {key: after[key] for key in keys}}


# What of the customer block webhook receivers get (in OrderCustomerOut's order).
WEBHOOK_CUSTOMER = {"name", "phone", "email", "address", "region_code", "region_name", "postal_code"}
# A line's columns as Detail Order shows them, but its id and weight (read from the rows: a new order's lines are
# announced before they are flushed).
WEBHOOK_LINE = [name for name in OrderLineOut.model_fields if name not in {"id", "weight_g"}]


def order_payload(order: Order, lines: list[OrderLine] | None = None) -> dict[str, Any]:
    """The order as webhook receivers get it (`data.order`)."""
    payload: dict[str, Any] = {
        "id": order.id,
        "number": order.number,
        "status": order.status,
        "payment_status": order.payment_status,
        "payment_method": order.payment_method,
        "customer": customer_out(order).model_dump(include=WEBHOOK_CUSTOMER),
        "money": {**money_columns(order), "other_fee_name": order.other_fee_name},
        "courier": order.courier,
        "courier_service": order.courier_service,
        "awb": order.awb,
        "handler_id": order.handler_id,
        "form_id": order.form_id,
        "created_at": order.created_at.isoformat() if order.created_at else None,
        "paid_at": order.paid_at.isoformat() if order.paid_at else None,
    }
    if lines is not None:
        payload["lines"] = [{name: getattr(line, name) for name in WEBHOOK_LINE} for line in lines]
    return payload


# Which webhook event an event kind is announced as (kinds not listed: order.updated).
WEBHOOK_OF_KIND = {
    "created": "order.created",
    "status_changed": "order.status_changed",
    "payment_confirmed": "order.payment_status_changed",
    "payment_conflict": "order.payment_status_changed",
}


class OrderTimeline:
    def __init__(self, session: AsyncSession, runtime: Runtime, store: Store, actor: Actor) -> None:
        self.session = session
        self.store = store
        self.actor = actor
        self.now = runtime.clock.now()
        self._before: dict[int, Snapshot] = {}
        self._orders: dict[int, Order] = {}
        self._delta = StatsDelta()
        self._webhooks: list[tuple[str, dict[str, Any], int]] = []
        self.outbox = WebhookOutbox(session, store.id, self.now)
        self.followups = order_followups(runtime).planner(session, store.id, self.now)

    def before(self, order: Order) -> None:
        """Remember the order's counters key and total before it changes (once per order per timeline)."""
        if order.id not in self._before:
            self._before[order.id] = snapshot(order, self.store.timezone)
            self._orders[order.id] = order

    def created(self, order: Order, lines: list[OrderLine]) -> None:
        """A new order (its `created` event is written with it): counted, and announced as order.created."""
        self._delta.add(snapshot(order, self.store.timezone))
        self._webhooks.append(("order.created", {"order": order_payload(order, lines)}, order.id))
        self.followups.created(order, lines)

    def record(
        self,
        order: Order,
        kind: str,
        *,
        note: str | None = None,
        data: dict[str, Any] | None = None,
        from_status: str | None = None,
        to_status: str | None = None,
    ) -> OrderEvent:
        event = OrderEvent(
            order_id=order.id,
            store_id=order.store_id,
            kind=kind,
            actor_user_id=self.actor.user_id,
            actor_label=self.actor.label,
            from_status=from_status,
            to_status=to_status,
            note=note,
            data=data or {},
            created_at=self.now,
        )
        self.session.add(event)
        order.updated_at = self.now
        webhook_data: dict[str, Any] = {"change": kind}  # `order` is added by finish(), as the order is then
        if from_status is not None or to_status is not None:
            webhook_data["from_status"] = from_status
            webhook_data["to_status"] = to_status
        if data:
            webhook_data["changes"] = data
        self._webhooks.append((WEBHOOK_OF_KIND.get(kind, "order.updated"), webhook_data, order.id))
        self._orders.setdefault(order.id, order)
        if to_status is not None and to_status != from_status:
            self.followups.status_changed(order, to_status)
        return event

    async def finish(self) -> None:
        """Write the counters' changes, queue the webhooks (with each order as it is now), schedule the follow-ups
        the changes start and cancel those they end."""
        for order_id, before in self._before.items():
            after = snapshot(self._orders[order_id], self.store.timezone)
            self._delta.move(before, after)
            if (before.key.status, before.key.payment_status) != (after.key.status, after.key.payment_status):
                self.followups.state_changed(self._orders[order_id])
        self._before.clear()
        await apply(self.session, self.store.id, self._delta)
        for _, data, order_id in self._webhooks:
            if "order" not in data:
                data["order"] = order_payload(self._orders[order_id])
        if self._webhooks:
            await self.outbox.emit_many(self._webhooks)
        self._webhooks.clear()
        await self.followups.flush()
