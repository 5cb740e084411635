"""The dispatcher tests' building blocks: WhatsApp integrations, templates and due follow-up rows written as model
rows (their APIs have their own tests), a runtime pointed at fake gateways, and reading the rows back."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

import httpx
from sqlalchemy import select, update

from bosonline.followup.dispatch.tasks import FollowupJob
from bosonline.models import FollowupChat, FollowupMessage, StoreSettings, WaIntegration
from bosonline.runtime import Runtime
from tests.followup.fakes import FakeGateway
from tests.order.helpers import CheckoutShop, Placed, make_checkout_shop, place_orders
from tests.orders_support import add_row, set_store_settings

_numbers = itertools.count(1)
TOKEN = "fonnte-device-token"
BUYER = "6281234567890"  # tests.checkout.helpers.BUYER_PHONE as stored
TEXT = "Halo {{customer_name}}, pesanan {{order_number}} sebesar {{total}} menunggu pembayaran."


def gateway_runtime(rt: Runtime, *gateways: FakeGateway, **settings: Any) -> Runtime:
    """The same runtime (database, clock, keys) with the provider base URLs of the fakes and `settings`."""
    overrides: dict[str, Any] = {}
    for gateway in gateways:
        overrides.update(gateway.settings_overrides())
    overrides.update(settings)
    return dataclasses.replace(rt, settings=rt.settings.model_copy(update=overrides))


class Sleeps:
    """A FollowupJob `sleep` that records the pacing waits instead of waiting (the clock is frozen)."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(round(seconds, 3))


def job(rt: Runtime, sleeps: Sleeps | None = None) -> FollowupJob:
    return FollowupJob(rt, sleep=sleeps or Sleeps())


async def add_wa(
    rt: Runtime,
    store_id: int,
    *,
    provider: str = "fonnte",
    token: str = "test-token",
    pacing: int = 0,
    owner_member_id: int | None = None,
    active: bool = True,
    credentials: dict[str, Any] | None = None,
    sealed: str | None = None,
    name: str | None = None,
    phone: str | None = None,
) -> int:
    """A WhatsApp integration row with sealed credentials (by default just the token); the integration API has its
    own tests, other tests write the row."""
    secrets = credentials if credentials is not None else {"token": token, "webhook_secret": "hook-secret"}
    integration = await add_row(
        rt,
        WaIntegration,
        store_id=store_id,
        name=name or f"WA {provider}",
        phone_number=phone or f"62813{next(_numbers):08d}",
        provider=provider,
        credentials=sealed if sealed is not None else rt.secrets.seal(secrets),
        pacing_per_minute=pacing,
        is_active=active,
        owner_member_id=owner_member_id,
    )
    return integration.id


async def add_template(
    rt: Runtime,
    store_id: int,
    product_id: int | None = None,
    *,
    provider: str = "fonnte",
    integration_id: int | None = None,
    assignation: str = "fixed",
    text: str = TEXT,
    cod: str = "",
    epayment: str = "",
    trigger: str = "order_created",
    position: int = 1,
    image: str | None = None,
) -> FollowupChat:
    return await insert_template(
        rt,
        store_id,
        product_id,
        position=position,
        name=f"Follow Up {position}",
        provider=provider,
        change_status=False,
        hours_after=0,
        image=image,
        is_default=False,
        text_for_bank_transfer=text,
        text_for_cod=cod,
        text_for_epayment=epayment,
        trigger=trigger,
        wa_gateway_assignation_type=assignation,
        wa_integration_id=integration_id,
    )


async def insert_template(rt: Runtime, store_id: int, product_id: int | None, **values: Any) -> FollowupChat:
    """A FollowupChat row with exactly `values` (the template API has its own tests)."""
    return await add_row(rt, FollowupChat, store_id=store_id, product_id=product_id, **values)


