"""SQL of Recap CS: two aggregate statements over the period's orders, grouped by handler (CS), never rows.

- `_per_handler`: orders handled, closed (paid or shipped), paid, shipped, canceled and returned.
- `_followups`: per handler and step, the follow-ups sent on those orders (status sent, delivered or read) and
  the conversions: an order paid after a follow-up is converted by the LAST follow-up sent before its payment
  (`orders.paid_at`), which gets the order and its total (Rupiah recovered). The last one is picked with a window
  (`row_number()` per order, those sent before payment first, latest first), so each order converts once.

A follow-up is never created before its order (it is scheduled when the order or its status changes), so
`followup_messages.created_at >= start` is true of every follow-up of the period's orders: it lets the planner
start from the `(store_id, created_at)` index of follow-ups instead of the whole table.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row, Select, and_, bindparam, case, func, select

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


def _followups(cs: bool) -> Select[Any]:
    m = _messages
    before_payment = and_(PAID, orders.paid_at.is_not(None), m.sent_at <= orders.paid_at)
    sent = (
        select(
            orders.handler_id,
            m.step,
            orders.total,
            flag(before_payment).label("before_payment"),
            func.row_number()
            .over(partition_by=m.order_id, order_by=(flag(before_payment).desc(), m.sent_at.desc(), m.id.desc()))
            .label("latest"),
        )
        .select_from(ORDERS.join(FollowupMessage.__table__, m.order_id == orders.id))
        .where(
            *in_period(),
            *_mine(cs),
            m.store_id == bindparam("store_id"),
            m.created_at >= bindparam("start"),
            m.status.in_(SENT),
            m.sent_at.is_not(None),
        )
        .subquery("sent")
    )
    s = sent.c
    converting = and_(s.latest == 1, s.before_payment == 1)
    return (
        select(
            s.handler_id,
            s.step,
            func.count().label("sent"),
            total(flag(converting)).label("converted"),
            total(case((converting, s.total), else_=0)).label("recovered"),
        )
        .group_by(s.handler_id, s.step)
        .order_by(s.handler_id, s.step)
    )


_STATEMENTS = {(build, cs): build(cs) for build in (_per_handler, _followups) for cs in (False, True)}
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

    async def followups(self, period: Period, cs: bool) -> list[Row[Any]]:
        stmt = _STATEMENTS[(_followups, cs)]
        return list((await self.session.execute(stmt, self._values(period, cs))).all())

    async def members(self) -> list[Row[Any]]:
        """Everyone who is or was in the store (a handler of old orders may have left): id, name, role, status,
        removed_at."""
        return list((await self.session.execute(_CS_MEMBERS, {"store_id": self.ctx.store_id})).all())
