"""The dispatcher's hand-tuned Core statements: the claim (step 1 of tasks.py) and the recording of the outcomes
(step 3, at the end of this module).

Step 1: claim a batch of due gateway sends, in one short write transaction, with a fixed number of queries
whatever the batch size and however many stores it spans.

Due rows are `status='scheduled' AND channel IN (gateway providers) AND due_at <= now`, oldest first,
`FOR UPDATE SKIP LOCKED` on PostgreSQL (several workers take disjoint rows; on SQLite one dispatcher runs and
write transactions are serialized). Manual rows wait for a CS and are never claimed. For each row, with its order
(or abandoned checkout) re-read:

- does not apply yet (a status trigger with `change_status=false` whose status the order has not reached, but
  still can: schedule.gone_reason) → due again in WAIT_FOR_STATUS, `error` = schedule.waiting_for(status) (the
  order reaching that status makes it due at once: schedule.py);
- no longer applies (rules.still_applies with the row's trigger; a converted checkout; a deleted template or
  order) → `canceled`, the reason in `error`;
- in the store's quiet hours, unless a CS asked for it (`actor_member_id`) → due at the end of the window;
- no text for the order's payment category → `skipped` ("no text for cod");
- no active integration to send from (followup/dispatch/senders.py) → still `scheduled`, due again in
  senders.NO_SENDER_RETRY, `error` = "no active WhatsApp number: <reason>" (nothing was sent: it goes once a number
  is active again, and a CS sees it meanwhile);
- its pacing slot (followup/dispatch/pacing.py) beyond this batch's horizon → due at its slot, which it holds (`error` =
  pacing.PACED): decided before rendering, so a paced backlog is neither rendered nor postponed again each batch;
- else → rendered (only these), then `sending` under this claim's lease (`locked_until`), attempts + 1, with the
  integration, the buyer's number, the text and image that will be sent: what is sent is what is recorded;
- on a whatsapp_cloud number outside the buyer's 24-hour window (meta_window.py): the chat's Meta template instead
  of the text, or, without one, `failed` with meta_window's error (nothing Meta would refuse is sent).

Lock order: the message rows (SKIP LOCKED), then the rotating stores' settings rows (rotator cursor), then the
rows of the integrations the batch sends from (pacing.lock_integrations), each set in id order and waited for at
most LOCK_WAIT; a row still busy after that leaves the messages that need it untouched for the next batch
(`Batch.deferred`) instead of risking a deadlock.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import String, and_, bindparam, case, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.config import Settings
from bosonline.followup.dispatch.meta_window import outside_window_send, within_window
from bosonline.followup.dispatch.pacing import Pacer, lock_integrations
from bosonline.followup.dispatch.quiet_hours import quiet_until
from bosonline.followup.dispatch.senders import (
    NO_SENDER_RETRY,
    Integration,
    NoSender,
    SenderPicker,
    last_senders,
    load_integrations,
    no_sender_error,
    rotator_cursors,
)
from bosonline.followup.dispatch.window_repository import last_inbound
from bosonline.followup.render import load_lead_values, load_order_texts, render
from bosonline.followup.rules import PACED, PAYMENT_CATEGORIES, payment_category, still_applies, text_field
from bosonline.followup.schedule import gone_reason, waiting_for
from bosonline.integrations.whatsapp.base import PROVIDERS, WHATSAPP_CLOUD, TemplateMessage
from bosonline.kit.sql import moment, touch_by_id, update_by_id
from bosonline.models import CheckoutLead, FollowupChat, FollowupMessage, Order, Store, StoreSettings, WaIntegration
from bosonline.models.base import UTCDateTime

# The longest a claim waits for a row another transaction holds: a store's settings row (rotator cursor) or an
# integration's row. This claim already holds its message rows, and a transaction holding one of those rows (a
# checkout bumping its store's counters, an integration being deleted) may then wait for one of ours (canceling a
# converted lead's follow-ups, nulling the integration). Waiting without a bound would deadlock with it, and
# PostgreSQL could choose to abort the buyer's checkout; with a short bound (below the server's deadlock_timeout,
# 1 s) this claim gives up first, in a savepoint (db.select_locked_within), and goes on without those rows.
LOCK_WAIT = timedelta(milliseconds=250)
# How long a due follow-up waiting for its order's status is held back before it is looked at again.
WAIT_FOR_STATUS = timedelta(hours=1)

_messages = FollowupMessage.__table__
_integrations = WaIntegration.__table__
_store_settings = StoreSettings.__table__

_TO_SENDING = touch_by_id(
    _messages,
    status="sending",
    attempts=bindparam("_attempts"),
    locked_until=moment("_lease"),
    integration_id=bindparam("_integration"),
    phone=bindparam("_phone"),
    text=bindparam("_text"),
    image=bindparam("_image"),
    error=None,
)
_TO_END = touch_by_id(
    _messages,
    status=bindparam("_status"),
    error=bindparam("_error"),
    locked_until=None,
)
_WAIT = touch_by_id(_messages, due_at=moment("_due"), error=bindparam("_error"))
_HOLD = _WAIT.values(integration_id=bindparam("_integration"))
_PACE = update_by_id(_integrations, next_send_at=moment("_next"))
# The claim's read, built once (the worker runs it every few seconds): due rows, oldest first, locked.
_DUE = (
    select(
        _messages.c.id,
        _messages.c.store_id,
        _messages.c.order_id,
        _messages.c.lead_id,
        _messages.c.template_id,
        _messages.c.trigger,
        _messages.c.due_at,
        _messages.c.attempts,
        _messages.c.actor_member_id,
        _messages.c.integration_id,
        _messages.c.error,
    )
    .where(_messages.c.status == "scheduled", _messages.c.channel.in_(PROVIDERS), _messages.c.due_at <= moment("_now"))
    .order_by(_messages.c.due_at, _messages.c.id)
    .limit(bindparam("_batch"))
    .with_for_update(skip_locked=True, of=_messages)
)
_CURSOR = (
    update(_store_settings)
    .where(_store_settings.c.store_id == bindparam("_store"))
    .values(wa_rotator_cursor=bindparam("_cursor"))
)


@dataclass(frozen=True)
class Claimed:
    """One follow-up this worker now sends (status `sending` under `Batch.lease_until`)."""

    id: int
    store_id: int
    attempts: int  # including this one
    due_at: datetime
    integration: Integration
    to: str  # the buyer, E.164 digits
    text: str
    image: str | None
    slot: datetime  # not before this moment (pacing)
    template: TemplateMessage | None = None  # whatsapp_cloud outside the 24-hour window: sent instead of the text


@dataclass
class Batch:
    lease_until: datetime
    claimed: list[Claimed] = field(default_factory=list)
    ended: Counter[str] = field(default_factory=Counter)  # canceled / skipped here
    postponed: int = 0
    deferred: int = 0  # left as they were for the next batch (a row they need was busy): not handled

    @property
    def handled(self) -> int:
        return len(self.claimed) + sum(self.ended.values()) + self.postponed


@dataclass
class _Due:
    id: int
    store_id: int
    order_id: int | None
    lead_id: int | None
    template_id: int | None
    trigger: str
    due_at: datetime
    attempts: int
    actor_member_id: int | None
    integration_id: int | None
    error: str | None


class _Writes:
    """The claim's row updates, sent as a few executemany statements at the end."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.sending: list[dict[str, Any]] = []
        self.ended: list[dict[str, Any]] = []
        self.postponed: list[dict[str, Any]] = []
        self.waiting: list[dict[str, Any]] = []
        self.held: list[dict[str, Any]] = []

    def end(self, row: _Due, status: str, error: str) -> None:
        self.ended.append({"_id": row.id, "_status": status, "_error": error[:500], "_now": self.now})

    def postpone(self, row: _Due, due_at: datetime) -> None:
        """Quiet hours: due at their end, a pacing slot it held given up (the window moves it anyway)."""
        error = None if row.error == PACED else row.error
        self.postponed.append({"_id": row.id, "_due": due_at, "_error": error, "_now": self.now})

    def hold(self, row: _Due, slot: datetime, integration_id: int) -> None:
        """Pacing: due at its slot on the integration, which it holds (pacing.py)."""
        self.held.append(
            {"_id": row.id, "_due": slot, "_integration": integration_id, "_error": PACED, "_now": self.now}
        )

    def wait(self, row: _Due, status: str) -> None:
        self.waiting.append(
            {"_id": row.id, "_due": self.now + WAIT_FOR_STATUS, "_error": waiting_for(status), "_now": self.now}
        )

    def no_sender(self, row: _Due, reason: NoSender) -> None:
        """No active number can send it: nothing was sent, it stays scheduled and is looked at again later."""
        error = no_sender_error(reason)[:500]
        self.waiting.append({"_id": row.id, "_due": self.now + NO_SENDER_RETRY, "_error": error, "_now": self.now})

    def send(self, claimed: Claimed, lease_until: datetime) -> None:
        self.sending.append(
            {
                "_id": claimed.id,
                "_attempts": claimed.attempts,
                "_lease": lease_until,
                "_integration": claimed.integration.id,
                "_phone": claimed.to,
                "_text": claimed.text,
                "_image": claimed.image,
                "_now": self.now,
            }
        )

    async def flush(self, session: AsyncSession, paced: dict[int, datetime], cursors: dict[int, int]) -> None:
        if self.sending:
            await session.execute(_TO_SENDING, self.sending)
        if self.ended:
            await session.execute(_TO_END, self.ended)
        if self.postponed:
            await session.execute(_WAIT, self.postponed)
        if self.held:
            await session.execute(_HOLD, self.held)
        if self.waiting:
            await session.execute(_WAIT, self.waiting)
        if paced:
            await session.execute(_PACE, [{"_id": key, "_next": value} for key, value in sorted(paced.items())])
        if cursors:
            await session.execute(
                _CURSOR,
                [{"_store": store_id, "_cursor": cursor} for store_id, cursor in sorted(cursors.items())],
            )


