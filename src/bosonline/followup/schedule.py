"""Scheduling follow-ups: the `followup_messages` rows an order event starts, written in the transaction of that
event (DESIGN.md §5), and the canceling of rows that no longer apply once an order has changed.

- An order is created: every template of its set (followup/template_sets.py) whose clock starts at creation
  (rules.starts_at_creation) gets a row due `hours_after` hours later. Leads (abandoned checkouts) the order
  converts have their waiting rows canceled.
- An order's status changes: templates with `change_status=true` and that status as `trigger` get their row.
- An order's status or payment status changes: its waiting rows whose trigger no longer applies (rules.still_applies)
  are canceled with the reason in `error`. A row for a status the order has not reached yet (a template with
  `change_status=false`) stays while the status table can still reach it; once due, the dispatcher postpones it
  hour by hour with `error` = waiting_for(status) (dispatch/repository.py). When the order's status changes to that
  status, its rows carrying that mark become due at once (the mark cleared), instead of at the next hourly look.
- A checkout is abandoned (a lead is saved): templates with trigger `abandoned` get a row of the lead, due
  max(`hours_after` hours, LEAD_IDLE) after that save. The clock runs from the buyer's LAST save: every later save
  of the lead restarts it (restart_lead_clock), so a buyer still typing gets nothing; a buyer idle for LEAD_IDLE
  has left.

Rows are unique per (order, template) and per (lead, template): inserts skip the ones that exist
(`INSERT … ON CONFLICT DO NOTHING`), so an event that happens twice never schedules a follow-up twice. Statements
do not grow with the number of orders: one read of the candidate templates, one INSERT (executemany) of all rows,
one UPDATE per distinct (status, payment status) of the changed orders, one UPDATE per distinct new status.

A template's rows still `scheduled` follow its `provider` when it is edited (follow_provider): a template switched
from a gateway to `manual` is no longer sent by the dispatcher, one switched to a gateway is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, case, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import insert_ignoring_conflicts, rowcount
from bosonline.followup.rules import (
    ABANDONED,
    MANUAL,
    PACED,
    TRIGGERS,
    is_status_trigger,
    starts_at_creation,
    starts_at_status,
    still_applies,
)
from bosonline.followup.template_sets import pick_set
from bosonline.models import CheckoutLead, FollowupChat, FollowupMessage, Order, OrderLine, ProductVariant
from bosonline.order.state import TRANSITIONS
from bosonline.webhook.outbox import wake_worker_after_commit

LEAD_CONVERTED = "checkout became an order"
# A buyer who has not saved their checkout for this long has left it: the least delay of an `abandoned` follow-up.
LEAD_IDLE = timedelta(minutes=30)
# The UPDATEs below are Core statements on the table: no ORM synchronization of rows a caller may hold.
_MESSAGES = FollowupMessage.__table__


@cache
def reachable(current: str, target: str) -> bool:
    """Whether the status table can still take an order from `current` to `target` (in one or more moves)."""
    seen, todo = {current}, [current]
    while todo:
        for nxt in TRANSITIONS.get(todo.pop(), ()):
            if nxt == target:
                return True
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return False


def waiting_for(status: str) -> str:
    """The `error` of a due row the dispatcher holds back until its order reaches `status`."""
    return f"waiting for order {status}"


def gone_reason(trigger: str, status: str, payment_status: str) -> str | None:
    """Why a waiting follow-up with `trigger` is over for an order in this state (None: it stays)."""
    reason = still_applies(trigger, status, payment_status)
    if reason is None:
        return None
    if is_status_trigger(trigger) and trigger != status and reachable(status, trigger):
        return None  # change_status=false: it goes once the order gets there
    return reason


def message_row(
    *,
    store_id: int,
    template: FollowupChat,
    step: int,
    due_at: datetime,
    now: datetime,
    order_id: int | None = None,
    lead_id: int | None = None,
    status: str = "scheduled",
) -> dict[str, Any]:
    """A `followup_messages` row with the template's snapshot (every row has the same keys: one executemany)."""
    return {
        "store_id": store_id,
        "order_id": order_id,
        "lead_id": lead_id,
        "template_id": template.id,
        "step": step,
        "template_name": template.name,
        "trigger": template.trigger,
        "channel": template.provider,
        "status": status,
        "due_at": due_at,
        "attempts": 0,
        "image": template.image,
        "created_at": now,
        "updated_at": now,
    }


