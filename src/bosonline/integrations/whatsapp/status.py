"""Delivery-status webhooks of the providers, read into StatusUpdates (base.py), and Meta's signature check.

- Meta: `entry[].changes[].value.statuses[]`, each `{id: "wamid…", status: sent|delivered|read|failed,
  errors: [{code, title, message, error_data: {details}}], biz_opaque_callback_data}`, with the sending number in
  `value.metadata.phone_number_id` (a Meta app has one callback URL for all its numbers: the webhook routes each
  status by it). Incoming messages (`value.messages[]`, each `{from: "<wa_id>", id, timestamp: "<unix s>", type,
  …}`) are read by parse_meta_inbound into InboundMessages: when a buyer last wrote (the 24-hour window). Signed:
  `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`.
- Fonnte, Wablas, StarSender: their status payloads are not (fully) documented publicly, so they are read
  leniently: one object, a list of them, or either under `data`; the message id from `id` / `message_id` /
  `messageId`, the status from `state` / `status` / `message_status` / `ack`, mapped onto sent/delivered/read/failed.
  Anything else (unknown words such as `pending`, incoming messages, device events) is ignored. A status only ever
  touches a message this integration sent (looked up by its provider id), so a misread event changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from bosonline.integrations.whatsapp.base import DeliveryStatus, InboundMessage, StatusUpdate
from bosonline.integrations.whatsapp.http import clean

MAX_UPDATES = 2_000  # per webhook call; Meta batches up to 1,000 statuses
MAX_ID = 128

_WORDS: dict[str, DeliveryStatus] = {
    "sent": "sent",
    "server": "sent",
    "server_ack": "sent",
    "delivered": "delivered",
    "delivery": "delivered",
    "delivery_ack": "delivered",
    "device": "delivered",
    "read": "read",
    "seen": "read",
    "viewed": "read",
    "played": "read",
    "read_ack": "read",
    "failed": "failed",
    "fail": "failed",
    "error": "failed",
    "rejected": "failed",
    "reject": "failed",
    "invalid": "failed",
    "cancel": "failed",
    "canceled": "failed",
    "cancelled": "failed",
}
_META_STATUSES: dict[str, DeliveryStatus] = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "failed": "failed",
}
# WhatsApp-Web style acknowledgement numbers some gateways forward.
_ACKS: dict[int, DeliveryStatus] = {-1: "failed", 1: "sent", 2: "delivered", 3: "read", 4: "read"}
_ID_KEYS = ("id", "message_id", "messageId", "msgId")
_STATUS_KEYS = ("state", "status", "message_status", "messageStatus")
_ERROR_KEYS = ("note", "reason", "error", "errors")


def verify_meta_signature(app_secret: str, body: bytes, header: str | None) -> bool:
    """Whether `header` (X-Hub-Signature-256) is Meta's signature of `body` with `app_secret`; constant time."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected.encode(), header[len("sha256=") :].strip().lower().encode())


def parse(provider: str, payload: Any) -> list[StatusUpdate]:
    if provider == "whatsapp_cloud":
        return parse_meta(payload)
    return parse_gateway(payload)


def parse_meta(payload: Any) -> list[StatusUpdate]:
    updates: list[StatusUpdate] = []
    for number, item in _meta_items(payload, "statuses"):
        raw = item.get("status")
        status = _META_STATUSES.get(raw) if isinstance(raw, str) else None
        message_id = _id(item.get("id"))
        if status is None or message_id is None:
            continue
        reference = item.get("biz_opaque_callback_data")
        updates.append(
            StatusUpdate(
                message_id=message_id,
                status=status,
                error=_meta_error(item.get("errors")) if status == "failed" else None,
                reference=clean(reference, 512) if isinstance(reference, str) and reference else None,
                phone_number_id=number,
            )
        )
        if len(updates) >= MAX_UPDATES:
            break
    return updates


