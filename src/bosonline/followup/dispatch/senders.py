"""Which WhatsApp number sends a follow-up, by the template's `wa_gateway_assignation_type`:

- `fixed`: always the template's `wa_integration_id`;
- `handler`: the active integration whose owner is the order's CS (`owner_member_id` = the order's handler),
  preferring one of the template's provider; without one, the template's integration;
- `rotator`: round-robin over the store's active integrations of the template's provider (the store's id-ordered
  list of active integrations, those of other providers skipped), from `store_settings.wa_rotator_cursor` (the
  caller locks it and writes the moved cursor back in the same transaction). The cursor holds one position per
  provider (ROTATOR_FIELD_BITS each, in PROVIDERS order): a store rotating over two Fonnte and two Wablas numbers
  with its follow-ups alternating between them uses all four, each provider's numbers in turn. An order (or
  abandoned checkout) that already got a message from an active integration keeps that number: a buyer sees one
  sender; so does a follow-up that holds a pacing slot on a number (followup/dispatch/pacing.py).

No active integration to use → `NoSender` with the reason: nothing was sent, so the dispatcher keeps the follow-up
`scheduled`, due again NO_SENDER_RETRY later, `error` = "no active WhatsApp number: <reason>" (no_sender_error): it
goes once a number is active again, and the CS sees it meanwhile (the attempts list, the order's chats)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import select_locked_within
from bosonline.integrations.whatsapp.base import PROVIDERS
from bosonline.models import FollowupMessage, StoreSettings, WaIntegration

ROTATOR_FIELD_BITS = 16
_FIELD = (1 << ROTATOR_FIELD_BITS) - 1
# A message already went (or may have gone) to the buyer from this integration: the rotator keeps that sender.
_SENT_FROM = ("sending", "sent", "delivered", "read", "unknown")


@dataclass(frozen=True)
class Integration:
    id: int
    store_id: int
    provider: str
    phone_number: str
    credentials: str
    pacing_per_minute: int
    is_active: bool
    owner_member_id: int | None


# How long a follow-up that no active number can send waits before the dispatcher looks for a number again.
NO_SENDER_RETRY = timedelta(hours=1)
NO_SENDER = "no active WhatsApp number"


class NoSender(Exception):
    """No active integration can send this follow-up; the message says why."""


def no_sender_error(reason: NoSender) -> str:
    """The `error` of a follow-up waiting for an active number."""
    return f"{NO_SENDER}: {reason}"


def rotator_position(cursor: int, provider: str) -> int:
    """The provider's position packed in a store's `wa_rotator_cursor` (0 for a provider not in PROVIDERS)."""
    if provider not in PROVIDERS:
        return 0
    return (cursor >> (ROTATOR_FIELD_BITS * PROVIDERS.index(provider))) & _FIELD


def _with_position(cursor: int, provider: str, position: int) -> int:
    if provider not in PROVIDERS:
        return cursor
    shift = ROTATOR_FIELD_BITS * PROVIDERS.index(provider)
    return (cursor & ~(_FIELD << shift)) | ((position & _FIELD) << shift)


@dataclass
class SenderPicker:
    """Sender choice for one batch: integrations of the batch's stores, rotator cursors, and who already sent to
    each order (`sticky`, keyed `("order", id)` / `("lead", id)`)."""

    integrations: dict[int, Integration]
    cursors: dict[int, int]  # store id → wa_rotator_cursor
    sticky: dict[tuple[str, int], int]
    moved: set[int] = field(default_factory=set)  # stores whose cursor moved

    def __post_init__(self) -> None:
        self._rotation: dict[tuple[int, str], list[Integration]] = {}
        for integration in sorted(self.integrations.values(), key=lambda item: item.id):
            if integration.is_active:
                self._rotation.setdefault((integration.store_id, integration.provider), []).append(integration)

    def _active(self, integration_id: int | None, store_id: int) -> Integration | None:
        integration = self.integrations.get(integration_id or 0)
        if integration is None or not integration.is_active or integration.store_id != store_id:
            return None
        return integration

    def pick(
        self,
        *,
        store_id: int,
        assignation: str,
        provider: str,
        template_integration_id: int | None,
        handler_id: int | None,
        buyer: tuple[str, int],
        holding: int | None = None,
    ) -> Integration:
        """`holding`: the integration this follow-up holds a pacing slot on (the rotator keeps it)."""
        if assignation == "handler":
            chosen = self._of_handler(store_id, provider, handler_id) or self._active(template_integration_id, store_id)
            if chosen is None:
                raise NoSender("no active WhatsApp integration for the order's CS, and the template's is inactive")
        elif assignation == "rotator":
            chosen = self._rotate(store_id, provider, template_integration_id, buyer, holding)
        else:
            chosen = self._active(template_integration_id, store_id)
            if chosen is None:
                raise NoSender("the template's WhatsApp integration is missing or inactive")
        return chosen

    def _of_handler(self, store_id: int, provider: str, handler_id: int | None) -> Integration | None:
        if handler_id is None:
            return None
        owned = [
            item
            for item in self.integrations.values()
            if item.is_active and item.store_id == store_id and item.owner_member_id == handler_id
        ]
        owned.sort(key=lambda item: (item.provider != provider, item.id))
        return owned[0] if owned else None

    def _rotate(
        self,
        store_id: int,
        provider: str,
        template_integration_id: int | None,
        buyer: tuple[str, int],
        holding: int | None,
    ) -> Integration:
        kept = self._active(self.sticky.get(buyer), store_id) or self._active(holding, store_id)
        if kept is not None:
            self.sticky[buyer] = kept.id
            return kept
        candidates = self._rotation.get((store_id, provider))
        if candidates:
            cursor = self.cursors.get(store_id, 0)
            position = rotator_position(cursor, provider) % len(candidates)
            chosen = candidates[position]
            self.cursors[store_id] = _with_position(cursor, provider, (position + 1) % len(candidates))
            self.moved.add(store_id)
        else:
            fallback = self._active(template_integration_id, store_id)
            if fallback is None:
                raise NoSender(f"no active {provider} WhatsApp integration in the store to rotate over")
            chosen = fallback
        self.sticky[buyer] = chosen.id
        return chosen


# --- reads (the claim's transaction: followup/dispatch/repository.py) -----------------------------------------------------


async def load_integrations(session: AsyncSession, store_ids: set[int]) -> dict[int, Integration]:
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
    return {row.id: Integration(*row) for row in await session.execute(stmt)}


async def rotator_cursors(session: AsyncSession, store_ids: set[int], wait: timedelta) -> dict[int, int]:
    """The rotator cursors of these stores, their settings rows locked (the cursor moves in this transaction).
    Rows busy past `wait` (db.select_locked_within) → {}: the rotator follow-ups wait for the next batch."""
    if not store_ids:
        return {}
    locked = await select_locked_within(
        session,
        select(StoreSettings.store_id, StoreSettings.wa_rotator_cursor)
        .where(StoreSettings.store_id.in_(store_ids))
        .order_by(StoreSettings.store_id)
        .with_for_update(),
        wait,
    )
    return {store_id: int(cursor or 0) for store_id, cursor in locked or []}


async def last_senders(
    session: AsyncSession, order_ids: Iterable[int], lead_ids: Iterable[int]
) -> dict[tuple[str, int], int]:
    """Who last sent (or may have sent) to these orders and abandoned checkouts, keyed ("order"|"lead", id)."""
    orders, leads = sorted(set(order_ids)), sorted(set(lead_ids))
    conditions = []
    if orders:
        conditions.append(FollowupMessage.order_id.in_(orders))
    if leads:
        conditions.append(FollowupMessage.lead_id.in_(leads))
    if not conditions:
        return {}
    stmt = (
        select(FollowupMessage.order_id, FollowupMessage.lead_id, FollowupMessage.integration_id)
        .where(
            and_(
                or_(*conditions),
                FollowupMessage.integration_id.is_not(None),
                FollowupMessage.status.in_(_SENT_FROM),
            )
        )
        .order_by(FollowupMessage.id)
    )
    sticky: dict[tuple[str, int], int] = {}
    for order_id, lead_id, integration_id in await session.execute(stmt):
        # A message is for an order or else a checkout lead, and the WHERE above leaves out a NULL integration.
        owner = order_id or lead_id
        assert owner is not None and integration_id is not None
        sticky[("order" if order_id else "lead", owner)] = integration_id  # the latest wins
    return sticky
