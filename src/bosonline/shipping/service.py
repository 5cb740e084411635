"""Rules of the store's rate card: replacing it whole, trying it on a destination, the couriers it offers.

Checkout does not come here: it prices shipping through `shipping.rates.rate_provider`."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import ValidationFailed
from bosonline.models import ShippingRate
from bosonline.regions.service import region_named, resolve_region
from bosonline.runtime import Runtime
from bosonline.shipping.couriers import COURIERS, courier_name
from bosonline.shipping.rates import Rate, RateQuery, rate_provider
from bosonline.shipping.repository import RateCardRepository
from bosonline.shipping.schemas import (
    CourierOut,
    CourierServiceOut,
    RateCardIn,
    RateCardOut,
    RateServiceIn,
    RateServiceOut,
)
from bosonline.tenancy import ScopedService, StoreContext

DESTINATION_LEVELS = (3, 4)  # district (kecamatan) or village (kelurahan/desa)
PROVINCE_HINT = 'is not a province code: use a 2-digit Kemendagri code such as "32" (Jawa Barat)'
_TWO_DIGITS = re.compile(r"[0-9]{2}")
_SHOWN_KEY_LENGTH = 12


class ShippingService(ScopedService):
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        super().__init__(session, runtime, ctx)
        self.repo = RateCardRepository(session, ctx)

    async def card(self) -> RateCardOut:
        return RateCardOut(services=[RateServiceOut.model_validate(rate) for rate in await self.repo.card()])

    async def replace_card(self, data: RateCardIn) -> RateCardOut:
        """The card becomes exactly `data.services`, in that order; nothing is written unless all are valid."""
        await self._check(data.services)
        await self.repo.lock_store()
        now = self.rt.clock.now()
        rows = [
            ShippingRate(
                store_id=self.ctx.store_id,
                courier=item.courier,
                service=item.service,
                pricing=item.pricing,
                price=item.price,
                province_prices=dict(item.province_prices),
                etd=item.etd,
                cod=item.cod,
                position=position,
                created_at=now,
                updated_at=now,
            )
            for position, item in enumerate(data.services)
        ]
        await self.repo.replace(rows)
        return RateCardOut(services=[RateServiceOut.model_validate(rate) for rate in rows])

    async def estimate(self, raw_destination: str, *, weight_g: int, cod: bool) -> list[Rate]:
        """What the card charges for a parcel to a district or village, through the same provider checkout uses."""
        region = await region_named("destination", raw_destination)
        if region.level not in DESTINATION_LEVELS:
            raise ValidationFailed(
                fields={"destination": "must be a district (kecamatan) or village (kelurahan/desa), not " + region.path}
            )
        query = RateQuery(store_id=self.ctx.store_id, destination_region=region.code, weight_g=weight_g, cod=cod)
        return await rate_provider(self.rt).rates(self.session, query)

    async def couriers(self, *, include_all: bool) -> list[CourierOut]:
        """The card's couriers in card order with their services; with `include_all`, every known courier (in
        COURIERS order) whether or not the card has it."""
        services: dict[str, list[CourierServiceOut]] = {}
        for rate in await self.repo.card():
            services.setdefault(rate.courier, []).append(CourierServiceOut.model_validate(rate))
        codes = [*COURIERS, *(code for code in services if code not in COURIERS)] if include_all else list(services)
        return [CourierOut(code=code, name=courier_name(code), services=services.get(code, [])) for code in codes]

    async def _check(self, items: Sequence[RateServiceIn]) -> None:
        """The rules that span fields or need the region tables; every offence is named at once."""
        fields: dict[str, str] = {}
        seen: dict[tuple[str, str], int] = {}
        for index, item in enumerate(items):
            at = f"services.{index}"
            first = seen.setdefault((item.courier, item.service), index)
            if first != index:
                fields[f"{at}.service"] = (
                    f"{courier_name(item.courier)} {item.service} is already services.{first}: "
                    "each courier service appears once"
                )
            if item.price is None and not item.province_prices:
                fields[f"{at}.price"] = "is required when province_prices is empty"
            for key in item.province_prices:
                if not await _is_province(key):
                    fields[f"{at}.province_prices.{_shown(key)}"] = PROVINCE_HINT
        if fields:
            raise ValidationFailed(fields=fields)


async def _is_province(code: str) -> bool:
    if not _TWO_DIGITS.fullmatch(code):
        return False
    region = await resolve_region(code)
    return region is not None and region.level == 1


def _shown(key: str) -> str:
    """A body key as it may appear in an error's field name (bounded: keys come from the client)."""
    return key if len(key) <= _SHOWN_KEY_LENGTH else key[:_SHOWN_KEY_LENGTH] + "…"