def due(start: datetime, template: FollowupChat) -> datetime:
    return start + timedelta(hours=template.hours_after)


def lead_due(saved_at: datetime, hours_after: int) -> datetime:
    """When an `abandoned` follow-up of a checkout last saved at `saved_at` is due."""
    return saved_at + max(timedelta(hours=hours_after), LEAD_IDLE)


async def insert_rows(session: AsyncSession, rows: list[dict[str, Any]], now: datetime) -> None:
    """The rows (existing (order|lead, template) pairs skipped); wakes the worker after commit when one of them is
    a gateway send due now."""
    if not rows:
        return
    await insert_ignoring_conflicts(session, FollowupMessage.__table__, rows)
    if due_now(rows, now):
        wake_worker_after_commit(session)


def due_now(rows: Sequence[dict[str, Any]], now: datetime) -> bool:
    """Whether one of these new rows is a gateway send due now (the worker is woken after commit for it)."""
    return any(row["channel"] != MANUAL and row["status"] == "scheduled" and row["due_at"] <= now for row in rows)


def _candidates(store_id: int, product_ids: Sequence[int], *, abandoned: bool = False) -> Any:
    """The templates that may make up the set of orders with these products (template_sets.template_set's
    candidates), plus — with `abandoned` — the store's `abandoned` templates (whether leads may have rows)."""
    conditions: list[ColumnElement[bool]] = [FollowupChat.product_id.is_(None), FollowupChat.is_default.is_(True)]
    if product_ids:
        conditions.append(FollowupChat.product_id.in_(sorted(set(product_ids))))
    if abandoned:
        conditions.append(FollowupChat.trigger == ABANDONED)
    return select(FollowupChat).where(FollowupChat.store_id == store_id, or_(*conditions))


def is_creation_candidate(template: FollowupChat, product_ids: Sequence[int]) -> bool:
    """_candidates(…, abandoned=True) in Python, for templates already loaded (checkout caches a store's)."""
    return (
        template.product_id is None
        or template.is_default
        or template.product_id in product_ids
        or template.trigger == ABANDONED
    )


def creation_rows(
    candidates: Sequence[FollowupChat], store_id: int, order: Order, product_ids: Sequence[int], now: datetime
) -> list[dict[str, Any]]:
    """The follow-up rows a new order gets: each template of its set whose clock starts at creation."""
    start = order.created_at or now
    return [
        message_row(
            store_id=store_id, order_id=order.id, template=template, step=step, due_at=due(start, template), now=now
        )
        for step, template in enumerate(pick_set(list(candidates), list(product_ids)), start=1)
        if starts_at_creation(template.trigger, template.change_status, order.status)
    ]


@dataclass
class _Created:
    order: Order
    product_ids: list[int]


