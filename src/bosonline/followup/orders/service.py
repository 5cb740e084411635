"""Follow-ups per order (the seed's Order → Follow up): the orders a CS still has to follow up, doing one (by hand
through a wa.me link, or queued to a gateway), every template of an order rendered for it, and what happened.

Steps (Follow Up 1, 2, 3, …) come first from the order's own follow-up rows: each keeps the template and the step
number it was scheduled with, even after the product's templates were added to, reordered or replaced. Templates
of the order's current set (followup/template_sets.py) without a row of the order are added: at their position in
the set when no row holds that number, else after the last step. Templates with trigger `abandoned` are for
checkouts that did not become orders and are not part of an order's follow-ups.

"The next step to do" has one definition (next_step), used by the attempts list, the default Follow Up and the
order's chats: only the order's own rows count (a template without a row of the order — its clock has not started,
or it was added after the order was placed — is never next, though a CS may still choose it explicitly, which
creates its row), and only what applies to the order now (rules.still_applies): a follow-up waiting for a status
the order has not reached yet is not next.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from bosonline.errors import Conflict, NotFound
from bosonline.followup.errors import FollowupError
from bosonline.followup.orders.repository import FollowupOrderRepository
from bosonline.followup.orders.schemas import (
    FollowupAttemptOut,
    FollowUpIn,
    FollowUpOut,
    IntegrationRefOut,
    MessageHistoryOut,
    OrderChatOut,
    StatusChangedOut,
)
from bosonline.followup.render import OrderTexts, load_order_texts
from bosonline.followup.rules import (
    ABANDONED,
    DONE,
    MANUAL,
    OPEN,
    is_status_trigger,
    payment_category,
    still_applies,
)
from bosonline.followup.schedule import gone_reason, message_row
from bosonline.kit.clock import as_utc
from bosonline.kit.links import whatsapp_url
from bosonline.kit.pagination import PageParams
from bosonline.kit.phone import display_phone
from bosonline.kit.schemas import from_row
from bosonline.models import FollowupChat, FollowupMessage, Order
from bosonline.order.status_schemas import BulkStatusChangeIn, BulkStatusError
from bosonline.order.status_service import OrderStatusService
from bosonline.tenancy import RepositoryService
from bosonline.webhook.outbox import wake_worker_after_commit

# A second Follow Up of the same order by the same CS within this window of that CS's own action, without naming a
# template, is the same click arriving twice: it answers the follow-up just done instead of doing the next one.
DOUBLE_CLICK = timedelta(seconds=5)
# The state an order's chats show for a scheduled follow-up whose status the order has not reached yet.
WAITING = "waiting"
# The outcomes of a gateway send after which the CS may send the follow-up by hand (after checking the chat).
BY_HAND_AFTER = frozenset({"failed", "unknown"})


def hand_link(order: Order, text: str, channel: str, status: str | None) -> str | None:
    """The wa.me link a CS opens to send `text` by hand: for a manual follow-up, or a gateway one whose send failed
    or has an unknown outcome. None for any other gateway follow-up: the dispatcher sends (or sent) it, and a link
    would make it reach the buyer twice."""
    if channel == MANUAL or status in BY_HAND_AFTER:
        return whatsapp_url(order.customer_phone, text)
    return None


@dataclass
class Step:
    """Follow Up `number` of an order: its template, the name it was scheduled under, and its row (if any)."""

    number: int
    template: FollowupChat
    name: str
    row: FollowupMessage | None

    @property
    def trigger(self) -> str:
        return self.row.trigger if self.row is not None else self.template.trigger


def order_steps(
    rows: Sequence[FollowupMessage], templates: dict[int, FollowupChat], current: Sequence[FollowupChat]
) -> list[Step]:
    """The order's steps: its rows (by step, with the template they were scheduled with; rows whose template was
    deleted are history only), then the templates of its current set (`current`, in order) without a row."""
    steps: list[Step] = []
    seen: set[int] = set()
    for row in rows:
        template = templates.get(row.template_id or 0)
        if template is None or row.template_id in seen or row.trigger == ABANDONED:
            continue
        seen.add(template.id)
        steps.append(Step(row.step, template, row.template_name, row))
    taken = {step.number for step in steps}
    later: list[FollowupChat] = []
    for position, template in enumerate(current, start=1):
        if template.trigger == ABANDONED or template.id in seen:
            continue
        if position in taken:
            later.append(template)
        else:
            taken.add(position)
            steps.append(Step(position, template, template.name, None))
    last = max(taken, default=0)
    for number, template in enumerate(later, start=last + 1):
        steps.append(Step(number, template, template.name, None))
    steps.sort(key=lambda step: step.number)  # stable: rows sharing a number keep their order
    return steps


def attempts_done(rows: Sequence[FollowupMessage]) -> int:
    return sum(1 for row in rows if row.status in DONE)


def applies(trigger: str, order: Order) -> bool:
    return still_applies(trigger, order.status, order.payment_status) is None


@dataclass(frozen=True)
class NextStep:
    row: FollowupMessage
    template: FollowupChat
    text: str  # rendered for the order and its payment category


def next_step(
    rows: Sequence[FollowupMessage],
    templates: Mapping[int, FollowupChat],
    order: Order,
    texts: OrderTexts,
) -> tuple[NextStep | None, list[FollowupMessage]]:
    """The order's next follow-up to do, as the attempts list, the default Follow Up and the order's chats all see
    it: the lowest step among the order's own rows (`rows`, by step) that is still `scheduled`, whose template
    exists, that applies to the order in its current state, and whose text for the order's payment category
    (rendered with `texts`) is not empty. Also the rows before it that qualified but have no text (the default
    Follow Up marks them `skipped`, as the dispatcher does)."""
    without_text: list[FollowupMessage] = []
    for row in rows:
        template = templates.get(row.template_id or 0)
        if row.status not in OPEN or template is None or row.trigger == ABANDONED or not applies(row.trigger, order):
            continue
        text = texts.text(template, order)
        if text:
            return NextStep(row, template, text), without_text
        without_text.append(row)
    return None, without_text


class FollowupOrderService(RepositoryService[FollowupOrderRepository]):
    repository = FollowupOrderRepository

    # --- Follow Up Attempts ------------------------------------------------------------------------------------

    async def attempts(self, sku: str | None, params: PageParams) -> tuple[list[FollowupAttemptOut], str | None]:
        """A fixed number of queries whatever the page size: (the CS's visibility setting), (the SKU), the page of
        orders, their rows, the waiting rows' templates, and the placeholder values (load_order_texts)."""
        ref = None
        if sku is not None:
            ref = await self.repo.sku_ref(sku)
            if ref is None:
                raise NotFound()
        page = await self.repo.with_open_followups(ref, params)
        orders: list[Order] = page.items
        messages = await self.repo.messages_of([order.id for order in orders])
        templates = await self.repo.templates(
            [row.template_id for rows in messages.values() for row in rows if row.status in OPEN]
        )
        texts = await load_order_texts(self.session, self.rt.settings, self.ctx.store, orders)
        now = self.rt.clock.now()
        out = []
        for order in orders:
            found, _ = next_step(messages[order.id], templates, order, texts)
            if found is None:  # done between the two reads, or its text renders empty
                continue
            row, text = found.row, found.text
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
                    wa_url=hand_link(order, text, row.channel, row.status),
                    error=row.error,
                )
            )
        return out, page.next_cursor

    # --- Follow Up ---------------------------------------------------------------------------------------------

    async def follow_up(self, body: FollowUpIn) -> FollowUpOut:
        order = await self.repo.get(body.order_id, for_update=True)  # one Follow Up of an order at a time
        rows = await self.repo.lock_messages(order.id)
        steps, templates = await self._steps(order, rows)
        now = self.rt.clock.now()
        explicit = body.follow_up_chat_id is not None or body.step is not None
        if not explicit and (replay := self._just_done(rows, now)) is not None:
            return self._answer(order, replay, rows, [], None)

        texts = await load_order_texts(self.session, self.rt.settings, self.ctx.store, [order])
        if explicit:
            target = self._chosen(steps, body)
            if target.row is not None:
                _check_doable(target.row, order)
            text = texts.text(target.template, order)
            if not text:
                raise Conflict(
                    f"Follow Up {target.number} ({target.name}) has no text for {order.payment_method} orders",
                    code=FollowupError.no_text,
                )
            if target.row is not None:
                _check_not_skipped(target.row)
            skipped = self._skip_before(order, steps, target.number, rows, now)
        else:
            target, text, skipped = self._next(order, rows, templates, texts, now)

        template = target.template
        row = target.row
        if row is None:
            row = FollowupMessage(
                **message_row(
                    store_id=order.store_id,
                    order_id=order.id,
                    template=template,
                    step=target.number,
                    due_at=now,
                    now=now,
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
        moved, refused = await self._move_status(order, template, body)
        reason = still_applies(row.trigger, order.status, order.payment_status)
        if reason is not None:  # nothing of this request is kept (the transaction rolls back)
            if refused is not None:  # the status it needed could not be reached: the status change says why
                raise Conflict(refused.message, code=refused.code)
            raise Conflict(
                f"Follow Up {row.step} ({row.template_name}) does not apply to this order: {reason}",
                code=FollowupError.followup_not_applicable,
            )
        return self._answer(order, row, rows, skipped, moved, text)

    async def _steps(self, order: Order, rows: Sequence[FollowupMessage]) -> tuple[list[Step], dict[int, FollowupChat]]:
        """The order's steps (order_steps) and the templates by id: its current set (two queries) and, when some of
        its rows were scheduled with templates no longer in that set, those templates (one more)."""
        current = await self.repo.template_set_of(order)
        templates = {template.id: template for template in current}
        missing = {row.template_id for row in rows if row.template_id and row.template_id not in templates}
        if missing:
            templates.update(await self.repo.templates(missing))
        return order_steps(rows, templates, current), templates

    def _just_done(self, rows: Sequence[FollowupMessage], now: datetime) -> FollowupMessage | None:
        """The follow-up this CS did within DOUBLE_CLICK, judged by the time of the CS's own action: a manual one's
        `sent_at`, a gateway one's `due_at` as the CS set it (not `updated_at`, which the dispatcher and status
        webhooks move too)."""
        mine: list[tuple[datetime, int, FollowupMessage]] = []
        for row in rows:
            if row.actor_member_id != self.ctx.member_id or row.status in ("skipped", "canceled", "failed"):
                continue
            acted = row.sent_at if row.channel == MANUAL else row.due_at
            if acted is not None and timedelta(0) <= now - as_utc(acted) <= DOUBLE_CLICK:
                mine.append((as_utc(acted), row.id or 0, row))
        return max(mine, key=lambda item: (item[0], item[1]))[2] if mine else None

    @staticmethod
    def _chosen(steps: Sequence[Step], body: FollowUpIn) -> Step:
        for step in steps:
            if body.follow_up_chat_id not in (None, step.template.id):
                continue
            if body.step not in (None, step.number):
                continue
            return step
        raise NotFound()

    def _next(
        self,
        order: Order,
        rows: Sequence[FollowupMessage],
        templates: Mapping[int, FollowupChat],
        texts: OrderTexts,
        now: datetime,
    ) -> tuple[Step, str, list[int]]:
        """The next step (next_step, as the attempts list shows it). Rows passed over for lack of a text are marked
        `skipped` (as the dispatcher does); waiting ones stay as they are."""
        found, without_text = next_step(rows, templates, order, texts)
        skipped: list[int] = []
        for row in without_text:
            row.status = "skipped"
            row.error = f"no text for {payment_category(order.payment_method)}"
            row.updated_at = now
            row.locked_until = None
            skipped.append(row.step)
        if found is None:
            sending = next((row for row in rows if row.status == "sending"), None)
            if sending is not None:
                raise Conflict(
                    f"Follow Up {sending.step} ({sending.template_name}) is being sent right now",
                    code=FollowupError.followup_sending,
                    persist=bool(skipped),
                )
            raise Conflict(
                "No follow-up of this order is left to do now",
                code=FollowupError.no_followup_left,
                persist=bool(skipped),  # the rows found without a text stay skipped
            )
        row = found.row
        return Step(row.step, found.template, row.template_name, row), found.text, skipped

    def _skip_before(
        self,
        order: Order,
        steps: Sequence[Step],
        target: int,
        rows: list[FollowupMessage],
        now: datetime,
    ) -> list[int]:
        """Earlier steps not done yet that apply to the order now become `skipped` (rows created for those never
        scheduled, so that they do not fire later). Those for a status the order has not reached yet keep waiting
        (or are still started when the order gets there); a row being sent right now is left alone."""
        skipped = []
        for step in steps:
            if step.number >= target:
                break
            if not applies(step.trigger, order):
                continue
            row = step.row
            if row is None:
                row = FollowupMessage(
                    **message_row(
                        store_id=order.store_id,
                        order_id=order.id,
                        template=step.template,
                        step=step.number,
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
            skipped.append(step.number)
        return skipped

    async def _move_status(
        self, order: Order, template: FollowupChat, body: FollowUpIn
    ) -> tuple[StatusChangedOut | None, BulkStatusError | None]:
        """A template with `change_status=true` and a status trigger moves the order there (as a status change
        through the status service: stock, vouchers, timeline, webhooks, follow-ups). The move made, or why the
        status service refused it (the status table, the stock): then the status does not move."""
        target = template.trigger
        if not (body.change_status and template.change_status and is_status_trigger(target)):
            return None, None
        if order.status == target:
            return None, None
        from_status = order.status
        change = BulkStatusChangeIn(ids=[order.id], status=target, note=f"Follow up: {template.name}"[:500])
        (result,) = (await OrderStatusService(self.session, self.rt, self.ctx).change_many(change)).results
        if not result.ok:
            return None, result.error
        return StatusChangedOut(from_status=from_status, to=target), None

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
            wa_url=hand_link(order, shown, row.channel, row.status),
            skipped_steps=skipped,
            status_changed=moved,
            folowup_attempts=attempts_done(rows),
        )

    # --- an order's chats and history ---------------------------------------------------------------------------

    async def chats(self, order_id: int) -> list[OrderChatOut]:
        order = await self.repo.get(order_id)
        rows = (await self.repo.messages_of([order.id]))[order.id]
        steps, templates = await self._steps(order, rows)
        texts = await load_order_texts(self.session, self.rt.settings, self.ctx.store, [order])
        found, _ = next_step(rows, templates, order, texts)
        out = []
        for step in steps:
            template, row = step.template, step.row
            text = texts.text(template, order)
            state = row.status if row else "not_scheduled"
            if (
                row is not None
                and row.status in OPEN
                and not applies(row.trigger, order)
                and gone_reason(row.trigger, order.status, order.payment_status) is None
            ):
                state = WAITING
            out.append(
                from_row(
                    OrderChatOut,
                    template,
                    follow_up_chat_id=template.id,
                    step=step.number,
                    name=step.name,
                    text=text,
                    text_url=quote(text, safe=""),
                    wa_url=hand_link(order, text, row.channel if row else template.provider, state),
                    state=state,
                    is_next=found is not None and row is found.row,
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
                from_row(
                    MessageHistoryOut,
                    row,
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
                    actor=row.actor_label,
                )
            )
        return out


def _check_doable(row: FollowupMessage, order: Order) -> None:
    if row.status == "unknown":
        raise Conflict(
            "This follow-up may already have reached the buyer: the gateway did not confirm whether it was sent. "
            f"Check the WhatsApp chat with {display_phone(order.customer_phone)}; if it did not arrive, send it "
            f"yourself with its wa.me link (wa_url in GET /store/order/{order.id}/chats). It is not sent again.",
            code=FollowupError.followup_unknown,
        )
    if row.status in DONE:
        raise Conflict(f"Follow Up {row.step} ({row.template_name}) is already done", code=FollowupError.followup_done)
    if row.status == "sending":
        raise Conflict(
            f"Follow Up {row.step} ({row.template_name}) is being sent right now", code=FollowupError.followup_sending
        )


def _check_not_skipped(row: FollowupMessage) -> None:
    """A step passed over (by a jump ahead, or for lack of a text) is not sent later: the docs promise it."""
    if row.status == "skipped":
        raise Conflict(
            f"Follow Up {row.step} ({row.template_name}) was skipped ({row.error}): skipped steps are not sent later",
            code=FollowupError.followup_skipped,
        )
