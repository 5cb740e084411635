"""Error codes of voucher: vouchers, and why a buyer's voucher is refused (422, `fields.voucher_code`)."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class VoucherError(ErrorCode):
    voucher_code_taken = "voucher_code_taken", 409, "Another voucher of the store already uses this code"
    voucher_not_found = "voucher_not_found", 422, "The voucher code does not exist in this store"
    voucher_inactive = "voucher_inactive", 422, "The voucher is not active"
    voucher_not_started = "voucher_not_started", 422, "The voucher cannot be used yet"
    voucher_expired = "voucher_expired", 422, "The voucher has expired"
    voucher_exhausted = "voucher_exhausted", 422, "The voucher has been used up"
    voucher_below_minimum = "voucher_below_minimum", 422, "The purchase is below the voucher's minimum"
    voucher_not_for_products = "voucher_not_for_products", 422, "The voucher does not apply to the products in the cart"
    voucher_buyer_limit_reached = (
        "voucher_buyer_limit_reached",
        422,
        "The buyer has used the voucher as many times as allowed",
    )
