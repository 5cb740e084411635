"""Rules of the store's webhook endpoints: at most 10, unique URLs, public targets, secrets, test deliveries,
and the delivery log with manual retries."""

from __future__ import annotations

import builtins

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import Conflict, ValidationFailed, conflict_for, found
from bosonline.kit.pagination import Page, PageParams
from bosonline.models import Webhook, WebhookDelivery
from bosonline.models.webhook import WEBHOOK_URL_UNIQUE
from bosonline.runtime import Runtime
from bosonline.tenancy import ScopedService, StoreContext
from bosonline.webhook.errors import WebhookError
from bosonline.webhook.outbox import TEST_EVENT, delivery_row, dumps, timestamp, wake_worker_after_commit
from bosonline.webhook.repository import WebhookRepository
from bosonline.webhook.schemas import (
    MAX_WEBHOOKS_PER_STORE,
    DeliveryDetailOut,
    DeliveryOut,
    WebhookDeletedOut,
    WebhookDetailOut,
    WebhookIn,
    WebhookOut,
)
from bosonline.webhook.signing import new_secret
from bosonline.webhook.targets import TargetRefused, check_host, host_and_port

RESOLVE_TIMEOUT_SECONDS = 3.0


class WebhookService(ScopedService):
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        super().__init__(session, runtime, ctx)
        self.repo = WebhookRepository(session, ctx)

    # Endpoints ----------------------------------------------------------------------------------------------

    async def list(self) -> list[WebhookOut]:
        return [WebhookOut.model_validate(webhook) for webhook in await self.repo.all()]

    async def get(self, webhook_id: int) -> WebhookDetailOut:
        return WebhookDetailOut.model_validate(await self._webhook(webhook_id))

    async def create(self, data: WebhookIn) -> WebhookDetailOut:
        await self._check_url(data.url, webhook_id=None)  # before the lock: it may wait on DNS
        await self.repo.lock_store()
        if await self.repo.count() >= MAX_WEBHOOKS_PER_STORE:
            raise Conflict(
                f"A store can have at most {MAX_WEBHOOKS_PER_STORE} webhooks; delete one first",
                code=WebhookError.webhook_limit_reached,
            )
        now = self.rt.clock.now()
        webhook = Webhook(
            url=data.url,
            secret=data.secret or new_secret(),
            events=list(data.events),
            description=data.description or None,
            status="active",
            created_at=now,
            updated_at=now,
        )
        await self.repo.insert(webhook)
        return WebhookDetailOut.model_validate(webhook)

    async def update(self, webhook_id: int, data: WebhookIn) -> WebhookDetailOut:
        webhook = await self._webhook(webhook_id, for_update=True)
        if data.url != webhook.url:
            await self._check_url(data.url, webhook_id=webhook.id)
        webhook.url = data.url
        webhook.events = list(data.events)
        webhook.description = data.description or None
        if data.secret is not None:
            webhook.secret = data.secret
        webhook.updated_at = self.rt.clock.now()
        await self.session.flush()
        return WebhookDetailOut.model_validate(webhook)

    async def set_status(self, webhook_id: int, status: str) -> WebhookDetailOut:
        webhook = await self._webhook(webhook_id, for_update=True)
        await self._set_status(webhook, status)
        return WebhookDetailOut.model_validate(webhook)

    async def rotate_secret(self, webhook_id: int) -> WebhookDetailOut:
        webhook = await self._webhook(webhook_id, for_update=True)
        webhook.secret = new_secret()
        webhook.updated_at = self.rt.clock.now()
        await self.session.flush()
        return WebhookDetailOut.model_validate(webhook)

    async def delete(self, webhook_id: int) -> WebhookDeletedOut:
        webhook = await self._webhook(webhook_id, for_update=True)
        await self.repo.remove(webhook)
        return WebhookDeletedOut(id=webhook_id)

    async def send_test(self, webhook_id: int) -> DeliveryOut:
        webhook = await self._webhook(webhook_id)
        if webhook.status != "active":
            raise Conflict("This webhook is inactive; activate it first", code=WebhookError.webhook_inactive)
        now = self.rt.clock.now()
        data = {
            "message": "Test delivery from bosonline: your endpoint is reachable and can verify the signature.",
            "webhook_id": webhook.id,
            "store_id": self.ctx.store_id,
        }
        row = delivery_row(
            store_id=self.ctx.store_id,
            webhook_id=webhook.id,
            event=TEST_EVENT,
            order_id=None,
            stamp=timestamp(now),
            data_json=dumps(data),
            now=now,
        )
        delivery = await self.repo.queue(row)
        wake_worker_after_commit(self.session)
        return DeliveryOut.model_validate(delivery)

    # Delivery log -------------------------------------------------------------------------------------------

    async def deliveries(
        self, webhook_id: int, params: PageParams, *, status: str | None
    ) -> tuple[builtins.list[DeliveryOut], Page[WebhookDelivery]]:
        await self._webhook(webhook_id)
        page = await self.repo.deliveries(webhook_id, params, status=status)
        return [DeliveryOut.model_validate(delivery) for delivery in page.items], page

    async def delivery(self, delivery_id: int) -> DeliveryDetailOut:
        delivery = await self._delivery(delivery_id)
        return DeliveryDetailOut.with_attempts(delivery, await self.repo.attempts_of(delivery.id))

    async def retry(self, delivery_id: int) -> DeliveryOut:
        delivery = await self._delivery(delivery_id, for_update=True)
        if delivery.status != "failed":
            raise Conflict(
                f"Only a failed delivery can be retried; this one is {delivery.status}",
                code=WebhookError.delivery_not_failed,
            )
        # One more attempt, due now. `attempts` keeps counting: if this one fails too, the delivery is failed again
        # (its retry schedule was used up), and can be retried again once the receiver is fixed.
        delivery.status, delivery.next_attempt_at, delivery.locked_until = "pending", self.rt.clock.now(), None
        await self.session.flush()
        wake_worker_after_commit(self.session)
        return DeliveryOut.model_validate(delivery)

    # Helpers ------------------------------------------------------------------------------------------------

    async def _webhook(self, webhook_id: int, *, for_update: bool = False) -> Webhook:
        return found(await self.repo.get(webhook_id, for_update=for_update))

    async def _delivery(self, delivery_id: int, *, for_update: bool = False) -> WebhookDelivery:
        return found(await self.repo.delivery(delivery_id, for_update=for_update))

    async def _check_url(self, url: str, *, webhook_id: int | None) -> None:
        holder = await self.repo.url_holder(url)
        if holder is not None and holder != webhook_id:
            raise conflict_for(WEBHOOK_URL_UNIQUE)
        if self.rt.settings.webhook_allow_private_targets:
            return
        host, port = host_and_port(url)
        try:
            await check_host(host, port, timeout=RESOLVE_TIMEOUT_SECONDS)
        except TargetRefused as exc:
            raise ValidationFailed(fields={"url": str(exc)}) from exc