class FollowupScheduler:
    """Collects an OrderTimeline's events and writes their follow-up rows in `flush()` (from `finish()`)."""

    def __init__(self, session: AsyncSession, store_id: int, now: datetime) -> None:
        self.session = session
        self.store_id = store_id
        self.now = now
        self._created: dict[int, _Created] = {}
        self._started: dict[int, tuple[Order, str]] = {}
        self._changed: dict[int, Order] = {}

    def created(self, order: Order, lines: Sequence[OrderLine]) -> None:
        product_ids = [line.product_id for line in sorted(lines, key=lambda line: line.position) if line.product_id]
        self._created[order.id] = _Created(order, product_ids)

    def status_changed(self, order: Order, to_status: str) -> None:
        if order.id not in self._created:
            self._started[order.id] = (order, to_status)

    def state_changed(self, order: Order) -> None:
        """The order's status or payment status is not what it was: its waiting rows are checked."""
        if order.id not in self._created:
            self._changed[order.id] = order

    async def flush(self) -> None:
        await self._cancel_gone()
        await self._wake_waiting()
        rows = await self._creation_rows() + await self._status_rows()
        await insert_rows(self.session, rows, self.now)
        self._created.clear()
        self._started.clear()
        self._changed.clear()

    async def _creation_rows(self) -> list[dict[str, Any]]:
        if not self._created:
            return []
        product_ids = [p for created in self._created.values() for p in created.product_ids]
        candidates = list(await self.session.scalars(_candidates(self.store_id, product_ids, abandoned=True)))
        if not candidates:
            return []
        if any(template.trigger == ABANDONED for template in candidates):
            await self._cancel_converted_leads(list(self._created))
        return [
            row
            for created in self._created.values()
            for row in creation_rows(candidates, self.store_id, created.order, created.product_ids, self.now)
        ]

    async def _status_rows(self) -> list[dict[str, Any]]:
        if not self._started:
            return []
        statuses = sorted({status for _, status in self._started.values()})
        starters = await self.session.scalar(
            select(FollowupChat.id)
            .where(
                FollowupChat.store_id == self.store_id,
                FollowupChat.change_status.is_(True),
                FollowupChat.trigger.in_(statuses),
            )
            .limit(1)
        )
        if starters is None:  # the usual case: one cheap read, nothing to schedule
            return []
        product_ids: dict[int, list[int]] = defaultdict(list)
        lines = await self.session.execute(
            select(OrderLine.order_id, OrderLine.product_id)
            .where(OrderLine.store_id == self.store_id, OrderLine.order_id.in_(sorted(self._started)))
            .order_by(OrderLine.order_id, OrderLine.position)
        )
        for order_id, product_id in lines:
            if product_id is not None:
                product_ids[order_id].append(product_id)
        every_product = [p for ids in product_ids.values() for p in ids]
        candidates = list(await self.session.scalars(_candidates(self.store_id, every_product)))
        rows = []
        for order_id, (order, status) in self._started.items():
            if order.status != status:  # moved on again within the same change
                continue
            for step, template in enumerate(pick_set(candidates, product_ids[order_id]), start=1):
                if starts_at_status(template.trigger, template.change_status, status):
                    rows.append(
                        message_row(
                            store_id=self.store_id,
                            order_id=order_id,
                            template=template,
                            step=step,
                            due_at=due(self.now, template),
                            now=self.now,
                        )
                    )
        return rows

    async def _cancel_gone(self) -> None:
        """One UPDATE per distinct (status, payment status) among the changed orders: their waiting rows whose
        trigger is over become `canceled`, the reason (e.g. "order paid") in `error`."""
        groups: dict[tuple[str, str], list[int]] = defaultdict(list)
        for order in self._changed.values():
            groups[(order.status, order.payment_status)].append(order.id)
        for (status, payment_status), order_ids in sorted(groups.items()):
            reasons = {
                trigger: reason
                for trigger in TRIGGERS
                if trigger != ABANDONED and (reason := gone_reason(trigger, status, payment_status)) is not None
            }
            if not reasons:
                continue
            await self.session.execute(
                update(_MESSAGES)
                .where(
                    _MESSAGES.c.store_id == self.store_id,
                    _MESSAGES.c.status == "scheduled",
                    _MESSAGES.c.order_id.in_(sorted(order_ids)),
                    _MESSAGES.c.trigger.in_(sorted(reasons)),
                )
                .values(
                    status="canceled",
                    error=case(reasons, value=_MESSAGES.c.trigger),
                    updated_at=self.now,
                    locked_until=None,
                )
            )

    async def _wake_waiting(self) -> None:
        """Orders that reached a status: their rows held back for it (`error` = waiting_for(status)) are due now.
        One UPDATE per distinct new status; the worker is woken after commit when one of them is a gateway row."""
        by_status: dict[str, list[int]] = defaultdict(list)
        for order_id, (order, status) in self._started.items():
            if order.status == status:
                by_status[status].append(order_id)
        woken = 0
        for status, order_ids in sorted(by_status.items()):
            result = await self.session.execute(
                update(_MESSAGES)
                .where(
                    _MESSAGES.c.store_id == self.store_id,
                    _MESSAGES.c.status == "scheduled",
                    _MESSAGES.c.order_id.in_(sorted(order_ids)),
                    _MESSAGES.c.trigger == status,
                    _MESSAGES.c.error == waiting_for(status),
                )
                .values(due_at=self.now, error=None, updated_at=self.now)
            )
            woken += max(rowcount(result) or 0, 0)
        if woken:
            wake_worker_after_commit(self.session)

    async def _cancel_converted_leads(self, order_ids: list[int]) -> None:
        converted = select(CheckoutLead.id).where(
            CheckoutLead.store_id == self.store_id, CheckoutLead.converted_order_id.in_(order_ids)
        )
        await self.session.execute(
            update(_MESSAGES)
            .where(
                _MESSAGES.c.store_id == self.store_id,
                _MESSAGES.c.status == "scheduled",
                _MESSAGES.c.lead_id.in_(converted.scalar_subquery()),
            )
            .values(status="canceled", error=LEAD_CONVERTED, updated_at=self.now, locked_until=None)
        )