def parse_meta_inbound(payload: Any) -> list[InboundMessage]:
    """The messages buyers sent (`value.messages[]`): who (`from`, digits) and when (`timestamp`, unix seconds).
    Items without a usable sender or time are skipped; at most MAX_UPDATES."""
    found: list[InboundMessage] = []
    for number, item in _meta_items(payload, "messages"):
        sender, at = item.get("from"), _unix_time(item.get("timestamp"))
        if not isinstance(sender, str) or not (sender.isascii() and sender.isdigit() and 8 <= len(sender) <= 16):
            continue
        if at is not None:
            found.append(InboundMessage(phone=sender, at=at, phone_number_id=number))
        if len(found) >= MAX_UPDATES:
            break
    return found


def _meta_items(payload: Any, key: str) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """(the number the change is about, item) for each object in `entry[].changes[].value.<key>[]`."""
    for entry in _dicts(payload.get("entry") if isinstance(payload, dict) else None):
        for change in _dicts(entry.get("changes")):
            value = change.get("value")
            number = _phone_number_id(value)
            for item in _dicts(value.get(key) if isinstance(value, dict) else None):
                yield number, item


def _unix_time(value: Any) -> datetime | None:
    """Meta's `timestamp`: unix seconds as a string (or a number); None when it is not a plausible one."""
    if isinstance(value, bool):
        return None
    text = str(value).strip() if isinstance(value, (str, int)) else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 11:
        return None
    return datetime.fromtimestamp(int(text), tz=UTC)


def _phone_number_id(value: Any) -> str | None:
    """`value.metadata.phone_number_id`: which of the app's numbers a change is about (one callback URL per app)."""
    metadata = value.get("metadata") if isinstance(value, dict) else None
    number = _id(metadata.get("phone_number_id")) if isinstance(metadata, dict) else None
    return number if number is not None and number.isascii() and number.isdigit() else None


def parse_gateway(payload: Any) -> list[StatusUpdate]:
    updates: list[StatusUpdate] = []
    for item in _gateway_items(payload):
        message_id = next((found for key in _ID_KEYS if (found := _id(item.get(key))) is not None), None)
        status = _gateway_status(item)
        if message_id is None or status is None:
            continue
        error = None
        if status == "failed":
            error = next((text for key in _ERROR_KEYS if (text := _text(item.get(key)))), None)
        updates.append(StatusUpdate(message_id=message_id, status=status, error=error or None))
        if len(updates) >= MAX_UPDATES:
            break
    return updates


def _gateway_items(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, list):
        return _dicts(payload)
    if not isinstance(payload, dict):
        return []
    nested = payload.get("data")
    if isinstance(nested, list):
        return _dicts(nested)
    if isinstance(nested, dict) and any(key in nested for key in _ID_KEYS):
        return [nested]
    return [payload]


def _gateway_status(item: dict[str, Any]) -> DeliveryStatus | None:
    for key in _STATUS_KEYS:
        value = item.get(key)
        if isinstance(value, str) and (status := _WORDS.get(value.strip().lower())) is not None:
            return status
    ack = item.get("ack")
    if isinstance(ack, int) and not isinstance(ack, bool):
        return _ACKS.get(ack)
    if isinstance(ack, str):
        return _WORDS.get(ack.strip().lower())
    return None


def _meta_error(errors: Any) -> str:
    for error in _dicts(errors):
        details = error.get("error_data", {}).get("details") if isinstance(error.get("error_data"), dict) else None
        words = " ".join(str(part) for part in (error.get("title") or error.get("message"), details) if part)
        return clean(f"{error.get('code', '?')}: {words}" if words else f"error {error.get('code', '?')}")
    return "the provider reported the message as failed"


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _id(value: Any) -> str | None:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    if not text or len(text) > MAX_ID or not text.isprintable():
        return None
    return text


def _text(value: Any) -> str:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, (list, dict)) and value:
        return clean(value)
    return ""
