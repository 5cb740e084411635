"""Follow-ups as an order sees them: the implementation of order/followups.py's `OrderFollowups` seam, plugged
into the runtime by the entry point (bosonline/wiring.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.followup.orders.repository import messages_of
from bosonline.followup.rules import DONE, OPEN, still_applies
from bosonline.followup.schedule import FollowupScheduler
from bosonline.models import FollowupMessage, Order
from bosonline.order.schemas import OrderFollowupItemOut, OrderFollowupNextOut, OrderFollowupsOut


class Followups:
    """order.followups.OrderFollowups: the scheduler of a timeline, and Detail Order's follow-ups section."""

    def planner(self, session: AsyncSession, store_id: int, now: datetime) -> FollowupScheduler:
        return FollowupScheduler(session, store_id, now)

    async def of_order(self, session: AsyncSession, order: Order) -> OrderFollowupsOut:
        return followups_out(order, (await messages_of(session, order.store_id, [order.id]))[order.id])


def followups_out(order: Order, rows: list[FollowupMessage]) -> OrderFollowupsOut:
    """The order's follow-up rows (by step) in brief: done count, the lowest step to do now (one waiting for a
    status the order is not in yet is not next), each row."""
    waiting = next(
        (
            row
            for row in rows
            if row.status in OPEN and still_applies(row.trigger, order.status, order.payment_status) is None
        ),
        None,
    )
    return OrderFollowupsOut(
        attempts=sum(1 for row in rows if row.status in DONE),
        next=(
            OrderFollowupNextOut(
                step=waiting.step, name=waiting.template_name, due_at=waiting.due_at, channel=waiting.channel
            )
            if waiting
            else None
        ),
        items=[OrderFollowupItemOut.model_validate(row, from_attributes=True) for row in rows],
    )