def image_url(settings: Settings, image: str | None) -> str | None:
    """The template's image as an absolute URL a gateway can fetch (uploaded images are `/media/…` paths)."""
    if not image:
        return None
    if image.startswith(("http://", "https://")):
        return image
    base = settings.public_base_url.rstrip("/")
    if image.startswith("/") and base.startswith(("http://", "https://")):
        return base + image
    return None


class DispatchClaim:
    def __init__(self, session: AsyncSession, settings: Settings, now: datetime, horizon: timedelta) -> None:
        self.session = session
        self.settings = settings
        self.now = now
        self.horizon = horizon

    async def run(self, lease_until: datetime) -> Batch:
        batch = Batch(lease_until)
        rows = await self._due()
        if not rows:
            return batch
        templates = await self._by_id(FollowupChat, {row.template_id for row in rows if row.template_id})
        orders = await self._by_id(Order, {row.order_id for row in rows if row.order_id})
        leads = await self._by_id(CheckoutLead, {row.lead_id for row in rows if row.lead_id})
        stores = await self._by_id(Store, {row.store_id for row in rows})
        writes = _Writes(self.now)
        live = self._live(rows, templates, orders, leads, stores, await self._quiet_hours(set(stores)), writes)

        # The sender and the slot of each follow-up, before any rendering: only what this batch sends is rendered.
        rotating = {row.store_id for row, template in live if template.wa_gateway_assignation_type == "rotator"}
        cursors = await rotator_cursors(self.session, rotating, LOCK_WAIT)
        picker = SenderPicker(
            await load_integrations(self.session, set(stores)), cursors, await self._sticky(live, rotating)
        )
        chosen: list[tuple[_Due, FollowupChat, Integration]] = []
        for row, template in live:
            if template.wa_gateway_assignation_type == "rotator" and row.store_id not in cursors:
                batch.deferred += 1  # its store's rotator cursor stayed busy (LOCK_WAIT)
                continue
            try:
                chosen.append((row, template, self._pick(picker, row, template, orders)))
            except NoSender as exc:
                writes.no_sender(row, exc)

        locks = await lock_integrations(self.session, {integration for _, _, integration in chosen}, LOCK_WAIT)
        pacer = Pacer(self.now, self.horizon, locks.states, locks.frontiers)
        sending: list[tuple[_Due, FollowupChat, Integration, datetime]] = []
        for row, template, integration in chosen:
            if integration.id not in locks.locked:
                batch.deferred += 1  # its integration's row stayed busy (pacing.lock_integrations)
                continue
            held = row.due_at if row.error == PACED and row.integration_id == integration.id else None
            slot, within = pacer.slot(integration.id, held)
            if within:
                sending.append((row, template, integration, slot))
            else:
                writes.hold(row, slot, integration.id)

        rendered = await self._render([(row, template) for row, template, _, _ in sending], orders, leads, stores)
        cloud = [
            (integration.id, to)
            for (_, _, integration, _), (_, to, _) in zip(sending, rendered, strict=True)
            if integration.provider == WHATSAPP_CLOUD
        ]
        windows = await last_inbound(self.session, {key[0] for key in cloud}, {key[1] for key in cloud})
        for (row, template, integration, slot), (text, to, values) in zip(sending, rendered, strict=True):
            if not text:
                writes.end(row, "skipped", f"no text for {self._category(row, template, orders, leads)}")
                continue
            image = image_url(self.settings, template.image)
            meta: TemplateMessage | None = None
            if integration.provider == WHATSAPP_CLOUD and not within_window(
                windows.get((integration.id, to)), self.now
            ):
                outside = outside_window_send(template.meta_template, values, image)
                if isinstance(outside, str):
                    writes.end(row, "failed", outside)
                    continue
                meta = outside
            claimed = Claimed(
                row.id, row.store_id, row.attempts + 1, row.due_at, integration, to, text, image, slot, meta
            )
            writes.send(claimed, lease_until)
            batch.claimed.append(claimed)

        await writes.flush(self.session, pacer.advanced(), {store: picker.cursors[store] for store in picker.moved})
        batch.ended.update(item["_status"] for item in writes.ended)
        batch.postponed = len(writes.postponed) + len(writes.waiting) + len(writes.held)
        return batch

    def _live(
        self,
        rows: list[_Due],
        templates: dict[int, FollowupChat],
        orders: dict[int, Order],
        leads: dict[int, CheckoutLead],
        stores: dict[int, Store],
        quiet: dict[int, tuple[time | None, time | None]],
        writes: _Writes,
    ) -> list[tuple[_Due, FollowupChat]]:
        """The rows to send now (with their template); the others waiting, canceled, postponed or skipped."""
        live: list[tuple[_Due, FollowupChat]] = []
        for row in rows:
            template = templates.get(row.template_id or 0)
            reason = self._no_longer_applies(row, template, orders, leads)
            if reason is not None and template is not None and (status := self._waiting_for(row, orders)):
                writes.wait(row, status)
                continue
            if reason is not None or template is None:
                writes.end(row, "canceled", reason or "template deleted")
                continue
            start, end = quiet.get(row.store_id, (None, None))
            until = None if row.actor_member_id else quiet_until(self.now, start, end, stores[row.store_id].timezone)
            if until is not None:
                writes.postpone(row, until)
            elif not self._raw_text(row, template, orders, leads).strip():
                writes.end(row, "skipped", f"no text for {self._category(row, template, orders, leads)}")
            else:
                live.append((row, template))
        return live

    @staticmethod
    def _pick(picker: SenderPicker, row: _Due, template: FollowupChat, orders: dict[int, Order]) -> Integration:
        order = orders.get(row.order_id or 0)
        return picker.pick(
            store_id=row.store_id,
            assignation=template.wa_gateway_assignation_type,
            provider=template.provider,
            template_integration_id=template.wa_integration_id,
            handler_id=order.handler_id if order is not None else None,
            buyer=("order", row.order_id) if row.order_id else ("lead", row.lead_id or 0),
            holding=row.integration_id if row.error == PACED else None,
        )

    # --- reads -------------------------------------------------------------------------------------------------

    async def _due(self) -> list[_Due]:
        rows = await self.session.execute(_DUE, {"_now": self.now, "_batch": self.settings.worker_batch_size})
        return [_Due(*row) for row in rows]

    async def _by_id(self, model: Any, ids: set[int]) -> dict[int, Any]:
        if not ids:
            return {}
        return {item.id: item for item in await self.session.scalars(select(model).where(model.id.in_(ids)))}

    async def _quiet_hours(self, store_ids: set[int]) -> dict[int, tuple[time | None, time | None]]:
        stmt = select(StoreSettings.store_id, StoreSettings.quiet_hours_start, StoreSettings.quiet_hours_end).where(
            StoreSettings.store_id.in_(store_ids)
        )
        return {store_id: (start, end) for store_id, start, end in await self.session.execute(stmt)}

    async def _sticky(self, live: list[tuple[_Due, FollowupChat]], rotating: set[int]) -> dict[tuple[str, int], int]:
        """Who last sent to the orders and checkouts the rotator serves in this batch."""
        rotated = [
            row
            for row, template in live
            if row.store_id in rotating and template.wa_gateway_assignation_type == "rotator"
        ]
        return await last_senders(
            self.session,
            (row.order_id for row in rotated if row.order_id),
            (row.lead_id for row in rotated if row.lead_id),
        )

    @staticmethod
    def _no_longer_applies(
        row: _Due,
        template: FollowupChat | None,
        orders: dict[int, Order],
        leads: dict[int, CheckoutLead],
    ) -> str | None:
        if template is None:
            return "template deleted"
        if row.order_id is not None:
            order = orders.get(row.order_id)
            if order is None:
                return "order deleted"
            return still_applies(row.trigger, order.status, order.payment_status)
        if row.lead_id is not None:
            lead = leads.get(row.lead_id)
            if lead is None:
                return "checkout deleted"
            if lead.status == "converted":
                return "checkout converted to an order"
            return None if lead.status == "open" else f"checkout {lead.status}"
        return "no order"

    @staticmethod
    def _waiting_for(row: _Due, orders: dict[int, Order]) -> str | None:
        """The status an order row waits for (its trigger), when the order has not reached it but still can."""
        order = orders.get(row.order_id or 0)
        if order is None or row.trigger == order.status or gone_reason(row.trigger, order.status, order.payment_status):
            return None
        return row.trigger

    @staticmethod
    def _category(row: _Due, template: FollowupChat, orders: dict[int, Order], leads: dict[int, CheckoutLead]) -> str:
        if row.order_id is not None:
            return payment_category(orders[row.order_id].payment_method)
        lead = leads[row.lead_id or 0]
        if lead.payment_method:
            return payment_category(lead.payment_method)
        # A checkout abandoned before a payment method was chosen: the first category the template has text for.
        for category in PAYMENT_CATEGORIES:
            if str(getattr(template, text_field(category)) or "").strip():
                return category
        return PAYMENT_CATEGORIES[0]

    @classmethod
    def _raw_text(
        cls, row: _Due, template: FollowupChat, orders: dict[int, Order], leads: dict[int, CheckoutLead]
    ) -> str:
        """The template's text for the row's payment category, placeholders not filled in yet."""
        return str(getattr(template, text_field(cls._category(row, template, orders, leads))) or "")

    async def _render(
        self,
        rows: list[tuple[_Due, FollowupChat]],
        orders: dict[int, Order],
        leads: dict[int, CheckoutLead],
        stores: dict[int, Store],
    ) -> list[tuple[str, str, dict[str, str]]]:
        """(text, buyer's number, placeholder values) of each row (text "" when none): a fixed number of queries,
        whatever the number of rows and of stores they belong to (render.load_order_texts, render.load_lead_values)."""
        batch_orders = {row.order_id: orders[row.order_id] for row, _ in rows if row.order_id is not None}
        batch_leads = {row.lead_id: leads[row.lead_id] for row, _ in rows if row.order_id is None and row.lead_id}
        texts = await load_order_texts(self.session, self.settings, stores, list(batch_orders.values()))
        lead_texts = await load_lead_values(self.session, self.settings, stores, list(batch_leads.values()))
        out = []
        for row, template in rows:
            if row.order_id is not None:
                order = orders[row.order_id]
                out.append((texts.text(template, order), order.customer_phone, texts.values[order.id]))
            else:
                lead = leads[row.lead_id or 0]
                raw = self._raw_text(row, template, orders, leads)
                values = lead_texts[lead.id]
                out.append((render(raw, values) if raw.strip() else "", lead.phone, values))
        return out


