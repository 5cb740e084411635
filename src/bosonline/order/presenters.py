"""One description of an order for every view of it: Detail Order, the buyer's page, the printed invoice, the
timeline's webhook payload. The wire shapes are in order/schemas.py; those that are 1:1 with columns read the ORM
rows themselves (`from_attributes`), and the functions here project what is not (a phone as sellers dial it, the
money with what was paid, the bank account copied on the order, the courier's and payment method's names)."""

from __future__ import annotations

from bosonline.kit.phone import display_phone
from bosonline.kit.schemas import from_row
from bosonline.models import Order, OrderTracking
from bosonline.order.pricing import PAYMENT_CATEGORY, PAYMENT_LABEL
from bosonline.order.schemas import (
    OrderBankAccountOut,
    OrderCustomerOut,
    OrderMoneyOut,
    OrderShipmentOut,
    TrackingOut,
)
from bosonline.shipping.couriers import courier_name


def courier_label(code: str | None) -> str | None:
    """The courier's name, or None when the order has no courier (yet)."""
    return courier_name(code) if code else None


def payment_label(method: str) -> str:
    return PAYMENT_LABEL.get(method, method)


def payment_category(method: str) -> str:
    return PAYMENT_CATEGORY.get(method, "epayment")


def customer_phone(order: Order) -> str:
    """The buyer's phone in the 08… form, as sellers dial it."""
    return display_phone(order.customer_phone) or order.customer_phone


def line_label(product_name: str, variant_name: str | None) -> str:
    """ "Kaos Polos (Merah / L)"; the product's name alone when the variant adds nothing."""
    if variant_name and variant_name != product_name:
        return f"{product_name} ({variant_name})"
    return product_name


def customer_out(order: Order) -> OrderCustomerOut:
    """The buyer as the order keeps them (a copy: later edits of the customer record do not change it)."""
    return from_row(
        OrderCustomerOut,
        order,
        id=order.customer_id,
        name=order.customer_name,
        phone=customer_phone(order),
        phone_e164=order.customer_phone,
        email=order.customer_email,
    )


def money_out(order: Order) -> OrderMoneyOut:
    """The order's money columns with its other fee's name and what was paid against the total."""
    return from_row(
        OrderMoneyOut, order, difference=None if order.paid_amount is None else order.paid_amount - order.total
    )


def bank_account_out(order: Order) -> OrderBankAccountOut | None:
    """The store account the buyer was told to pay into (copied on the order), if any."""
    if not (order.bank_name and order.bank_account_number):
        return None
    return OrderBankAccountOut(
        id=order.bank_account_id,
        bank_name=order.bank_name,
        account_number=order.bank_account_number,
        holder_name=order.bank_account_holder,
    )


def shipment_out(order: Order, tracking: list[OrderTracking]) -> OrderShipmentOut:
    return from_row(
        OrderShipmentOut,
        order,
        courier_name=courier_label(order.courier),
        service=order.courier_service,
        status=order.shipment_status,
        tracking=[TrackingOut.model_validate(row) for row in tracking],
    )
