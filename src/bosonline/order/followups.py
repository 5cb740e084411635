"""What an order needs from its follow-ups, as a seam: order sits below followup and never imports it.

- `OrderTimeline` asks for a planner per timeline: it is told of the orders created and of status/payment changes,
  and writes (schedules or cancels) the follow-up rows at `flush()`, in the same transaction as the change.
- Detail Order asks for the order's follow-ups section (one query).

followup/orders/hooks.py implements `OrderFollowups`; the entry point plugs it into the runtime
(bosonline/wiring.py: `runtime.plug(ORDER_FOLLOWUPS, ...)`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.models import Order, OrderLine
from bosonline.order.schemas import OrderFollowupsOut
from bosonline.runtime import Runtime, Seam


class FollowupPlanner(Protocol):
    def created(self, order: Order, lines: Sequence[OrderLine]) -> None: ...

    def status_changed(self, order: Order, to_status: str) -> None: ...

    def state_changed(self, order: Order) -> None: ...

    async def flush(self) -> None: ...


class OrderFollowups(Protocol):
    def planner(self, session: AsyncSession, store_id: int, now: datetime) -> FollowupPlanner: ...

    async def of_order(self, session: AsyncSession, order: Order) -> OrderFollowupsOut: ...


ORDER_FOLLOWUPS: Seam[OrderFollowups] = Seam("order.followups")


def order_followups(runtime: Runtime) -> OrderFollowups:
    return runtime.plugged(ORDER_FOLLOWUPS)