# --- recording the outcomes (dispatch/tasks.py: FollowupJob.record and sweep) -----------------------------------

SWEPT = "the worker stopped during the send"
ERROR_CHARS = 500


def _ours(lease: Any) -> Any:
    """Rows still under this claim's lease: being sent, or swept to `unknown` while they were (tasks.sweep)."""
    return and_(
        _messages.c.locked_until == lease,
        or_(_messages.c.status == "sending", and_(_messages.c.status == "unknown", _messages.c.error == SWEPT)),
    )


def _per_row(params: list[dict[str, Any]], key: str, type_: Any) -> Any:
    """A column's new value: one literal when every row gets the same, else a CASE on the row's id."""
    values = {item["_id"]: item[key] for item in params}
    if len(set(values.values())) == 1:
        return literal(next(iter(values.values())), type_)
    return case(*[(_messages.c.id == row_id, literal(value, type_)) for row_id, value in values.items()])


def _results(params: list[dict[str, Any]], lease_until: datetime, now: datetime) -> Any:
    """One UPDATE … RETURNING id of the outcomes (SQLite ≥ 3.35 and PostgreSQL; an executemany cannot say which
    rows it changed): rows still ours are first locked in id order (a status webhook waiting for these rows locks
    them in that order too: status_service.py), then written."""
    ours = (
        select(_messages.c.id)
        .where(_messages.c.id.in_(sorted(item["_id"] for item in params)), _ours(literal(lease_until, UTCDateTime())))
        .order_by(_messages.c.id)
        .with_for_update()
        .cte("ours")
    )
    values: dict[str, Any] = {
        "status": _per_row(params, "_status", String(16)),
        "provider_message_id": _per_row(params, "_message_id", String(128)),
        "error": _per_row(params, "_error", String(ERROR_CHARS)),
        "sent_at": _per_row(params, "_sent", UTCDateTime()),
        "locked_until": None,
        "updated_at": literal(now, UTCDateTime()),
    }
    retried = {item["_id"]: item["_due"] for item in params if item["_due"] is not None}
    if retried:
        values["due_at"] = case(
            *[(_messages.c.id == row_id, literal(due, UTCDateTime())) for row_id, due in retried.items()],
            else_=_messages.c.due_at,
        )
    return update(_messages).where(_messages.c.id.in_(select(ours.c.id))).values(**values).returning(_messages.c.id)


