"""Follow-ups per order (the seed's Order → Follow up): the orders a CS still has to follow up, doing one (by hand
through a wa.me link, or queued to a gateway), every template of an order rendered for it, and what happened.

Steps: the order's template set (followup/template_sets.py) in order is Follow Up 1, 2, 3, …; templates with trigger
`abandoned` are for checkouts that did not become orders and are not part of an order's follow-ups.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import Conflict, NotFound
from bosonline.followup.order_repository import FollowupOrderRepository
from bosonline.followup.order_schemas import (
    FollowupAttemptOut,
    FollowUpIn,
    FollowUpOut,
    IntegrationRefOut,
    MessageHistoryOut,
    OrderChatOut,
    StatusChangedOut,
)
from bosonline.followup.render import load_order_texts, wa_link
from bosonline.followup.rules import ABANDONED, DONE, FINISHED, MANUAL, OPEN, is_status_trigger
from bosonline.followup.schedule import message_row
from bosonline.kit.clock import as_utc
from bosonline.kit.pagination import PageParams
from bosonline.kit.phone import display_phone
from bosonline.models import FollowupChat, FollowupMessage, Order
from bosonline.order.state import allowed_next
from bosonline.order.status import OrderStatusService
from bosonline.order.status_schemas import BulkStatusChangeIn
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext
from bosonline.webhook.outbox import wake_worker_after_commit

# A second Follow Up of the same order by the same CS within this window, without naming a template, is the same
# click arriving twice: it answers the follow-up just done instead of doing the next one.
DOUBLE_CLICK = timedelta(seconds=5)

Steps = list[tuple[int, FollowupChat]]


def order_steps(templates: Sequence[FollowupChat]) -> Steps:
    """(step, template) of an order's set, without the `abandoned` ones (steps stay the set's positions)."""
    return [(step, t) for step, t in enumerate(templates, start=1) if t.trigger != ABANDONED]


def attempts_done(rows: Sequence[FollowupMessage]) -> int:
    return sum(1 for row in rows if row.status in DONE)


def next_waiting(rows: Sequence[FollowupMessage]) -> FollowupMessage | None:
    """The lowest step still waiting (rows come ordered by step)."""
    return next((row for row in rows if row.status in OPEN), None)


class FollowupOrderService:
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        self.session = session
        self.rt = runtime
        self.ctx = ctx
        self.repo = FollowupOrderRepository(session, ctx)

    # --- Follow Up Attempts ------------------------------------------------------------------------------------

    async def attempts(self, sku: str | None, params: PageParams) -> tuple[list[FollowupAttemptOut], str | None]:
        """A fixed number of queries whatever the page size: (the CS's visibility setting), (the SKU), the page of
        orders, their rows, the next rows' templates, and the placeholder values (load_order_texts)."""
        if sku is not None and not await self.repo.sku_known(sku):
            raise NotFound()
        page = await self.repo.with_open_followups(sku, params)
        orders: list[Order] = page.items
        messages = await self.repo.messages_of([order.id for order in orders])
        nexts = {order.id: next_waiting(messages[order.id]) for order in orders}
        templates = await self.repo.templates([row.template_id for row in nexts.values() if row])
        texts = await load_order_texts(self.session, self.rt.settings, self.ctx.store, orders)
        now = self.rt.clock.now()
        out = []
        for order in orders:
            row = nexts[order.id]
            if row is None:  # done between the two reads
                continue
            template = templates.get(row.template_id or 0)
            text = texts.text(template, order) if template else (row.text or "")
            out.append(
                FollowupAttemptOut(
                    folowup_attempts=attempts_done(messages[order.id]),
                    customer_name=order.customer_name,
                    customer_phone=display_phone(order.customer_phone) or order.customer_phone,
                    followup_text=text,
                    order_id=order.id,
                    order_number=order.number,
                    next_step=row.step,
                    follow_up_chat_id=row.template_id,
                    template_name=row.template_name,
                    channel=row.channel,
                    due_at=row.due_at,
                    is_due=row.due_at <= now,
                    wa_url=wa_link(order.customer_phone, text),
                )
            )
        return out, page.next_cursor

    # --- Follow Up ---------------------------------------------------------------------------------------------

    async def follow_up(self, body: FollowUpIn) -> FollowUpOut:
        order = await self.repo.get(body.order_id, for_update=True)  # one Follow Up of an order at a time
        steps = order_steps(await self.repo.template_set_of(order))
        rows = await self.repo.lock_messages(order.id)
        by_template = {row.template_id: row for row in rows if row.template_id is not None}
        now = self.rt.clock.now()
        explicit = body.follow_up_chat_id is not None or body.step is not None
        if not explicit and (replay := self._just_done(rows, now)) is not None:
            return self._answer(order, replay, rows, [], None)

        step, template = self._target(steps, by_template, body)
        row = by_template.get(template.id)
        if row is not None:
            _check_doable(row, order)
        texts = await load_order_texts(self.session, self.rt.settings, self.ctx.store, [order])
        text = texts.text(template, order)
        if not text:
            raise Conflict(
                f"Follow Up {step} ({template.name}) has no text for {order.payment_method} orders",
                code="no_text",
            )

        skipped = self._skip_before(order, steps, step, by_template, rows, now)
        if row is None:
            row = FollowupMessage(
                **message_row(
                    store_id=order.store_id, order_id=order.id, template=template, step=step, due_at=now, now=now
                )
            )
            self.session.add(row)
            rows.append(row)
        row.actor_member_id = self.ctx.member_id
        row.actor_label = self.ctx.member.name
        row.updated_at = now
        row.error = None
        row.locked_until = None
        row.image = template.image
        if template.provider == MANUAL:
            row.channel = MANUAL
            row.status = "sent"
            row.sent_at = now
            row.text = text
            row.phone = order.customer_phone
        else:  # the dispatcher sends it at once (a CS's explicit send is not held back by quiet hours)
            row.channel = template.provider
            row.status = "scheduled"
            row.due_at = now
            row.attempts = 0
            wake_worker_after_commit(self.session)
        await self.session.flush()
        moved = await self._move_status(order, template, body)
        return self._answer(order, row, rows, skipped, moved, text)

    def _just_done(self, rows: Sequence[FollowupMessage], now: datetime) -> FollowupMessage | None:
        mine = [
            row
            for row in rows
            if row.actor_member_id == self.ctx.member_id
            and row.status not in ("skipped", "canceled", "failed")
            and row.updated_at is not None
            and now - as_utc(row.updated_at) <= DOUBLE_CLICK
        ]
        return max(mine, key=lambda row: (as_utc(row.updated_at), row.id), default=None)

    @staticmethod
    def _target(
        steps: Steps, by_template: dict[int | None, FollowupMessage], body: FollowUpIn
    ) -> tuple[int, FollowupChat]:
        if body.follow_up_chat_id is not None or body.step is not None:
            for step, template in steps:
                if body.follow_up_chat_id not in (None, template.id):
                    continue
                if body.step not in (None, step):
                    continue
                return step, template
            raise NotFound()
        for step, template in steps:
            row = by_template.get(template.id)
            if row is None or row.status not in FINISHED:
                return step, template
        raise Conflict("Every follow-up of this order is done", code="no_followup_left")

    def _skip_before(
        self,
        order: Order,
        steps: Steps,
        target: int,
        by_template: dict[int | None, FollowupMessage],
        rows: list[FollowupMessage],
        now: datetime,
    ) -> list[int]:
        """Earlier steps not done yet become `skipped` (rows created for those never scheduled, so that they do not
        fire later). A row being sent right now is left alone."""
        skipped = []
        for step, template in steps:
            if step >= target:
                break
            row = by_template.get(template.id)
            if row is None:
                row = FollowupMessage(
                    **message_row(
                        store_id=order.store_id,
                        order_id=order.id,
                        template=template,
                        step=step,
                        due_at=now,
                        now=now,
                        status="skipped",
                    )
                )
                self.session.add(row)
                rows.append(row)
            elif row.status in OPEN:
                row.status = "skipped"
                row.updated_at = now
                row.locked_until = None
            else:
                continue
            row.error = f"skipped: Follow Up {target} was done first"
            row.actor_member_id = self.ctx.member_id
            row.actor_label = self.ctx.member.name
            skipped.append(step)
        return skipped

    async def _move_status(self, order: Order, template: FollowupChat, body: FollowUpIn) -> StatusChangedOut | None:
        """A template with `change_status=true` and a status trigger moves the order there (as a status change
        through the status service: stock, vouchers, timeline, webhooks, follow-ups), when the table allows it."""
        target = template.trigger
        if not (body.change_status and template.change_status and is_status_trigger(target)):
            return None
        if order.status == target or target not in allowed_next(order.status):
            return None
        from_status = order.status
        change = BulkStatusChangeIn(ids=[order.id], status=target, note=f"Follow up: {template.name}"[:500])
        result = await OrderStatusService(self.session, self.rt, self.ctx).change_many(change)
        if not result.results[0].ok:  # e.g. the stock no longer matches: the follow-up stands, the status does not
            return None
        return StatusChangedOut(from_status=from_status, to=target)

    @staticmethod
    def _answer(
        order: Order,
        row: FollowupMessage,
        rows: Sequence[FollowupMessage],
        skipped: list[int],
        moved: StatusChangedOut | None,
        text: str | None = None,
    ) -> FollowUpOut:
        shown = text if text is not None else (row.text or "")
        return FollowUpOut(
            order_id=order.id,
            follow_up_chat_id=row.template_id or 0,
            step=row.step,
            status=row.status,
            text=shown,
            wa_url=wa_link(order.customer_phone, shown),
            skipped_steps=skipped,
            status_changed=moved,
            folowup_attempts=attempts_done(rows),
        )

    # --- an order's chats and history ---------------------------------------------------------------------------

    async def chats(self, order_id: int) -> list[OrderChatOut]:
        order = await self.repo.get(order_id)
        steps = order_steps(await self.repo.template_set_of(order))
        rows = (await self.repo.messages_of([order.id]))[order.id]
        by_template = {row.template_id: row for row in rows if row.template_id is not None}
        texts = await load_order_texts(self.session, self.rt.settings, self.ctx.store, [order])
        out = []
        for step, template in steps:
            row = by_template.get(template.id)
            text = texts.text(template, order)
            out.append(
                OrderChatOut(
                    follow_up_chat_id=template.id,
                    step=step,
                    name=template.name,
                    provider=template.provider,
                    trigger=template.trigger,
                    hours_after=template.hours_after,
                    text=text,
                    text_url=quote(text, safe=""),
                    wa_url=wa_link(order.customer_phone, text),
                    image=template.image,
                    state=row.status if row else "not_scheduled",
                    due_at=row.due_at if row else None,
                    sent_at=row.sent_at if row else None,
                    error=row.error if row else None,
                )
            )
        return out

    async def history(self, order_id: int) -> list[MessageHistoryOut]:
        order = await self.repo.get(order_id)
        rows = [row for row in (await self.repo.messages_of([order.id]))[order.id] if row.status not in OPEN]
        rows.sort(key=lambda row: (as_utc(row.created_at), row.id))
        integrations = await self.repo.integrations([row.integration_id for row in rows])
        out = []
        for row in rows:
            integration = integrations.get(row.integration_id or 0)
            out.append(
                MessageHistoryOut(
                    id=row.id,
                    step=row.step,
                    template_name=row.template_name,
                    channel=row.channel,
                    status=row.status,
                    text=row.text,
                    phone=display_phone(row.phone),
                    integration=(
                        IntegrationRefOut(
                            id=integration.id,
                            name=integration.name,
                            phone_number=display_phone(integration.phone_number) or integration.phone_number,
                        )
                        if integration
                        else None
                    ),
                    provider_message_id=row.provider_message_id,
                    error=row.error,
                    actor=row.actor_label,
                    sent_at=row.sent_at,
                    delivered_at=row.delivered_at,
                    read_at=row.read_at,
                    created_at=row.created_at,
                )
            )
        return out


def _check_doable(row: FollowupMessage, order: Order) -> None:
    if row.status == "unknown":
        raise Conflict(
            "This follow-up may already have reached the buyer: the gateway did not confirm whether it was sent. "
            f"Check the WhatsApp chat with {display_phone(order.customer_phone)}; if it did not arrive, send it "
            f"yourself with its wa.me link (wa_url in GET /store/order/{order.id}/chats). It is not sent again.",
            code="followup_unknown",
        )
    if row.status in DONE:
        raise Conflict(f"Follow Up {row.step} ({row.template_name}) is already done", code="followup_done")
    if row.status == "sending":
        raise Conflict(f"Follow Up {row.step} ({row.template_name}) is being sent right now", code="followup_sending")
