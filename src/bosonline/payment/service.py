"""Rules of the store's QRIS: one static payload per store, and its image (static, or dynamic for an amount)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import NotFound, ValidationFailed
from bosonline.payment.qris import dynamic_qris, qris_png
from bosonline.payment.repository import PaymentSettingsRepository
from bosonline.payment.schemas import QrisOut
from bosonline.runtime import Runtime
from bosonline.tenancy import ScopedService, StoreContext


@dataclass(frozen=True)
class QrisImage:
    png: bytes
    filename: str


class QrisService(ScopedService):
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        super().__init__(session, runtime, ctx)
        self.repo = PaymentSettingsRepository(session, ctx)

    async def get(self) -> QrisOut | None:
        payload = (await self.repo.settings()).qris_payload
        return QrisOut.of(payload) if payload else None

    async def save(self, payload: str) -> QrisOut:
        """`payload` was checked by the schema (a valid static QRIS)."""
        settings = await self.repo.settings()
        settings.qris_payload = payload
        settings.updated_at = self.rt.clock.now()
        await self.session.flush()
        return QrisOut.of(payload)

    async def delete(self) -> None:
        settings = await self.repo.settings()
        if not settings.qris_payload:
            raise NotFound()
        settings.qris_payload = None
        settings.updated_at = self.rt.clock.now()
        await self.session.flush()

    async def image(self, amount: int | None) -> QrisImage:
        """The store's static QRIS as a PNG, or with `amount` a dynamic copy for that many rupiah."""
        payload = (await self.repo.settings()).qris_payload
        if not payload:
            raise NotFound()
        label = self.ctx.store.subdomain or str(self.ctx.store_id)
        if amount is None:
            return QrisImage(await _png(payload), f"qris-{label}.png")
        try:
            dynamic = dynamic_qris(payload, amount)
        except ValueError as exc:
            raise ValidationFailed(fields={"amount": str(exc)}) from exc
        return QrisImage(await _png(dynamic), f"qris-{label}-{amount}.png")


async def _png(payload: str) -> bytes:
    # About 10 ms of CPU for a typical payload: off the event loop, so other requests keep being served.
    return await asyncio.to_thread(qris_png, payload)
