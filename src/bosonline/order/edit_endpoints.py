"""Edits of an order by its store: Edit Customer Order, Edit Choose Courier, Edit Payment Method, Update Payment
Method (payment details), Edit Another Fee, Confirm Payment, Update Pengiriman Kurir, Validation Number WA.

Every change locks the order, is recorded in its timeline with before/after (and announced to the store's
webhooks), keeps the money formula true (total = product_price − product_discount + shipping_cost −
shipping_discount + cod_fee + other_fee − unique_code) and answers the order's detail, as GET /store/order/{id}.
A CS may change only the orders they see (their own, unless the store lets CS see every order); others are 404.
"""

from __future__ import annotations

from typing import Annotated

from bosonline.deps import store_service
from bosonline.errors import error_responses
from bosonline.kit.schemas import Envelope
from bosonline.order.edit_schemas import (
    AnotherFeeIn,
    ConfirmPaymentIn,
    CourierEditIn,
    CustomerEditIn,
    PaymentDetailsIn,
    PaymentMethodIn,
    ShipmentIn,
    WaValidationOut,
)
from bosonline.order.edit_service import OrderEdits
from bosonline.order.errors import OrderError
from bosonline.order.fields import OrderId
from bosonline.order.payment_service import OrderPayments
from bosonline.order.schemas import OrderDetailOut, OrderShipmentOut
from bosonline.permissions import Permission
from bosonline.routing import api_router

router = api_router(prefix="/store/order", tags=["Order"])

Editor = Annotated[OrderEdits, store_service(OrderEdits, Permission.orders_write)]
Viewer = Annotated[OrderEdits, store_service(OrderEdits, Permission.orders_read)]
Cashier = Annotated[OrderPayments, store_service(OrderPayments, Permission.orders_write)]

_CANCELED = OrderError.order_canceled
_SHIPPED = OrderError.order_past_shipping
_PAID = OrderError.order_paid
_conflicts = error_responses


@router.put("/{order_id}/customer", summary="Edit Customer Order", responses=_conflicts(_CANCELED, _SHIPPED))
async def edit_customer(order_id: OrderId, body: CustomerEditIn, edits: Editor) -> Envelope[OrderDetailOut]:
    """Replaces the buyer's name, phone, email, address, region, kode pos and notes on this order (and the
    store's customer record of that phone). The region is checked as checkout checks it: a district or village
    code; a kode pos must be one of the region's (left out: the region's own). A region change does NOT re-price
    shipping by itself (the event's note says so): choose the courier again (PUT …/courier) to price it for the
    new destination. Not once the parcel left or the order is canceled. Event `customer_edited`."""
    return Envelope(data=await edits.customer(order_id, body))


@router.put(
    "/{order_id}/courier",
    summary="Edit Choose Courier",
    responses=_conflicts(_CANCELED, _SHIPPED, _PAID, OrderError.courier_not_cod, OrderError.courier_unavailable),
)
async def edit_courier(order_id: OrderId, body: CourierEditIn, edits: Editor) -> Envelope[OrderDetailOut]:
    """Prices the courier service for the order's destination, weight and warehouse through the store's rates
    (any courier on the store's card: the form's courier list limits buyers, not the store) and sets it:
    `shipping_cost`; `shipping_discount` (a shipping voucher gives its discount of the new cost, by its terms —
    no re-check of its dates or quota, it was redeemed already); COD fee; unique code (kept unless another open
    transfer now waits for the same amount with it); QRIS payload; total. 422 `courier_unavailable` when the
    service does not deliver there, `courier_not_cod` when a COD order's service does not carry COD. Not for a
    paid order, nor once shipped. Event `courier_changed`."""
    return Envelope(data=await edits.courier(order_id, body))


@router.patch(
    "/{order_id}/payment-method",
    summary="Edit Payment Method",
    responses=_conflicts(
        _CANCELED,
        _SHIPPED,
        _PAID,
        OrderError.payment_received,
        OrderError.courier_not_cod,
        OrderError.qris_unavailable,
        OrderError.total_below_zero,
    ),
)
async def edit_payment_method(order_id: OrderId, body: PaymentMethodIn, edits: Editor) -> Envelope[OrderDetailOut]:
    """Switches between `bank_transfer`, `cod` and `qris` (the form's list limits buyers, not the store), and
    recomputes: the COD fee (COD: the store's `cod_fee_bps` of goods + shipping after discounts + other fee,
    rounded up; else 0), the unique code (bank transfer: a new one drawn like checkout when the store enables
    codes; else 0), the QRIS payload (QRIS: a dynamic code carrying the new total; else none) and the total.
    Leaving bank transfer clears the order's bank account. 422 for QRIS without a store QRIS code, and for COD when
    the order's courier does not carry COD. Sending the current method changes nothing. Not once a payment was
    recorded, nor once shipped. Event `payment_method_changed`."""
    return Envelope(data=await edits.payment_method(order_id, body))


