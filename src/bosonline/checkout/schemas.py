"""Wire shapes of the buyer side: the public form, rates, quotes, the checkout request and the order view."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from bosonline.bank.schemas import BankAccountPublicOut
from bosonline.kit.fields import SINGLE_LINE, Email, PersonName, RecordId
from bosonline.kit.phone import MobilePhone
from bosonline.kit.schemas import RowOut, StrictBody
from bosonline.order.fields import Address, Notes, PaymentMethod, PostalCode, RegionCode
from bosonline.order.schemas import MoneyOut, OrderItemOut

MAX_LINES = 20
MAX_LINE_QUANTITY = 1_000

Slug = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80), SINGLE_LINE]
VoucherCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32), SINGLE_LINE]
CourierCode = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=24), SINGLE_LINE]
StoreSubdomain = Annotated[
    str | None,
    StringConstraints(max_length=30),
    SINGLE_LINE,
    Field(description="The store's subdomain, when the request's host does not name it."),
]
LeadToken = Annotated[str, StringConstraints(min_length=16, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")]
Honeypot = Annotated[
    str,
    Field(
        max_length=200,
        description="Honeypot: the page hides this field from people; anything typed in it marks a bot (422 "
        "`rejected`). Leave it out or empty.",
        json_schema_extra={"maxLength": 0},  # what is accepted; the 200 only bounds what a bot's 422 reads
    ),
]


# --- the public form ----------------------------------------------------------------------------------------


class PublicStoreOut(BaseModel):
    name: str
    subdomain: str | None
    phone: str | None = Field(description="08… form")
    whatsapp_url: str | None = Field(description="https://wa.me/62… chat with the store; null without a phone.")


class PublicVariantOut(BaseModel):
    id: int
    name: str
    options: list[str]
    price: int
    wholesale_tiers: list[dict[str, int]] = Field(description='[{"min_qty": 10, "price": 9000}, …]')
    weight_g: int
    available: int = Field(
        description="Units one order can get (the best single warehouse). When the form hides its stock "
        "(`form.show_stock` false): the form's `max_quantity` while any is in stock, 0 when none is."
    )
    image_url: str | None
    default_quantity: int


class PublicProductOut(BaseModel):
    id: int
    name: str
    description: str
    image_urls: list[str]
    variants: list[PublicVariantOut]


class FormFieldsOut(BaseModel):
    email: Literal["hidden", "optional", "required"]
    notes: Literal["hidden", "optional", "required"]
    address: Literal["full", "district"]


class PublicFormOut(RowOut):
    slug: str
    title: str
    description: str
    fields: FormFieldsOut
    payment_methods: list[PaymentMethod]
    accept_vouchers: bool
    show_stock: bool = Field(description='Whether the page shows how many units are left ("Sisa 3").')
    max_quantity: int
    meta_pixel_id: str | None
    tiktok_pixel_id: str | None


class CourierOut(BaseModel):
    code: str
    name: str


class PublicFormPage(BaseModel):
    store: PublicStoreOut
    form: PublicFormOut
    products: list[PublicProductOut]
    couriers: list[CourierOut] = Field(description="Couriers this form ships with (rates need a destination).")
    shipping_required: bool = Field(
        description="Whether a courier must be chosen (false when the store has no rate card: the CS arranges "
        "shipping)."
    )


class RateOut(BaseModel):
    courier: str
    courier_name: str
    service: str
    price: int
    etd: str | None
    cod: bool


# --- quote and checkout -------------------------------------------------------------------------------------


class LineIn(StrictBody):
    variant_id: RecordId
    quantity: int = Field(ge=1, le=MAX_LINE_QUANTITY, description="Also bounded by the form's max_quantity.")


class QuoteIn(StrictBody):
    """What the page knows so far; the answer is the exact money breakdown the order would get."""

    items: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    region_code: RegionCode | None = None
    courier: CourierCode | None = None
    courier_service: CourierCode | None = None
    payment_method: PaymentMethod | None = None
    voucher_code: VoucherCode | None = None
    phone: Annotated[str | None, Field(max_length=25)] = Field(
        None, description="Checked for the voucher's per-buyer quota when valid."
    )
    store: StoreSubdomain = None


class VoucherCheckIn(QuoteIn):
    voucher_code: VoucherCode


class CheckoutIn(StrictBody):
    form: Slug = Field(description="The form's slug.")
    store: StoreSubdomain = None
    items: list[LineIn] = Field(min_length=1, max_length=MAX_LINES)
    name: PersonName
    phone: MobilePhone
    email: Email | None = None
    region_code: RegionCode
    address: Address | None = None
    postal_code: PostalCode | None = None
    notes: Notes | None = None
    courier: CourierCode | None = None
    courier_service: CourierCode | None = None
    payment_method: PaymentMethod
    voucher_code: VoucherCode | None = None
    lead_token: LeadToken | None = Field(None, description="The abandoned-checkout token of this page, if any.")
    website: Honeypot = ""


class QuoteLineOut(BaseModel):
    variant_id: int
    product_name: str
    variant_name: str
    quantity: int
    unit_price: int
    subtotal: int


class AppliedVoucherOut(BaseModel):
    code: str
    target: Literal["product", "shipping"]
    discount: int
    summary: str


class QuoteOut(BaseModel):
    lines: list[QuoteLineOut]
    weight_g: int
    money: MoneyOut = Field(description="unique_code is 0 here: it is drawn when the order is placed.")
    voucher: AppliedVoucherOut | None
    rates: list[RateOut] = Field(description="Courier services for this destination (empty without region_code).")


# --- the order as the buyer sees it -------------------------------------------------------------------------


class PaymentOut(BaseModel):
    method: PaymentMethod
    amount: int = Field(description="What the buyer pays (the order's total).")
    bank_accounts: list[BankAccountPublicOut] = Field(description="bank_transfer: the store's active accounts.")
    qris_payload: str | None = Field(description="qris: the order's dynamic QRIS (the amount inside).")
    qris_image_url: str | None


class OrderLineOut(OrderItemOut):  # the wire name of the buyer's lines
    pass


class SuccessOut(BaseModel):
    mode: Literal["message", "redirect", "whatsapp"]
    message: str | None = Field(description="message mode: the rendered text.")
    redirect_url: str | None = Field(description="redirect mode: where to send the buyer.")
    whatsapp_url: str | None = Field(description="whatsapp mode: wa.me link to the order's CS, text prefilled.")


class PublicOrderOut(BaseModel):
    number: str
    secret_slug: str
    status: str
    payment_status: str
    created_at: datetime
    store: PublicStoreOut
    customer_name: str
    customer_phone: str = Field(description="08… form")
    address: str | None
    region_name: str
    postal_code: str | None
    courier: str | None
    courier_name: str | None
    courier_service: str | None
    lines: list[OrderLineOut]
    money: MoneyOut
    voucher_code: str | None
    payment: PaymentOut
    success: SuccessOut
    status_url: str


# --- abandoned checkouts ------------------------------------------------------------------------------------


class LeadItemIn(StrictBody):
    variant_id: RecordId
    quantity: int = Field(ge=1, le=MAX_LINE_QUANTITY)


class LeadUpdateIn(StrictBody):
    name: PersonName
    phone: MobilePhone
    email: Email | None = None
    region_code: RegionCode | None = None
    address: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=500)] = None
    notes: Notes | None = None
    items: list[LeadItemIn] = Field(default_factory=list, max_length=MAX_LINES)
    payment_method: PaymentMethod | None = None
    website: Honeypot = ""


class LeadCreateIn(LeadUpdateIn):
    form: Slug
    store: StoreSubdomain = None


class LeadSavedOut(BaseModel):
    token: str
    status: Literal["open", "converted"]


class LeadFormRef(BaseModel):
    id: int
    title: str
    slug: str | None


class LeadOrderRef(BaseModel):
    id: int
    number: str


class LeadOut(BaseModel):
    id: int
    form: LeadFormRef
    name: str
    phone: str = Field(description="08… form")
    email: str | None
    region_code: str | None
    address: str | None
    notes: str | None
    items: list[dict[str, int]]
    payment_method: str | None
    status: Literal["open", "converted"]
    converted_order: LeadOrderRef | None
    created_at: datetime
    updated_at: datetime