async def schedule_lead(session: AsyncSession, lead: CheckoutLead, now: datetime) -> None:
    """An abandoned checkout saved at `now`: rows of the `abandoned` templates of its products' set that it has
    not got yet, due lead_due(now, hours_after). One read when the store has no such template for these products."""
    variant_ids = sorted({int(item["variant_id"]) for item in lead.items or [] if item.get("variant_id")})
    products = (
        select(ProductVariant.product_id)
        .where(ProductVariant.store_id == lead.store_id, ProductVariant.id.in_(variant_ids))
        .scalar_subquery()
    )
    conditions = [FollowupChat.product_id.is_(None), FollowupChat.is_default.is_(True)]
    if variant_ids:
        conditions.append(FollowupChat.product_id.in_(products))
    candidates = list(
        await session.scalars(select(FollowupChat).where(FollowupChat.store_id == lead.store_id, or_(*conditions)))
    )
    if not any(template.trigger == ABANDONED for template in candidates):
        return
    product_of = dict(
        (
            await session.execute(
                select(ProductVariant.id, ProductVariant.product_id).where(
                    ProductVariant.store_id == lead.store_id, ProductVariant.id.in_(variant_ids)
                )
            )
        ).all()
    )
    product_ids: list[int] = []
    for item in lead.items or []:
        product_id = product_of.get(int(item.get("variant_id") or 0))
        if product_id is not None and product_id not in product_ids:
            product_ids.append(product_id)
    rows = [
        message_row(
            store_id=lead.store_id,
            lead_id=lead.id,
            template=template,
            step=step,
            due_at=lead_due(now, template.hours_after),
            now=now,
        )
        for step, template in enumerate(pick_set(candidates, product_ids), start=1)
        if template.trigger == ABANDONED
    ]
    await insert_rows(session, rows, now)


async def restart_lead_clock(session: AsyncSession, lead: CheckoutLead, now: datetime) -> None:
    """The buyer saved the checkout again at `now`: its rows still `scheduled` are due lead_due(now, hours_after of
    their template) — one read, one UPDATE per distinct `hours_after`. A pacing slot a row held is given up (it is
    due later now); rows being sent or ended stay as they are."""
    held = _MESSAGES.c.error == PACED
    waiting = await session.execute(
        select(_MESSAGES.c.id, FollowupChat.hours_after)
        .join(FollowupChat, FollowupChat.id == _MESSAGES.c.template_id)
        .where(
            _MESSAGES.c.store_id == lead.store_id,
            _MESSAGES.c.lead_id == lead.id,
            _MESSAGES.c.status == "scheduled",
        )
    )
    by_delay: dict[int, list[int]] = defaultdict(list)
    for message_id, hours_after in waiting:
        by_delay[hours_after].append(message_id)
    for hours_after, message_ids in sorted(by_delay.items()):
        await session.execute(
            update(_MESSAGES)
            .where(_MESSAGES.c.id.in_(sorted(message_ids)), _MESSAGES.c.status == "scheduled")
            .values(
                due_at=lead_due(now, hours_after),
                updated_at=now,
                error=case((held, None), else_=_MESSAGES.c.error),
                integration_id=case((held, None), else_=_MESSAGES.c.integration_id),
            )
        )


async def follow_provider(session: AsyncSession, store_id: int, template_id: int, provider: str, now: datetime) -> None:
    """A template's provider was edited: its rows still `scheduled` go through the new channel (one UPDATE), and a
    pacing slot held on the old provider's number is given up. Rows done, being sent or ended keep their channel."""
    held = _MESSAGES.c.error == PACED
    result = await session.execute(
        update(_MESSAGES)
        .where(
            _MESSAGES.c.store_id == store_id,
            _MESSAGES.c.template_id == template_id,
            _MESSAGES.c.status == "scheduled",
        )
        .values(
            channel=provider,
            updated_at=now,
            error=case((held, None), else_=_MESSAGES.c.error),
            integration_id=case((held, None), else_=_MESSAGES.c.integration_id),
        )
    )
    if provider != MANUAL and (rowcount(result) or 0) > 0:
        wake_worker_after_commit(session)
