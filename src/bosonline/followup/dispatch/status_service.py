"""Delivery statuses reported by a provider (status webhooks), applied to the follow-up messages it sent.

- A status finds its row by (integration, provider message id); for Meta also by the echoed reference (our
  followup_messages.id), accepted only for a row of the integration's store that this integration sent (or that
  has no integration yet) and whose provider id, if known, is the same.
- Statuses only move forward along rules.PROGRESS: sending → sent → delivered → read (`delivered` may be skipped;
  a status that arrives after a later one is ignored). `failed` applies only to a message not yet delivered or read.
- A `sending` or `unknown` row that a status proves was sent becomes sent / delivered / read and gets its provider
  message id: the buyer has it, so the CS no longer needs the wa.me fallback.
- One SELECT (locked on PostgreSQL: two webhooks about one message apply one after the other) and one executemany
  UPDATE per webhook call, whatever the number of statuses.
- A gateway's status can arrive before the dispatcher recorded the provider id it is about (the gateway answered
  the send, the batch is still going out): a gateway status that matches no message is kept in
  followup_status_inbox, and the dispatcher applies it (apply_waiting_statuses) when it records that id. So
  that the two cannot miss each other on PostgreSQL, such a webhook first waits for the dispatcher transactions
  recording this integration's `sending` rows (it locks them, in id order like the dispatcher) and looks again.
  Rows older than a day (statuses of messages the dispatcher never sent) are dropped when new ones are kept.
- Meta has one callback URL per app: `meta_targets` routes each status by its `phone_number_id` to the store's
  whatsapp_cloud integration of that number whose app secret signed the call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.followup.dispatch.status_repository import ERROR_CHARS, MessageRow, Sender, StatusRepository
from bosonline.followup.rules import PROGRESS
from bosonline.integrations.whatsapp.base import WHATSAPP_CLOUD, StatusUpdate
from bosonline.models import WaIntegration

# Rows a status may still change: on their way (or possibly) to the buyer.
_UPDATABLE = frozenset({*PROGRESS, "unknown"})
_NOT_DELIVERED = frozenset({"sending", "sent", "unknown"})
_MAX_REFERENCE = 10**18


class _AboutANumber(Protocol):
    @property
    def phone_number_id(self) -> str | None: ...


Routed = TypeVar("Routed", bound=_AboutANumber)


async def apply_status_updates(
    session: AsyncSession, integration: Sender, updates: Sequence[StatusUpdate], now: datetime, *, keep: bool = True
) -> int:
    """Apply a webhook's statuses to the integration's follow-up messages; the number of messages changed.
    `keep`: a gateway's statuses that match no message are kept for the dispatcher (see the module docstring)."""
    if not updates:
        return 0
    repo = StatusRepository(session)
    references = {ref for update in updates if (ref := _reference(update.reference)) is not None}
    rows = await repo.messages(integration, {update.message_id for update in updates}, references)
    unmatched = _match(rows, updates, integration.id, now)
    if unmatched and keep and integration.provider != WHATSAPP_CLOUD:  # Meta echoes our reference: no inbox needed
        await repo.wait_for_recording(integration.id)
        seen = {row.id for row in rows}
        recorded = [
            row
            for row in await repo.messages(integration, {update.message_id for update in unmatched}, set())
            if row.id not in seen
        ]
        unmatched = _match(recorded, unmatched, integration.id, now)
        rows += recorded
        if unmatched:
            await repo.keep(integration.id, unmatched, now)
    changed = [row for row in rows if row.changed]
    await repo.save(changed, now)
    return len(changed)


async def apply_waiting_statuses(session: AsyncSession, sent: Sequence[tuple[Sender, str]], now: datetime) -> int:
    """The dispatcher just recorded these (integration, provider message id) sends: apply the statuses their
    gateway reported before that (kept in the inbox), and forget them. One query when none are waiting."""
    if not sent:
        return 0
    repo = StatusRepository(session)
    waiting = await repo.waiting({(integration.id, message_id) for integration, message_id in sent})
    if not waiting:
        return 0
    senders = {integration.id: integration for integration, _ in sent}
    by_integration: dict[int, list[StatusUpdate]] = {}
    for _id, integration_id, message_id, status, error in waiting:
        by_integration.setdefault(integration_id, []).append(StatusUpdate(message_id, status, error))
    applied = 0
    for integration_id, updates in by_integration.items():
        applied += await apply_status_updates(session, senders[integration_id], updates, now, keep=False)
    await repo.forget(row[0] for row in waiting)
    return applied


