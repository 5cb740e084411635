"""HTTP routes of shipping: the store's rate card and the couriers it can use."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from bosonline.deps import store_service
from bosonline.errors import error_responses
from bosonline.kit.fields import REGION_CODE_PATTERN, OneLineText, declared
from bosonline.kit.schemas import Envelope, ListEnvelope
from bosonline.permissions import Permission
from bosonline.routing import api_router
from bosonline.shipping.errors import ShippingError
from bosonline.shipping.schemas import (
    MAX_ESTIMATE_WEIGHT_G,
    CourierOut,
    RateCardIn,
    RateCardOut,
    RateOut,
)
from bosonline.shipping.service import ShippingService

router = api_router(prefix="/store/shipping", tags=["Shipping"])
courier_router = api_router(prefix="/store/courier", tags=["Shipping"])

Reader = Annotated[ShippingService, store_service(ShippingService, Permission.store_read)]
Writer = Annotated[ShippingService, store_service(ShippingService, Permission.forms_write)]


@router.get("/rates", summary="Rate Card")
async def get_rate_card(service: Reader) -> Envelope[RateCardOut]:
    """The store's offline rate card: the courier services it ships with and what each costs, in card order.
    Checkout prices shipping from it (see `PUT /store/shipping/rates` for how)."""
    return Envelope(data=await service.card())


@router.put("/rates", summary="Edit Rate Card", responses=error_responses(ShippingError.rate_exists))
async def replace_rate_card(body: RateCardIn, service: Writer) -> Envelope[RateCardOut]:
    """Replaces the whole rate card with `services` (0–50, in display order) and answers the new card.
    All or nothing: any invalid service leaves the old card untouched. Owners and admins.

    Each service:
    - `courier`: a code of `GET /store/courier?all=true` (e.g. `jne`, `jnt`, `sicepat`);
    - `service`: 1–24 letters, digits, spaces, `-` or `_`, stored upper-case; each (courier, service) once;
    - `price` (Rupiah, or null) and `province_prices` (up to 38 entries, 2-digit Kemendagri
      province code → Rupiah, e.g. `{"31": 9000}`): at least one of them. Output adds `courier_name`, which is
      not accepted back (unknown keys answer 422).

    **Pricing** of a parcel to a destination region: its province is the first two digits of the region code. The
    service's base is `province_prices[province]` when listed, else `price`; with neither the service does not
    deliver there. `flat`: the base per parcel. `per_kg`: the base times the started kilograms,
    max(1, ceil(weight_g / 1000)): 1–1000 g pay 1 kg, 1001 g pays 2 kg, 2500 g pays 3 kg. Prices are whole
    rupiah; no other rounding. Services that carry COD parcels have `cod: true` (the default); a COD order is only
    offered those. Offers are sorted by price, then courier code, then service."""
    return Envelope(data=await service.replace_card(body))


@router.get("/rates/estimate", summary="Cek Ongkir (Rate Card)")
async def estimate_rates(
    service: Reader,
    destination: Annotated[
        OneLineText,
        Query(
            max_length=20,
            json_schema_extra=declared(REGION_CODE_PATTERN),
            description='Kemendagri code of a district ("32.76.01") or village ("32.76.01.1006" or "3276011006").',
        ),
    ],
    weight_g: Annotated[
        int, Query(ge=1, le=MAX_ESTIMATE_WEIGHT_G, description=f"Parcel weight in grams, 1–{MAX_ESTIMATE_WEIGHT_G:,}.")
    ],
    cod: Annotated[bool, Query(description="Only services that carry cash-on-delivery parcels.")] = False,
) -> ListEnvelope[RateOut]:
    """Tries the store's rate card on a parcel, exactly as checkout will price it: the services that deliver to
    `destination`'s province with their price for `weight_g`, cheapest first (then by courier code and service).
    A per-kg service charges every started kilogram (1001 g pays 2 kg). `destination` must be a district or
    village: anything else answers 422 naming `destination`."""
    rates = await service.estimate(destination, weight_g=weight_g, cod=cod)
    return ListEnvelope.whole([RateOut.model_validate(rate) for rate in rates])


@courier_router.get("", summary="Courier List")
async def list_couriers(
    service: Reader,
    include_all: Annotated[
        bool,
        Query(
            alias="all",
            description="List every courier bosonline knows (for pickers), not only those on the rate card.",
        ),
    ] = False,
) -> ListEnvelope[CourierOut]:
    """The couriers the store ships with: those on its rate card, in card order, each with its services. With
    `all=true`, every known courier code and name (those on the card with their services, the rest with none)."""
    couriers = await service.couriers(include_all=include_all)
    return ListEnvelope.whole(couriers)
