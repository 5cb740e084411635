"""Meta's 24-hour customer-service window, for follow-ups sent through whatsapp_cloud numbers.

Meta delivers free text (and images) only within 24 hours of the buyer's last message to the number; outside it
only an approved message template (error 131047 otherwise), and an order placed on a website never opens it. So,
per follow-up on a whatsapp_cloud number, at claim time:

- the buyer wrote to this number less than WINDOW ago (wa_conversation_windows, from Meta's `messages` webhook):
  the rendered text, as for the gateways;
- else, the follow-up chat names a Meta template (`meta_template`): that template, its parameters filled with the
  order's (or checkout's) placeholder values;
- else nothing is sent: the follow-up fails with OUTSIDE_WINDOW_ERROR, and the CS can still send it by hand with
  its wa.me link.

A template send keeps the chat's rendered text in the follow-up's record (what the CS reads, and its wa.me link);
what the buyer got is the Meta template with those placeholder values.

WINDOW keeps a margin below Meta's 24 hours: a text claimed just before the window closes must still reach Meta
inside it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.followup.dispatch.window_repository import record_inbound
from bosonline.integrations.whatsapp.base import OUTSIDE_WINDOW_ERROR, InboundMessage, TemplateMessage

WINDOW = timedelta(hours=24) - timedelta(minutes=10)
NO_HEADER_IMAGE = "the Meta template's header needs an image: give this follow-up chat an image"


async def open_windows(
    session: AsyncSession, integration_id: int, inbound: Sequence[InboundMessage], now: datetime
) -> None:
    """Record that these buyers wrote to the integration's number (each one's latest message counts; a time ahead
    of our clock counts as now: it cannot keep a window open longer)."""
    latest: dict[str, datetime] = {}
    for message in inbound:
        at = min(message.at, now)
        if message.phone not in latest or at > latest[message.phone]:
            latest[message.phone] = at
    await record_inbound(session, integration_id, latest)


def within_window(last_inbound: datetime | None, now: datetime) -> bool:
    return last_inbound is not None and now - last_inbound < WINDOW


def outside_window_send(
    meta_template: Mapping[str, Any] | None, values: Mapping[str, str], image: str | None
) -> TemplateMessage | str:
    """What goes to a buyer outside the window: the chat's Meta template filled with `values`, or the error (why
    nothing can be sent)."""
    if not meta_template:
        return OUTSIDE_WINDOW_ERROR
    header = meta_template.get("header") or {}
    header_text = header_image = None
    if header.get("type") == "image":
        if not image:
            return NO_HEADER_IMAGE
        header_image = image
    elif header.get("type") == "text":
        header_text = values.get(str(header.get("placeholder")), "")
    return TemplateMessage(
        name=str(meta_template["name"]),
        language=str(meta_template["language"]),
        body=tuple(values.get(str(name), "") for name in meta_template.get("body") or ()),
        header_text=header_text,
        header_image=header_image,
    )
