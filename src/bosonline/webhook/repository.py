"""All SQL of the store's webhook endpoints and their delivery log, limited to the request's store."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import row_of
from bosonline.kit.pagination import Page, PageParams, keyset_page
from bosonline.models import Webhook, WebhookAttempt, WebhookDelivery
from bosonline.tenancy import RowRepository

MAX_ATTEMPTS_SHOWN = 100


class WebhookRepository(RowRepository[Webhook]):
    model = Webhook

    # Endpoints ----------------------------------------------------------------------------------------------

    async def all(self) -> list[Webhook]:
        return list(await self.session.scalars(self.scoped(Webhook).order_by(Webhook.id)))

    async def url_holder(self, url: str) -> int | None:
        return await self.session.scalar(self.scoped(Webhook).with_only_columns(Webhook.id).where(Webhook.url == url))

    async def remove(self, webhook: Webhook) -> None:
        """Deletes the endpoint; its deliveries and their attempts go with it (ON DELETE CASCADE)."""
        await self.session.delete(webhook)
        await self.session.flush()

    # Deliveries ---------------------------------------------------------------------------------------------

    async def queue(self, row: dict[str, Any]) -> WebhookDelivery:
        delivery = WebhookDelivery(**row)
        self.session.add(delivery)
        await self.session.flush()
        return delivery

    async def delivery(self, delivery_id: int, *, for_update: bool = False) -> WebhookDelivery | None:
        stmt = self.scoped(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
        return await row_of(self.session, stmt, for_update=for_update)

    async def deliveries(self, webhook_id: int, params: PageParams, *, status: str | None) -> Page[WebhookDelivery]:
        stmt = self.scoped(WebhookDelivery).where(WebhookDelivery.webhook_id == webhook_id)
        if status:
            stmt = stmt.where(WebhookDelivery.status == status)
        return await keyset_page(self.session, stmt, [WebhookDelivery.id], params, descending=True)

    async def attempts_of(self, delivery_id: int) -> list[WebhookAttempt]:
        newest = (
            self.scoped(WebhookAttempt)
            .where(WebhookAttempt.delivery_id == delivery_id)
            .order_by(WebhookAttempt.id.desc())
            .limit(MAX_ATTEMPTS_SHOWN)
        )
        return sorted(await self.session.scalars(newest), key=lambda attempt: attempt.id)


async def due_deliveries(session: AsyncSession, now: datetime, cap: int) -> tuple[int, datetime | None]:
    """How many deliveries the worker's claim would find due (counted up to `cap` + 1) and the oldest's due time,
    for GET /metrics: at most cap + 1 entries of ix_webhook_deliveries_status_next_attempt_at, in index order."""
    due = (
        select(WebhookDelivery.next_attempt_at)
        .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(cap + 1)
        .subquery()
    )
    count, oldest = (await session.execute(select(func.count(), func.min(due.c.next_attempt_at)))).one()
    return int(count), oldest
