"""All SQL of shipping: the store's rate card rows."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.models import ShippingRate
from bosonline.tenancy import ScopedRepository


class RateCardRepository(ScopedRepository):
    async def card(self) -> list[ShippingRate]:
        """The request's store's services, in card order."""
        stmt = self.scoped(ShippingRate).order_by(ShippingRate.position, ShippingRate.id)
        return list(await self.session.scalars(stmt))

    async def replace(self, rows: Sequence[ShippingRate]) -> None:
        await self.session.execute(delete(ShippingRate).where(ShippingRate.store_id == self.ctx.store_id))
        self.session.add_all(rows)
        await self.session.flush()


async def rate_card_rows(
    session: AsyncSession, store_id: int, *, couriers: Sequence[str] = (), cod_only: bool = False
) -> list[ShippingRate]:
    """The store's services that pass the courier and COD filters (for the rate provider, which checkout calls
    without a member's store context), in card order."""
    stmt = select(ShippingRate).where(ShippingRate.store_id == store_id)
    if couriers:
        stmt = stmt.where(ShippingRate.courier.in_(list(couriers)))
    if cod_only:
        stmt = stmt.where(ShippingRate.cod.is_(True))
    return list(await session.scalars(stmt.order_by(ShippingRate.position, ShippingRate.id)))
