"""Request bodies of the order edits (customer, courier, payment method and details, another fee, confirm payment,
manual shipment) and the answer of Validation Number WA. Every edit answers with the Detail Order shape."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, Field, StringConstraints, model_validator

from bosonline.kit.fields import MULTI_LINE, Email, Moment, PersonName, RecordId, ShortText
from bosonline.kit.phone import MobilePhone
from bosonline.kit.schemas import StrictBody
from bosonline.order.fields import Address, Notes, PaymentMethod, PostalCode, RegionCode

MAX_OTHER_FEE = 1_000_000_000  # Rp1 billion, like a unit price
MAX_PAYMENT_AMOUNT = 1_000_000_000_000  # Rp1 trillion: more than any order can total

FeeType = Literal["fee", "discount"]
# What a manual shipment update may say (courier scans will map onto the same words).
ShipmentStatus = Literal[
    "booked", "picked_up", "in_transit", "out_for_delivery", "delivered", "delivery_failed", "returned"
]
SHIPMENT_STATUSES: tuple[str, ...] = get_args(ShipmentStatus)

Note = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    MULTI_LINE,
]
Code = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=24, pattern=r"^[A-Za-z0-9_\-]+$")
]
Awb = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=3, max_length=40, pattern=r"^[A-Za-z0-9\-]+$"),
]


class CustomerEditIn(StrictBody):
    """Edit Customer Order: the buyer's details on this order, replaced as a whole (optional fields left out are
    cleared)."""

    name: PersonName
    phone: MobilePhone = Field(description="Indonesian mobile: 08…, 628… or +62 8…; stored as 628… digits.")
    email: Email | None = None
    address: Address | None = Field(None, description="Street, number, RT/RW: 5–500 characters.")
    region_code: RegionCode = Field(
        description='District (kecamatan) or village (kelurahan) code: "32.76.01", "3276011006" or "32.76.01.1006".'
    )
    postal_code: PostalCode | None = Field(
        None, description="5 digits; must be one of the region's. Left out: the region's own (villages)."
    )
    notes: Notes | None = Field(None, description="The buyer's notes to the seller, up to 1,000 characters.")


class CourierEditIn(StrictBody):
    courier: Code = Field(description="Courier code of the store's rate card, e.g. `jne`.", examples=["jne"])
    service: Code = Field(description="Service of that courier, e.g. `REG`.", examples=["REG"])


class PaymentMethodIn(StrictBody):
    payment_method: PaymentMethod


class PaymentDetailsIn(StrictBody):
    """Fields left out stay as they are; `null` clears."""

    bank_account_id: RecordId | None = Field(
        None, description="One of the store's ACTIVE bank accounts (Rekening): copied onto the order."
    )
    payer_name: PersonName | None = Field(None, description="Who the transfer comes from (atas nama pengirim).")

    @model_validator(mode="after")
    def _something(self) -> PaymentDetailsIn:
        if not self.model_fields_set:
            raise ValueError("send bank_account_id and/or payer_name")
        return self


class AnotherFeeIn(StrictBody):
    name: ShortText | None = Field(
        None,
        description='What the buyer sees, e.g. "Biaya packing kayu" or "Diskon pelanggan". Required unless '
        "amount is 0.",
    )
    type: FeeType = Field(description="`fee` adds to the total, `discount` takes off it.")
    amount: int = Field(ge=0, le=MAX_OTHER_FEE, description=f"Whole rupiah, 0–{MAX_OTHER_FEE:,}; 0 removes it.")

    @model_validator(mode="after")
    def _named(self) -> AnotherFeeIn:
        if self.amount > 0 and self.name is None:
            raise ValueError("name is required when amount is more than 0")
        return self


class ConfirmPaymentIn(StrictBody):
    amount: int = Field(
        ge=0,
        le=MAX_PAYMENT_AMOUNT,
        description="Everything received for this order so far, in whole rupiah (a top-up after an underpayment: "
        "send the new sum, not the top-up alone).",
    )
    paid_at: Moment | None = Field(
        None,
        description="When the money arrived (with a time zone). Default: now. At most 5 minutes ahead, and "
        "not earlier than one day before the order was placed.",
    )
    bank_account_id: RecordId | None = Field(None, description="The store's bank account it arrived in.")
    payer_name: PersonName | None = None
    proof_image_id: RecordId | None = Field(
        None,
        description="An image of this store (upload it with POST /store/media first): the transfer receipt.",
    )
    note: Note | None = None


class ShipmentIn(StrictBody):
    awb: Awb = Field(description="Air waybill (resi): 3–40 letters, digits or dashes.", examples=["JNE0123456789"])
    shipment_status: ShipmentStatus = Field(description="Where the parcel is: " + ", ".join(SHIPMENT_STATUSES) + ".")
    shipped_at: Moment | None = Field(
        None,
        description="When the courier took the parcel. Default: kept if already set, else now (unless "
        "`booked`). At most 5 minutes ahead, not earlier than one day before the order.",
    )
    note: Note | None = None


class WaValidationOut(BaseModel):
    phone: str | None = Field(description="08… form (null when the number cannot be read).")
    phone_e164: str | None = Field(description="628… digits, as WhatsApp addresses it.")
    valid: bool = Field(description="A well-formed Indonesian number.")
    is_mobile: bool
    whatsapp_plausible: bool = Field(
        description="A valid mobile number, so it can have WhatsApp. Whether it does is only known to WhatsApp."
    )
    operator: str | None = Field(description="Mobile operator by prefix, e.g. Telkomsel.")
    reason: str | None = Field(description="Why it cannot be a WhatsApp number (null when it can).")
    wa_me_url: str | None = Field(description="https://wa.me/628… chat link (null unless plausible).")
    checked_at: datetime
