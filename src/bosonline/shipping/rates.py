"""The rate-provider interface checkout prices shipping through, and its offline default: the store's rate card.

Checkout builds a `RateQuery` and asks `rate_provider(runtime).rates(session, query)` for the services that can
carry the parcel, cheapest first. Courier aggregators (Boscod, Biteship, …) will implement the same `RateProvider`
protocol later; today every store is priced from its own card (`PUT /store/shipping/rates`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.models import ShippingRate
from bosonline.runtime import Runtime
from bosonline.shipping.couriers import courier_name
from bosonline.shipping.repository import rate_card_rows

GRAMS_PER_KG = 1000


@dataclass(frozen=True)
class RateQuery:
    store_id: int
    destination_region: str  # a valid district or village code, dotted ("32.76.01" / "32.76.01.1001")
    weight_g: int  # total parcel weight, ≥ 1
    origin_region: str | None = None  # the shipping warehouse's region (the rate card ignores it)
    couriers: tuple[str, ...] = ()  # allowed courier codes; () = all
    cod: bool = False  # only services that carry COD parcels

    def __post_init__(self) -> None:
        if self.weight_g < 1:
            raise ValueError("weight_g must be at least 1")
        if len(self.destination_region) < 2 or not self.destination_region[:2].isdigit():
            raise ValueError("destination_region must be a dotted region code")


@dataclass(frozen=True)
class Rate:
    courier: str  # code, e.g. "jne"
    courier_name: str  # "JNE"
    service: str  # "REG"
    price: int  # rupiah for this parcel
    etd: str | None
    cod: bool


class RateProvider(Protocol):
    name: str

    async def rates(self, session: AsyncSession, query: RateQuery) -> list[Rate]: ...


def started_kilograms(weight_g: int) -> int:
    """Kilograms a per-kg price is charged for: every started kilogram, at least one (1 g → 1, 1000 g → 1,
    1001 g → 2, 2500 g → 3)."""
    return max(1, -(-weight_g // GRAMS_PER_KG))


def card_price(rate: ShippingRate, province: str, weight_g: int) -> int | None:
    """What one service of the card charges for a parcel to `province`, or None when it does not deliver there."""
    base = rate.province_prices.get(province, rate.price)
    if base is None:
        return None
    return base * started_kilograms(weight_g) if rate.pricing == "per_kg" else base


class RateCardProvider:
    """The store's own rate card (offline).

    The destination's province is the first two digits of its region code. A service charges its
    `province_prices[province]` when that province is listed, else its `price`; with neither it does not deliver
    there and is left out. `flat` is that price per parcel; `per_kg` is that price times the started kilograms,
    max(1, ceil(weight_g / 1000)): 1 g and 1000 g pay 1 kg, 1001 g pays 2 kg, 2500 g pays 3 kg. No other rounding:
    prices are whole rupiah. Services are filtered by `couriers` and, for COD parcels, by `cod`, and sorted by
    price, then courier code, then service. One query."""

    name = "rate_card"

    async def rates(self, session: AsyncSession, query: RateQuery) -> list[Rate]:
        return card_rates(
            await rate_card_rows(session, query.store_id, couriers=query.couriers, cod_only=query.cod), query
        )


def card_rates(card: Sequence[ShippingRate], query: RateQuery) -> list[Rate]:
    """RateCardProvider's answer from card rows already loaded (checkout caches the card): the rows that pass the
    query's courier and COD filters and deliver there, cheapest first."""
    province = query.destination_region[:2]
    found: list[Rate] = []
    for row in card:
        if (query.couriers and row.courier not in query.couriers) or (query.cod and not row.cod):
            continue
        price = card_price(row, province, query.weight_g)
        if price is not None:
            found.append(
                Rate(
                    courier=row.courier,
                    courier_name=courier_name(row.courier),
                    service=row.service,
                    price=price,
                    etd=row.etd,
                    cod=row.cod,
                )
            )
    found.sort(key=lambda rate: (rate.price, rate.courier, rate.service))
    return found


_RATE_CARD = RateCardProvider()


def rate_provider(runtime: Runtime) -> RateProvider:
    """The provider checkout prices shipping with: the offline rate card today. `runtime` will choose a courier
    aggregator once those exist (its settings and HTTP client live there)."""
    return _RATE_CARD
