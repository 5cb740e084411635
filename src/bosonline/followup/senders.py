"""Which WhatsApp number sends a follow-up, by the template's `wa_gateway_assignation_type`:

- `fixed`: always the template's `wa_integration_id`;
- `handler`: the active integration whose owner is the order's CS (`owner_member_id` = the order's handler),
  preferring one of the template's provider; without one, the template's integration;
- `rotator`: round-robin over the store's active integrations of the template's provider, from
  `store_settings.wa_rotator_cursor` (the caller writes the moved cursor back in the same transaction). An order
  (or abandoned checkout) that already got a message from an active integration keeps that number: a buyer sees
  one sender.

No active integration to use → the follow-up fails with the reason (`NoSender`)."""

from __future__ import annotations

from dataclasses import dataclass


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


class NoSender(Exception):
    """No active integration can send this follow-up; the message says why."""


@dataclass
class SenderPicker:
    """Sender choice for one batch: integrations of the batch's stores, rotator cursors, and who already sent to
    each order (`sticky`, keyed `("order", id)` / `("lead", id)`)."""

    integrations: dict[int, Integration]
    cursors: dict[int, int]  # store id → wa_rotator_cursor
    sticky: dict[tuple[str, int], int]

    def __post_init__(self) -> None:
        self._rotation: dict[tuple[int, str], list[Integration]] = {}
        for integration in sorted(self.integrations.values(), key=lambda item: item.id):
            if integration.is_active:
                self._rotation.setdefault((integration.store_id, integration.provider), []).append(
                    integration
                )
        self.moved: set[int] = set()  # stores whose cursor moved

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
    ) -> Integration:
        if assignation == "handler":
            chosen = self._of_handler(store_id, provider, handler_id) or self._active(
                template_integration_id, store_id
            )
            if chosen is None:
                raise NoSender(
                    "no active WhatsApp integration for the order's CS, and the template's is inactive"
                )
        elif assignation == "rotator":
            chosen = self._rotate(store_id, provider, template_integration_id, buyer)
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
        self, store_id: int, provider: str, template_integration_id: int | None, buyer: tuple[str, int]
    ) -> Integration:
        kept = self._active(self.sticky.get(buyer), store_id)
        if kept is not None:
            return kept
        candidates = self._rotation.get((store_id, provider))
        if candidates:
            cursor = self.cursors.get(store_id, 0)
            chosen = candidates[cursor % len(candidates)]
            self.cursors[store_id] = cursor + 1
            self.moved.add(store_id)
        else:
            fallback = self._active(template_integration_id, store_id)
            if fallback is None:
                raise NoSender(f"no active {provider} WhatsApp integration in the store to rotate over")
            chosen = fallback
        self.sticky[buyer] = chosen.id
        return chosen
