"""Follow-up results (`GET /store/followup/stats`): one aggregate query over the rows created in a range of days of
the store's time zone, grouped by step for the orders' rows and as one group for the abandoned checkouts' rows (a
NULL group key); rows are never loaded into Python."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, case, exists, func, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.followup.orders.schemas import AbandonedStatsOut, FollowupStatsOut, StepStatsOut
from bosonline.models import CheckoutLead, FollowupMessage, Order, OrderEvent
from bosonline.order.list_repository import day_bounds
from bosonline.report.periods import period, today_in
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext

MAX_DAYS = 366
SENT = ("sent", "delivered", "read")
DELIVERED = ("delivered", "read")


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class FollowupStats:
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        self.session = session
        self.rt = runtime
        self.ctx = ctx

    def range(self, date_from: date | None, date_to: date | None) -> tuple[date, date]:
        """The days asked for (report.periods: defaults, bounds and their 422 codes), at most MAX_DAYS."""
        today = today_in(self.rt.clock.now(), self.ctx.store.timezone)
        found = period(date_from, date_to, "day", today, max_days=MAX_DAYS)
        return found.start, found.end

    async def per_step(self, date_from: date | None, date_to: date | None) -> FollowupStatsOut:
        start_day, end_day = self.range(date_from, date_to)
        start, end = day_bounds(start_day, end_day, self.ctx.store.timezone)
        assert start is not None and end is not None
        m = FollowupMessage
        was_sent = m.status.in_(SENT)
        confirmed_after = exists(
            select(literal(1)).where(
                OrderEvent.store_id == self.ctx.store_id,
                OrderEvent.order_id == m.order_id,
                OrderEvent.to_status == "confirmed",
                OrderEvent.created_at >= m.sent_at,
            )
        )
        order_converted = and_(was_sent, m.order_id.is_not(None), or_(Order.paid_at >= m.sent_at, confirmed_after))
        lead_converted = and_(
            was_sent,
            m.order_id.is_(None),
            CheckoutLead.status == "converted",
            CheckoutLead.updated_at >= m.sent_at,  # written when the checkout became an order, then never again
        )
        # Orders (or checkouts) counted once per group however many of its rows were sent before it converted.
        converted = case((order_converted, m.order_id), (lead_converted, m.lead_id), else_=None)
        group = case((m.order_id.is_not(None), m.step), else_=None)  # NULL: the abandoned checkouts' rows
        stmt = (
            select(
                group.label("step"),
                func.count().label("scheduled"),
                _count_if(was_sent).label("sent"),
                _count_if(m.status.in_(DELIVERED)).label("delivered"),
                _count_if(m.status == "read").label("read"),
                _count_if(m.status == "failed").label("failed"),
                _count_if(m.status == "unknown").label("unknown"),
                _count_if(m.status == "skipped").label("skipped"),
                _count_if(m.status == "canceled").label("canceled"),
                func.count(converted.distinct()).label("converted"),
            )
            .select_from(m)
            .outerjoin(Order, and_(Order.id == m.order_id, Order.store_id == m.store_id))
            .outerjoin(CheckoutLead, and_(CheckoutLead.id == m.lead_id, CheckoutLead.store_id == m.store_id))
            .where(
                m.store_id == self.ctx.store_id,
                m.created_at >= start,
                m.created_at < end,
                or_(m.order_id.is_not(None), m.lead_id.is_not(None)),
            )
            .group_by(group)
        )
        steps: list[StepStatsOut] = []
        abandoned = AbandonedStatsOut(**dict.fromkeys(AbandonedStatsOut.model_fields, 0))
        for row in (await self.session.execute(stmt)).mappings():
            counts = {key: int(value) for key, value in row.items() if key != "step"}
            if row["step"] is None:
                abandoned = AbandonedStatsOut(**counts)
            else:
                steps.append(StepStatsOut(step=int(row["step"]), **counts))
        steps.sort(key=lambda item: item.step)
        return FollowupStatsOut(
            date_from=start_day,
            date_to=end_day,
            timezone=self.ctx.store.timezone,
            steps=steps,
            abandoned=abandoned,
        )