async def schedule(
    rt: Runtime,
    template: FollowupChat,
    *,
    order_ids: list[int] | None = None,
    lead_ids: list[int] | None = None,
    due_at: datetime | None = None,
    actor_member_id: int | None = None,
    channel: str | None = None,
) -> list[int]:
    """Due follow-up rows of `template` for orders (or abandoned checkouts), as scheduling writes them."""
    now = rt.clock.now()
    targets = [("order", order_id) for order_id in order_ids or []] + [("lead", lead) for lead in lead_ids or []]
    async with rt.db.session() as session:
        rows = [
            FollowupMessage(
                store_id=template.store_id,
                order_id=target if kind == "order" else None,
                lead_id=target if kind == "lead" else None,
                template_id=template.id,
                step=template.position,
                template_name=template.name,
                trigger=template.trigger,
                channel=channel or template.provider,
                status="scheduled",
                due_at=due_at or now,
                actor_member_id=actor_member_id,
                created_at=now,
                updated_at=now,
            )
            for kind, target in targets
        ]
        session.add_all(rows)
        await session.commit()
        return [row.id for row in rows]


async def rows(rt: Runtime, *where: Any) -> list[FollowupMessage]:
    async with rt.db.session(write=False) as session:
        return list(await session.scalars(select(FollowupMessage).where(*where).order_by(FollowupMessage.id)))


async def row(rt: Runtime, message_id: int) -> FollowupMessage:
    [found] = await rows(rt, FollowupMessage.id == message_id)
    return found


async def integration(rt: Runtime, integration_id: int) -> WaIntegration:
    async with rt.db.session(write=False) as session:
        found = await session.get(WaIntegration, integration_id)
        assert found is not None
        return found


async def set_active(rt: Runtime, integration_id: int, active: bool) -> None:
    """Pauses or resumes a number (as PUT /store/wa-integration/{id} with `is_active`)."""
    async with rt.db.session() as session:
        await session.execute(update(WaIntegration).where(WaIntegration.id == integration_id).values(is_active=active))
        await session.commit()


async def set_quiet_hours(rt: Runtime, store_id: int, start: time, end: time) -> None:
    await set_store_settings(rt, store_id, quiet_hours_start=start, quiet_hours_end=end)


async def rotator_cursor(rt: Runtime, store_id: int) -> int:
    async with rt.db.session(write=False) as session:
        return int(
            await session.scalar(select(StoreSettings.wa_rotator_cursor).where(StoreSettings.store_id == store_id)) or 0
        )


async def drain(followups: FollowupJob, limit: int = 1000, *, shared_with: Runtime | None = None) -> int:
    """run_once until a batch handles nothing; how many it handled in all. With `shared_with` (several dispatchers
    on one queue) an empty batch ends the drain only when no follow-up is left to send: a claim skips the rows and
    integrations another claim holds beyond its bounded wait (they wait for its next batch, as in the worker loop)."""
    handled = 0
    for _ in range(limit):
        count = await followups.run_once()
        if not count:
            if shared_with is None or not await any_left_to_send(shared_with):
                return handled
            await asyncio.sleep(0.01)
        handled += count
    raise AssertionError("the dispatcher never ran dry")


async def any_left_to_send(rt: Runtime) -> bool:
    async with rt.db.session(write=False) as session:
        left = select(FollowupMessage.id).where(FollowupMessage.status == "scheduled").exists()
        return bool(await session.scalar(select(left)))


@dataclass
class Setup:
    rt: Runtime  # pointed at the fake gateway
    shop: CheckoutShop
    orders: list[Placed]
    wa: int
    template: FollowupChat


async def setup(
    client: httpx.AsyncClient,
    rt: Runtime,
    gateway: FakeGateway,
    n: int = 1,
    *,
    pacing: int = 0,
    settings: dict[str, Any] | None = None,
    **template: Any,
) -> Setup:
    """A shop with `n` placed orders, a number of the gateway's provider and one template of it (fixed); no rows
    scheduled yet (orders are placed first: the checkout would schedule rows of existing templates itself)."""
    shop = await make_checkout_shop(client, rt)
    orders = await place_orders(client, rt, shop, n)
    wa = await add_wa(rt, shop.store_id, token=gateway.token, pacing=pacing)
    made = await add_template(rt, shop.store_id, shop.kaos, integration_id=wa, **template)
    return Setup(gateway_runtime(rt, gateway, **(settings or {})), shop, orders, wa, made)
