"""Step 1 of the follow-up dispatcher (followup/tasks.py): claim a batch of due gateway sends, in one short write
transaction, with a fixed number of queries whatever the batch size (per store: the render's few).

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
- no active integration to send from (followup/senders.py) → `failed` with the reason;
- its pacing slot (followup/pacing.py) beyond this batch's horizon → due at its slot;
- else → `sending` under this claim's lease (`locked_until`), attempts + 1, with the integration, the buyer's
  number, the text and image that will be sent: what is sent is what is recorded.

Lock order: the message rows (SKIP LOCKED), then the rotating stores' settings rows (rotator cursor), then the
paced integrations' rows, each set in id order and waited for at most LOCK_WAIT; a row still busy after that
leaves the messages that need it untouched for the next batch (`Batch.deferred`) instead of risking a deadlock.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.checkout.links import public_form_url
from bosonline.config import Settings
from bosonline.db import select_locked_within
from bosonline.followup.pacing import Pacer
from bosonline.followup.quiet_hours import quiet_until
from bosonline.followup.render import OrderTexts, lead_values, load_order_texts, render
from bosonline.followup.rules import PAYMENT_CATEGORIES, payment_category, still_applies, text_field
from bosonline.followup.schedule import gone_reason, waiting_for
from bosonline.followup.senders import Integration, NoSender, SenderPicker
from bosonline.integrations.whatsapp.base import PROVIDERS
from bosonline.models import (
    CheckoutLead,
    FollowupChat,
    FollowupMessage,
    Form,
    Order,
    Product,
    ProductVariant,
    Store,
    StoreSettings,
    WaIntegration,
)
from bosonline.models.base import UTCDateTime

# The longest a claim waits for a store's settings row or a number's pacing row (see DispatchClaim._locked).
LOCK_WAIT = timedelta(milliseconds=250)
# How long a due follow-up waiting for its order's status is held back before it is looked at again.
WAIT_FOR_STATUS = timedelta(hours=1)
# A message already went (or may have gone) to the buyer from this integration: the rotator keeps that sender.
_SENT_FROM = ("sending", "sent", "delivered", "read", "unknown")

_messages = FollowupMessage.__table__
_integrations = WaIntegration.__table__
_store_settings = StoreSettings.__table__

_TO_SENDING = (
    update(_messages)
    .where(_messages.c.id == bindparam("_id"))
    .values(
        status="sending",
        attempts=bindparam("_attempts"),
        locked_until=bindparam("_lease", type_=UTCDateTime()),
        integration_id=bindparam("_integration"),
        phone=bindparam("_phone"),
        text=bindparam("_text"),
        image=bindparam("_image"),
        error=None,
        updated_at=bindparam("_now", type_=UTCDateTime()),
    )
)
_TO_END = (
    update(_messages)
    .where(_messages.c.id == bindparam("_id"))
    .values(
        status=bindparam("_status"),
        error=bindparam("_error"),
        locked_until=None,
        updated_at=bindparam("_now", type_=UTCDateTime()),
    )
)
_POSTPONE = (
    update(_messages)
    .where(_messages.c.id == bindparam("_id"))
    .values(due_at=bindparam("_due", type_=UTCDateTime()), updated_at=bindparam("_now", type_=UTCDateTime()))
)
_WAIT = (
    update(_messages)
    .where(_messages.c.id == bindparam("_id"))
    .values(
        due_at=bindparam("_due", type_=UTCDateTime()),
        error=bindparam("_error"),
        updated_at=bindparam("_now", type_=UTCDateTime()),
    )
)
_PACE = (
    update(_integrations)
    .where(_integrations.c.id == bindparam("_id"))
    .values(next_send_at=bindparam("_next", type_=UTCDateTime()))
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


@dataclass
class Batch:
    lease_until: datetime
    claimed: list[Claimed] = field(default_factory=list)
    ended: Counter[str] = field(default_factory=Counter)  # canceled / skipped / failed here
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


@dataclass
class _Ready:
    row: _Due
    template: FollowupChat
    to: str
    text: str
    handler_id: int | None


class _Writes:
    """The claim's row updates, sent as a few executemany statements at the end."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.sending: list[dict[str, Any]] = []
        self.ended: list[dict[str, Any]] = []
        self.postponed: list[dict[str, Any]] = []
        self.waiting: list[dict[str, Any]] = []

    def end(self, row: _Due, status: str, error: str) -> None:
        self.ended.append({"_id": row.id, "_status": status, "_error": error[:500], "_now": self.now})

    def postpone(self, row: _Due, due_at: datetime) -> None:
        self.postponed.append({"_id": row.id, "_due": due_at, "_now": self.now})

    def wait(self, row: _Due, status: str) -> None:
        self.waiting.append(
            {"_id": row.id, "_due": self.now + WAIT_FOR_STATUS, "_error": waiting_for(status), "_now": self.now}
        )

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
            await session.execute(_POSTPONE, self.postponed)
        if self.waiting:
            await session.execute(_WAIT, self.waiting)
        if paced:
            await session.execute(
                _PACE, [{"_id": key, "_next": value} for key, value in sorted(paced.items())]
            )
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
        rotating = {
            row.store_id
            for row in rows
            if row.template_id in templates
            and templates[row.template_id].wa_gateway_assignation_type == "rotator"
        }
        quiet, cursors = await self._store_settings(set(stores), rotating)
        writes = _Writes(self.now)

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
            until = (
                None
                if row.actor_member_id
                else quiet_until(self.now, start, end, stores[row.store_id].timezone)
            )
            if until is not None:
                writes.postpone(row, until)
            else:
                live.append((row, template))

        ready: list[_Ready] = []
        for row, template, text, to, handler_id in await self._render(live, orders, leads, stores):
            if text:
                ready.append(_Ready(row, template, to, text, handler_id))
            else:
                writes.end(row, "skipped", f"no text for {self._category(row, template, orders, leads)}")

        picker = SenderPicker(
            await self._integrations(set(stores)), cursors, await self._sticky(ready, rotating)
        )
        chosen: list[tuple[_Ready, Integration]] = []
        for item in ready:
            if item.template.wa_gateway_assignation_type == "rotator" and item.row.store_id not in cursors:
                batch.deferred += 1  # its store's rotator cursor stayed busy (see _locked)
                continue
            try:
                chosen.append((item, self._pick(picker, item)))
            except NoSender as exc:
                writes.end(item.row, "failed", str(exc))

        paced = await self._pacing({integration for _, integration in chosen})
        pacer = Pacer(self.now, self.horizon, paced)
        for item, integration in chosen:
            if integration.pacing_per_minute > 0 and integration.id not in paced:
                batch.deferred += 1  # its pacing row stayed busy (see _locked)
                continue
            slot, within = pacer.slot(integration.id)
            if not within:
                writes.postpone(item.row, slot)
                continue
            image = image_url(self.settings, item.template.image)
            claimed = Claimed(
                item.row.id,
                item.row.store_id,
                item.row.attempts + 1,
                item.row.due_at,
                integration,
                item.to,
                item.text,
                image,
                slot,
            )
            writes.send(claimed, lease_until)
            batch.claimed.append(claimed)

        await writes.flush(
            self.session, pacer.advanced(), {store: picker.cursors[store] for store in picker.moved}
        )
        batch.ended.update(item["_status"] for item in writes.ended)
        batch.postponed = len(writes.postponed) + len(writes.waiting)
        return batch

    @staticmethod
    def _pick(picker: SenderPicker, item: _Ready) -> Integration:
        row = item.row
        return picker.pick(
            store_id=row.store_id,
            assignation=item.template.wa_gateway_assignation_type,
            provider=item.template.provider,
            template_integration_id=item.template.wa_integration_id,
            handler_id=item.handler_id,
            buyer=("order", row.order_id) if row.order_id else ("lead", row.lead_id or 0),
        )

    # --- reads -------------------------------------------------------------------------------------------------

    async def _due(self) -> list[_Due]:
        stmt = (
            select(
                FollowupMessage.id,
                FollowupMessage.store_id,
                FollowupMessage.order_id,
                FollowupMessage.lead_id,
                FollowupMessage.template_id,
                FollowupMessage.trigger,
                FollowupMessage.due_at,
                FollowupMessage.attempts,
                FollowupMessage.actor_member_id,
            )
            .where(
                FollowupMessage.status == "scheduled",
                FollowupMessage.channel.in_(PROVIDERS),
                FollowupMessage.due_at <= self.now,
            )
            .order_by(FollowupMessage.due_at, FollowupMessage.id)
            .limit(self.settings.worker_batch_size)
            .with_for_update(skip_locked=True, of=FollowupMessage)
        )
        return [_Due(*row) for row in await self.session.execute(stmt)]

    async def _by_id(self, model: Any, ids: set[int]) -> dict[int, Any]:
        if not ids:
            return {}
        return {item.id: item for item in await self.session.scalars(select(model).where(model.id.in_(ids)))}

    async def _store_settings(
        self, store_ids: set[int], rotating: set[int]
    ) -> tuple[dict[int, tuple[time | None, time | None]], dict[int, int]]:
        """Quiet hours of the stores, and the rotator cursors of the `rotating` ones, their rows locked (the
        cursor moves below). When they stay busy past LOCK_WAIT (see _locked) there are no cursors: the rotator
        rows of the batch wait for the next one."""
        quiet: dict[int, tuple[time | None, time | None]] = {}
        stmt = select(
            StoreSettings.store_id, StoreSettings.quiet_hours_start, StoreSettings.quiet_hours_end
        ).where(StoreSettings.store_id.in_(store_ids))
        for store_id, start, end in await self.session.execute(stmt):
            quiet[store_id] = (start, end)
        if not rotating:
            return quiet, {}
        locked = await self._locked(
            select(StoreSettings.store_id, StoreSettings.wa_rotator_cursor)
            .where(StoreSettings.store_id.in_(rotating))
            .order_by(StoreSettings.store_id)
            .with_for_update()
        )
        return quiet, {store_id: int(cursor or 0) for store_id, cursor in locked or []}

    async def _locked(self, stmt: Any) -> list[Any] | None:
        """The rows of a `FOR UPDATE` select, or None when another transaction held them longer than LOCK_WAIT.

        This claim already holds its message rows; a transaction that locked one of these rows (a checkout
        bumping its store's counters, an integration being deleted) may then wait for one of ours (canceling a
        converted lead's follow-ups, nulling the integration). Waiting without a bound would deadlock with it,
        and PostgreSQL could choose to abort the buyer's checkout; with a short bound (below the server's
        deadlock_timeout, 1 s) this claim gives up first, in a savepoint, and goes on without those rows."""
        return await select_locked_within(self.session, stmt, LOCK_WAIT)

    async def _integrations(self, store_ids: set[int]) -> dict[int, Integration]:
        stmt = select(
            WaIntegration.id,
            WaIntegration.store_id,
            WaIntegration.provider,
            WaIntegration.phone_number,
            WaIntegration.credentials,
            WaIntegration.pacing_per_minute,
            WaIntegration.is_active,
            WaIntegration.owner_member_id,
        ).where(WaIntegration.store_id.in_(store_ids))
        return {row.id: Integration(*row) for row in await self.session.execute(stmt)}

    async def _sticky(self, ready: list[_Ready], rotating: set[int]) -> dict[tuple[str, int], int]:
        """Who last sent to the orders and checkouts the rotator serves in this batch."""
        rotated = [
            item
            for item in ready
            if item.row.store_id in rotating and item.template.wa_gateway_assignation_type == "rotator"
        ]
        order_ids = {item.row.order_id for item in rotated if item.row.order_id}
        lead_ids = {item.row.lead_id for item in rotated if item.row.lead_id}
        if not order_ids and not lead_ids:
            return {}
        conditions = []
        if order_ids:
            conditions.append(FollowupMessage.order_id.in_(order_ids))
        if lead_ids:
            conditions.append(FollowupMessage.lead_id.in_(lead_ids))
        stmt = (
            select(FollowupMessage.order_id, FollowupMessage.lead_id, FollowupMessage.integration_id)
            .where(
                or_(*conditions),
                FollowupMessage.integration_id.is_not(None),
                FollowupMessage.status.in_(_SENT_FROM),
            )
            .order_by(FollowupMessage.id)
        )
        sticky: dict[tuple[str, int], int] = {}
        for order_id, lead_id, integration_id in await self.session.execute(stmt):
            sticky[("order", order_id) if order_id else ("lead", lead_id)] = integration_id  # the latest wins
        return sticky

    async def _pacing(self, integrations: set[Integration]) -> dict[int, tuple[int, datetime | None]]:
        """Pace and next slot of the paced integrations this batch sends from, their rows locked (in id order:
        every worker locks them in the same order) so that no two workers hand out the same slot. Rows busy
        past LOCK_WAIT (see _locked) are missing from the answer: their messages wait for the next batch."""
        ids = {integration.id for integration in integrations if integration.pacing_per_minute > 0}
        if not ids:
            return {}
        locked = await self._locked(
            select(WaIntegration.id, WaIntegration.pacing_per_minute, WaIntegration.next_send_at)
            .where(WaIntegration.id.in_(ids))
            .order_by(WaIntegration.id)
            .with_for_update()
        )
        return {row.id: (int(row.pacing_per_minute), row.next_send_at) for row in locked or []}

    # --- decisions ---------------------------------------------------------------------------------------------

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
    def _category(
        row: _Due, template: FollowupChat, orders: dict[int, Order], leads: dict[int, CheckoutLead]
    ) -> str:
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

    async def _render(
        self,
        live: list[tuple[_Due, FollowupChat]],
        orders: dict[int, Order],
        leads: dict[int, CheckoutLead],
        stores: dict[int, Store],
    ) -> Iterable[tuple[_Due, FollowupChat, str, str, int | None]]:
        """(row, template, text, buyer's number, the order's handler) of each live row; text "" when none."""
        by_store: dict[int, dict[int, Order]] = {}
        for row, _ in live:
            if row.order_id is not None:
                by_store.setdefault(row.store_id, {})[row.order_id] = orders[row.order_id]
        texts: dict[int, OrderTexts] = {
            store_id: await load_order_texts(
                self.session, self.settings, stores[store_id], list(group.values())
            )
            for store_id, group in by_store.items()
        }
        lead_rows = [(row, template) for row, template in live if row.order_id is None]
        lead_texts = await self._lead_values(lead_rows, leads, stores) if lead_rows else {}
        out = []
        for row, template in live:
            if row.order_id is not None:
                order = orders[row.order_id]
                out.append(
                    (
                        row,
                        template,
                        texts[row.store_id].text(template, order),
                        order.customer_phone,
                        order.handler_id,
                    )
                )
            else:
                lead = leads[row.lead_id or 0]
                raw = str(getattr(template, text_field(self._category(row, template, orders, leads))) or "")
                text = render(raw, lead_texts[lead.id]) if raw.strip() else ""
                out.append((row, template, text, lead.phone, None))
        return out

    async def _lead_values(
        self, rows: list[tuple[_Due, FollowupChat]], leads: dict[int, CheckoutLead], stores: dict[int, Store]
    ) -> dict[int, dict[str, str]]:
        """Placeholder values of the abandoned checkouts: two queries (variant names, form slugs) for all."""
        batch = [leads[row.lead_id or 0] for row, _ in rows]
        variant_ids = {
            int(item["variant_id"]) for lead in batch for item in lead.items or [] if "variant_id" in item
        }
        names: dict[int, str] = {}
        if variant_ids:
            stmt = (
                select(ProductVariant.id, ProductVariant.name, Product.name)
                .join(Product, Product.id == ProductVariant.product_id)
                .where(ProductVariant.id.in_(variant_ids))
            )
            for variant_id, variant_name, product_name in await self.session.execute(stmt):
                names[variant_id] = (
                    f"{product_name} ({variant_name})"
                    if variant_name and variant_name != product_name
                    else product_name
                )
        form_ids = {lead.form_id for lead in batch}
        slugs = {
            form_id: slug
            for form_id, slug in await self.session.execute(
                select(Form.id, Form.slug).where(Form.id.in_(form_ids))
            )
        }
        values = {}
        for lead in batch:
            items = ", ".join(
                f"{item.get('quantity', 1)} × {names[int(item['variant_id'])]}"
                for item in lead.items or []
                if int(item.get("variant_id", 0)) in names
            )
            store = stores[lead.store_id]
            form_url = (
                public_form_url(self.settings, store.subdomain, slugs.get(lead.form_id, ""))
                if lead.form_id in slugs
                else ""
            )
            values[lead.id] = lead_values(store, lead.name, lead.phone, items, form_url)
        return values
