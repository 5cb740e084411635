"""Error codes of order: orders: edits, payments, statuses."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class OrderError(ErrorCode):
    courier_not_cod = "courier_not_cod", 422, "The courier service does not carry COD parcels"
    courier_unavailable = (
        "courier_unavailable",
        422,
        "The courier service does not deliver to the buyer's region for this store",
    )
    discount_too_large = "discount_too_large", 422, "The discount is larger than the rest of the order"
    total_below_zero = "total_below_zero", 422, "The order's discounts would be larger than the rest of it"
    invalid_transition = (
        "invalid_transition",
        409,
        "The order cannot move to this status from its current one (see `fields.status`)",
    )
    order_canceled = "order_canceled", 409, "The order is canceled: it can no longer be changed"
    order_past_shipping = (
        "order_past_shipping",
        409,
        "The order is shipped or later: its buyer, courier and money can no longer change",
    )
    order_paid = "order_paid", 409, "The order is paid: its total can no longer change"
    payment_received = (
        "payment_received",
        409,
        "A payment was already received for the order: confirm it again or keep the method",
    )
    order_closed = "order_closed", 409, "The order is closed: its payment can no longer be recorded"
    already_paid = "already_paid", 409, "The order is already paid"
    qris_unavailable = (
        "qris_unavailable",
        409,
        "The store's QRIS code is missing or unusable: change the payment method first",
    )
    shipment_not_allowed = "shipment_not_allowed", 409, "The order's status has no shipment to record"
    customer_exists = "customer_exists", 409, "This buyer already exists (a concurrent order); retry"
    order_number_taken = "order_number_taken", 409, "The order number is taken (a concurrent order); retry"
    order_slug_taken = "order_slug_taken", 409, "The order link is taken (a concurrent order); retry"
