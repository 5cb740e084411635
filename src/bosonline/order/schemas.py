"""Wire shapes of an order: as the store sees it (the Detail Order answer, which every edit also answers with), and
the parts every other view of an order shares (its items and its money, read from the rows: `from_attributes`).
order/presenters.py projects what is not 1:1 with columns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from bosonline.kit.phone import SHOWN_PHONE


class OrderCustomerOut(BaseModel):
    id: int
    name: str
    phone: str = Field(description="08… form, as sellers dial it.")
    phone_e164: str = Field(description="628… digits.")
    email: str | None
    address: str | None
    region_code: str
    region_name: str
    postal_code: str | None
    notes: str | None


class OrderItemOut(BaseModel):
    """What the buyer and the printout see of a line (their `OrderLineOut`/`InvoiceLine` are this)."""

    model_config = ConfigDict(from_attributes=True)

    product_name: str
    variant_name: str
    sku: str | None
    quantity: int
    unit_price: int
    subtotal: int


class MoneyOut(BaseModel):
    """DESIGN.md §4: total = product_price − product_discount + shipping_cost − shipping_discount + cod_fee
    + other_fee − unique_code."""

    model_config = ConfigDict(from_attributes=True)  # an Order, or a `pricing.Money` (its total is a property)

    product_price: int
    product_discount: int
    shipping_cost: int
    shipping_discount: int
    cod_fee: int
    other_fee: int
    unique_code: int
    total: int


class OrderLineOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    product_id: int | None
    variant_id: int | None
    product_name: str
    variant_name: str
    sku: str | None
    unit_price: int
    quantity: int
    weight_g: int
    subtotal: int


class OrderMoneyOut(BaseModel):
    product_price: int
    product_discount: int
    shipping_cost: int
    shipping_discount: int
    cod_fee: int
    other_fee: int = Field(description="Extra fee (positive) or discount (negative).")
    other_fee_name: str | None
    unique_code: int
    total: int
    paid_amount: int | None
    difference: int | None = Field(description="paid_amount − total once a payment was confirmed.")


class OrderBankAccountOut(BaseModel):
    id: int | None = Field(description="The store account; null if it was deleted since (the copy stays).")
    bank_name: str
    account_number: str
    holder_name: str | None


class OrderPaymentRecordOut(BaseModel):
    id: int
    amount: int
    expected: int
    difference: int
    result: str = Field(description="paid | conflict")
    paid_at: datetime
    bank_name: str | None
    account_number: str | None
    payer_name: str | None
    proof_url: str | None
    note: str | None
    recorded_by: str
    created_at: datetime


class OrderPaymentOut(BaseModel):
    method: str
    category: str = Field(description="bank_transfer | cod | epayment (follow-up texts are chosen by it).")
    label: str
    status: str = Field(description="unpaid | paid | conflict | settled")
    bank_account: OrderBankAccountOut | None
    payer_name: str | None
    paid_at: datetime | None
    history: list[OrderPaymentRecordOut]


class TrackingOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    status: str
    awb: str | None
    note: str | None
    source: str
    occurred_at: datetime


class OrderShipmentOut(BaseModel):
    courier: str | None
    courier_name: str | None
    service: str | None
    weight_g: int
    warehouse_id: int | None
    awb: str | None
    status: str | None
    shipped_at: datetime | None
    tracking: list[TrackingOut]


class OrderHandlerOut(BaseModel):
    id: int
    name: str
    phone: str | None = Field(description=SHOWN_PHONE)
    role: str


class OrderEventOut(BaseModel):
    id: int
    kind: str
    actor: str = Field(description='"buyer", "system", or the staff member\'s name.')
    actor_user_id: int | None
    from_status: str | None
    to_status: str | None
    note: str | None
    data: dict[str, Any]
    created_at: datetime


class OrderVoucherOut(BaseModel):
    id: int | None
    code: str


class OrderFollowupItemOut(BaseModel):
    id: int
    step: int
    template_name: str
    channel: str
    status: str
    due_at: datetime
    sent_at: datetime | None


class OrderFollowupNextOut(BaseModel):
    step: int
    name: str
    due_at: datetime
    channel: str


class OrderFollowupsOut(BaseModel):
    attempts: int = Field(description="Follow-ups done (sent, or maybe sent).")
    next: OrderFollowupNextOut | None = Field(description="The lowest step still waiting, if any.")
    items: list[OrderFollowupItemOut]


class OrderDetailOut(BaseModel):
    id: int
    number: str
    status: str
    allowed_next_statuses: list[str] = Field(description="Where PATCH …/status may move it now.")
    source: str
    form_id: int | None
    customer: OrderCustomerOut
    lines: list[OrderLineOut]
    money: OrderMoneyOut
    voucher: OrderVoucherOut | None
    payment: OrderPaymentOut
    shipment: OrderShipmentOut
    handler: OrderHandlerOut | None
    events: list[OrderEventOut] = Field(description="The timeline, oldest first.")
    followups: OrderFollowupsOut = Field(
        description="Its WhatsApp follow-ups: how many are done, the next one, and each (by step)."
    )
    public_url: str = Field(description="The buyer's order page.")
    created_at: datetime
    updated_at: datetime
    status_changed_at: datetime | None
