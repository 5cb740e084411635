"""Shared steps of the webhook tests."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
from sqlalchemy import select

from bosonline.models import WebhookAttempt, WebhookDelivery
from bosonline.runtime import Runtime
from bosonline.webhook.outbox import WebhookOutbox


def variant(rt: Runtime, **settings: Any) -> Runtime:
    """The same runtime (database, clock) with some settings changed."""
    return dataclasses.replace(rt, settings=rt.settings.model_copy(update=settings))


async def add_webhook(client: httpx.AsyncClient, headers: dict[str, str], url: str, **body: Any) -> dict[str, Any]:
    response = await client.post("/store/webhook", json={"url": url, **body}, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def emit(
    rt: Runtime, store_id: int, event: str = "order.created", data: dict[str, Any] | None = None, *, commit: bool = True
) -> int:
    """Queues `event` the way order code does, in its own transaction."""
    async with rt.db.session() as session:
        queued = await WebhookOutbox(session, store_id, rt.clock.now()).emit(event, data or {"id": 1})
        if commit:
            await session.commit()
        else:
            await session.rollback()
    return queued


async def deliveries(rt: Runtime, *where: Any) -> list[WebhookDelivery]:
    async with rt.db.session(write=False) as session:
        return list(await session.scalars(select(WebhookDelivery).where(*where).order_by(WebhookDelivery.id)))


async def attempts(rt: Runtime, delivery_id: int) -> list[WebhookAttempt]:
    async with rt.db.session(write=False) as session:
        stmt = select(WebhookAttempt).where(WebhookAttempt.delivery_id == delivery_id).order_by(WebhookAttempt.id)
        return list(await session.scalars(stmt))