# A paced number's next send may not start before its last real start + the spacing (never moved back).
_RAISE_PACE = (
    update(_integrations)
    .where(
        _integrations.c.id == bindparam("_id"),
        or_(
            _integrations.c.next_send_at.is_(None),
            _integrations.c.next_send_at < moment("_next"),
        ),
    )
    .values(next_send_at=moment("_next"))
)


async def record_results(
    session: AsyncSession, params: list[dict[str, Any]], lease_until: datetime, now: datetime
) -> set[int]:
    """Writes the outcomes of the rows still under this lease; the ids written."""
    # Not cached: the statement's shape follows the batch (its size, which columns vary).
    return set(await session.scalars(_results(params, lease_until, now), execution_options={"compiled_cache": None}))


async def raise_pace(session: AsyncSession, floors: dict[int, datetime]) -> None:
    await session.execute(_RAISE_PACE, [{"_id": key, "_next": floors[key]} for key in sorted(floors)])


async def sweep_expired(session: AsyncSession, now: datetime) -> int:
    """Rows left `sending` past their lease become `unknown` (SWEPT); how many."""
    result = await session.execute(
        update(FollowupMessage)
        .where(FollowupMessage.status == "sending", FollowupMessage.locked_until < now)
        .values(status="unknown", error=SWEPT, updated_at=now)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
