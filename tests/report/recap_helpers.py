"""Orders with lines, statuses, payments and follow-ups at chosen times, for the recap tests: inserted as rows
(tests.order.list_helpers) because the states they need (months of orders, payments at given moments, follow-ups
sent before or after them) take dozens of API calls each, and those APIs have their own tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx

from bosonline.models import FollowupMessage, OrderEvent
from bosonline.runtime import Runtime
from tests.orders_support import add_rows, new_row


async def get_ok(client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get(path, params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


async def returned_then_closed(rt: Runtime, store_id: int, order_id: int, at: datetime) -> None:
    """The timeline of an order that went rts → closed (what the status API writes)."""
    await add_rows(
        rt,
        *(
            new_row(rt, OrderEvent, store_id=store_id, order_id=order_id, kind="status_changed", actor_label="CS",
                    from_status=before, to_status=after, created_at=at)
            for before, after in (("shipped", "rts"), ("rts", "closed"))
        ),
    )  # fmt: skip


def followup(
    rt: Runtime, store_id: int, order_id: int, step: int, sent_at: datetime | None, status: str = "sent"
) -> FollowupMessage:
    """A follow-up of the order at `step`, created before it was sent, in `status`."""
    created = sent_at or rt.clock.now()
    return new_row(
        rt, FollowupMessage, store_id=store_id, order_id=order_id, step=step, template_name=f"Follow Up {step}",
        trigger="order_created", channel="fonnte", status=status, due_at=created, sent_at=sent_at,
        created_at=created, updated_at=created,
    )  # fmt: skip