@router.put("/{order_id}/payment", summary="Update Payment Method", responses=_conflicts(_CANCELED))
async def edit_payment_details(
    order_id: OrderId, body: PaymentDetailsIn, payments: Cashier
) -> Envelope[OrderDetailOut]:
    """The payment details of the order: the store bank account the buyer transfers to (bank transfer orders) and
    the payer's name. The account must be one of this store's ACTIVE accounts (422 `bank_account_id` otherwise —
    another store's id included); it is COPIED onto the order (bank, number, holder), so a later edit or deletion
    of the account does not change what the order shows. Fields left out stay; `null` clears. Event
    `payment_details_changed`."""
    return Envelope(data=await payments.details(order_id, body))


@router.put(
    "/{order_id}/another-fee",
    summary="Edit Another Fee",
    responses=_conflicts(_CANCELED, _SHIPPED, _PAID, OrderError.discount_too_large, OrderError.total_below_zero),
)
async def edit_another_fee(order_id: OrderId, body: AnotherFeeIn, edits: Editor) -> Envelope[OrderDetailOut]:
    """Sets the order's one extra line: a `fee` (added to the total) or a `discount` (taken off), named as the
    buyer will see it; amount 0 removes it. `other_fee` is signed on the order (a discount is negative). A COD
    order's fee follows it (the courier charges COD on what it collects). A discount larger than goods + shipping
    after discounts is a 422 (`discount_too_large`). Not for a paid order, nor once shipped (an order whose
    payment did not match may be corrected; confirm the payment again afterwards). Event `other_fee_changed`."""
    return Envelope(data=await edits.another_fee(order_id, body))


@router.post(
    "/{order_id}/confirm-payment",
    summary="Confirm Payment",
    responses=_conflicts(_CANCELED, OrderError.order_closed, OrderError.already_paid),
)
async def confirm_payment(order_id: OrderId, body: ConfirmPaymentIn, payments: Cashier) -> Envelope[OrderDetailOut]:
    """Records money received for the order. `amount` is everything received so far: equal to the total, the
    order becomes `paid` (paid_at, paid_amount); different, it becomes `conflict`, and the detail shows
    `money.difference` = amount − total (also on the history row). A `conflict` order can be confirmed again (a
    top-up: send the new sum received, or fix the total first); a paid one cannot (409 `already_paid`). COD orders
    are confirmed the same way when the courier remits. `bank_account_id` (any account of this store, inactive
    ones too: money may arrive there) and `payer_name` are copied onto the order for bank transfers;
    `proof_image_id` must be an image of this store. `paid_at` defaults to now; at most 5 minutes ahead, not
    earlier than a day before the order. Adds a payment history row and the event `payment_confirmed` or
    `payment_conflict` (webhook `order.payment_status_changed`). Not for canceled or closed orders."""
    return Envelope(data=await payments.confirm(order_id, body))


@router.get("/{order_id}/shipping", summary="Update Pengiriman Kurir")
async def get_shipment(order_id: OrderId, edits: Viewer) -> Envelope[OrderShipmentOut]:
    """The order's shipment: courier and service, weight, warehouse, AWB (resi), where the parcel is, when it
    left, and its tracking history (oldest first)."""
    return Envelope(data=await edits.shipment(order_id))


@router.put(
    "/{order_id}/shipping",
    summary="Update Pengiriman Kurir (manual)",
    responses=error_responses(OrderError.shipment_not_allowed),
)
async def update_shipment(order_id: OrderId, body: ShipmentIn, edits: Editor) -> Envelope[OrderDetailOut]:
    """Records the parcel by hand: AWB (resi), where it is (`shipment_status`: booked, picked_up, in_transit,
    out_for_delivery, delivered, delivery_failed, returned), when it left (`shipped_at`; default: kept, else now
    unless `booked`) and a note; a tracking row (source `manual`) is appended. For confirmed, in-process, ready,
    shipped, completed and returned (rts) orders. It does NOT move the order's status: that is
    PATCH /store/order/{id}/status (e.g. to `shipped` once the courier has it). Event `shipment_updated`."""
    return Envelope(data=await edits.update_shipment(order_id, body))


@router.get("/{order_id}/validate-wa", summary="Validation Number WA")
async def validate_wa(order_id: OrderId, edits: Viewer) -> Envelope[WaValidationOut]:
    """Checks the buyer's number as a WhatsApp address by its FORMAT (lokal): a valid Indonesian mobile number
    can have WhatsApp (`whatsapp_plausible`), a landline or malformed number cannot (`reason`); `wa_me_url` opens
    a chat. Whether the number really has WhatsApp is only known to WhatsApp: a provider check arrives with the
    WhatsApp integrations. Changes nothing."""
    return Envelope(data=await edits.validate_wa(order_id))
