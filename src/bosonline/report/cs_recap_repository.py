"""SQL of Recap CS: three aggregate statements over the period's orders, grouped by handler (CS), never rows.

- `_per_handler`: orders handled, closed (paid or shipped), paid, shipped, canceled and returned.
- `_sent`: per handler and step, the follow-ups sent on those orders (status sent, delivered or read).
- `_converted`: an order paid after a follow-up is converted by the LAST follow-up sent before its payment
  (`orders.paid_at`), which gets the order and its total (Rupiah recovered): per paid order, one probe of its
  follow-ups (latest sent before the payment), so each order converts once.

A follow-up is never created before its order (it is scheduled when the order or its status changes), so
`followup_messages.created_at >= start` is true of every follow-up of the period's orders: it lets the planner
start from the `(store_id, created_at)` index of follow-ups instead of the whole table.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, bindparam, func, select

from bosonline.models import FollowupMessage, StoreMember
from bosonline.report.recap_period import Period
from bosonline.report.recap_sql import CANCELED, ORDERS, PAID, RTS, SHIPPED, flag, in_period, orders, total
from bosonline.tenancy import ScopedRepository

SENT = ("sent", "delivered", "read")

_messages = FollowupMessage.__table__.c
_members = StoreMember.__table__.c


def _mine(cs: bool) -> list[Any]:
    return [orders.handler_id == bindparam("member_id")] if cs else []


def _per_handler(cs: bool) -> Select[Any]:
    return (
        select(
            orders.handler_id,
            func.count().label("handled"),
            total(flag(PAID | SHIPPED)).label("closed"),
            total(flag(PAID)).label("paid"),
            total(flag(SHIPPED)).label("shipped"),
            total(flag(CANCELED)).label("canceled"),
            total(flag(RTS)).label("rts"),
        )
        .where(*in_period(), *_mine(cs))
        .group_by(orders.handler_id)
    )


def _sent(cs: bool) -> Select[Any]:
    """Per handler and step: the follow-ups sent on the period's orders."""
    m = _messages
    return (
        select(orders.handler_id, m.step, func.count().label("sent"))
        .select_from(ORDERS.join(FollowupMessage.__table__, m.order_id == orders.id))
        .where(*in_period(), *_mine(cs), *_was_sent(m))
        .group_by(orders.handler_id, m.step)
    )


def _was_sent(m: Any) -> list[Any]:
    return [
        m.store_id == bindparam("store_id"),
        m.created_at >= bindparam("start"),
        m.status.in_(SENT),
        m.sent_at.is_not(None),
    ]


def _converted(cs: bool) -> Select[Any]:
    """Per handler and step: the period's paid orders whose last follow-up sent before the payment was of that
    step (one probe of the order's follow-ups per paid order), and their totals."""
    m = _messages
    last_step = (
        select(m.step)
        .where(m.order_id == orders.id, *_was_sent(m), m.sent_at <= orders.paid_at)
        .order_by(m.sent_at.desc(), m.id.desc())
        .limit(1)
        .scalar_subquery()
    )
    paid = (
        select(orders.handler_id, last_step.label("step"), orders.total)
        .where(*in_period(), *_mine(cs), PAID, orders.paid_at.is_not(None))
        .subquery("paid")
    )
    p = paid.c
    # Paid orders with no follow-up before the payment come as step NULL (left out by the caller): a WHERE on the
    # step would make PostgreSQL run the probe twice per order.
    return select(p.handler_id, p.step, func.count().label("converted"), total(p.total).label("recovered")).group_by(
        p.handler_id, p.step
    )


_STATEMENTS = {(build, cs): build(cs) for build in (_per_handler, _sent, _converted) for cs in (False, True)}
_CS_MEMBERS: Select[Any] = select(
    _members.id, _members.name, _members.role, _members.status, _members.removed_at
).where(_members.store_id == bindparam("store_id"))


class CsRecapRepository(ScopedRepository):
    def _values(self, period: Period, cs: bool) -> dict[str, Any]:
        values: dict[str, Any] = {"store_id": self.ctx.store_id, "start": period.start, "end": period.end}
        if cs:
            values["member_id"] = self.ctx.member_id
        return values

    async def per_handler(self, period: Period, cs: bool) -> list[Row[Any]]:
        stmt = _STATEMENTS[(_per_handler, cs)]
        return list((await self.session.execute(stmt, self._values(period, cs))).all())

    async def sent(self, period: Period, cs: bool) -> list[Row[Any]]:
        stmt = _STATEMENTS[(_sent, cs)]
        return list((await self.session.execute(stmt, self._values(period, cs))).all())

    async def converted(self, period: Period, cs: bool) -> list[Row[Any]]:
        stmt = _STATEMENTS[(_converted, cs)]
        return list((await self.session.execute(stmt, self._values(period, cs))).all())

    async def members(self) -> list[Row[Any]]:
        """Everyone who is or was in the store (a handler of old orders may have left): id, name, role, status,
        removed_at."""
        return list((await self.session.execute(_CS_MEMBERS, {"store_id": self.ctx.store_id})).all())