async def meta_targets(
    session: AsyncSession,
    integration: WaIntegration,
    own_number: str,
    updates: Sequence[Routed],
    *,
    credentials_of: Callable[[WaIntegration], dict[str, Any] | None],
    signed_with: Callable[[str], bool],
) -> list[tuple[WaIntegration, list[Routed]]]:
    """Meta's statuses (or inbound messages) grouped by the integration they are about. A Meta app has one callback URL for all its
    numbers, so a call to one integration's URL may carry statuses of another number of the same app: each goes
    to the store's whatsapp_cloud integration with that `phone_number_id` whose app secret signed the call (it
    does when they share the app). Statuses without a number, or of this integration's, stay with it; those of a
    number the store does not have (in that app) are dropped."""
    own: list[Routed] = []
    others: dict[str, list[Routed]] = {}
    for status in updates:
        if status.phone_number_id is None or status.phone_number_id == own_number:
            own.append(status)
        else:
            others.setdefault(status.phone_number_id, []).append(status)
    targets = [(integration, own)] if own else []
    if others:
        for other in await StatusRepository(session).meta_integrations(integration.store_id, besides=integration.id):
            credentials = credentials_of(other) or {}  # unreadable: nothing to route to
            number = str(credentials.get("phone_number_id", ""))
            if number in others and signed_with(str(credentials.get("app_secret", ""))):
                targets.append((other, others.pop(number)))
            if not others:
                break
    return targets


def _match(
    rows: list[MessageRow], updates: Sequence[StatusUpdate], integration_id: int, now: datetime
) -> list[StatusUpdate]:
    """Apply `updates` to the rows they are about; the updates that found no row."""
    by_message_id = {row.provider_message_id: row for row in rows if row.integration_id == integration_id}
    by_id = {row.id: row for row in rows}
    unmatched = []
    for status in updates:
        row = by_message_id.get(status.message_id) or _by_reference(by_id, status, integration_id)
        if row is None:
            unmatched.append(status)
        else:
            _apply(row, status, integration_id, now)
    return unmatched


def _reference(reference: str | None) -> int | None:
    if reference is None or not (reference.isascii() and reference.isdigit()) or len(reference) > 18:
        return None
    value = int(reference)
    return value if 0 < value < _MAX_REFERENCE else None


def _by_reference(by_id: dict[int, MessageRow], status: StatusUpdate, integration_id: int) -> MessageRow | None:
    reference = _reference(status.reference)
    row = by_id.get(reference) if reference is not None else None
    if row is None or row.integration_id not in (None, integration_id):
        return None
    if row.provider_message_id is not None and row.provider_message_id != status.message_id:
        return None
    return row


def _apply(row: MessageRow, status: StatusUpdate, integration_id: int, now: datetime) -> None:
    if row.status not in _UPDATABLE:
        return
    if status.status == "failed":
        if row.status not in _NOT_DELIVERED:
            return
        row.status = "failed"
        row.error = (status.error or "the provider reported the message as failed")[:ERROR_CHARS]
    else:
        current = PROGRESS.get(row.status, 0)  # unknown: not known to be anywhere yet
        if PROGRESS[status.status] <= current and row.status != "unknown":
            return
        row.status = status.status
        row.sent_at = row.sent_at or now
        if status.status == "delivered":
            row.delivered_at = row.delivered_at or now
        if status.status == "read":
            row.read_at = row.read_at or now
        if row.error is not None:
            row.error = None
    if row.provider_message_id is None:
        row.provider_message_id = status.message_id[:128]
    row.integration_id = integration_id
    row.locked_until = None
    row.changed = True
