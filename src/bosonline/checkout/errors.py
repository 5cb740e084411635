"""Error codes of checkout: the buyer side: checkout and abandoned checkouts."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class CheckoutError(ErrorCode):
    out_of_stock = "out_of_stock", 409, "Some lines ask for more than is left (each line's variant and what is left)"
    rejected = "rejected", 422, "The request looks automated (the hidden `website` field was filled)"
    vouchers_not_accepted = "vouchers_not_accepted", 422, "This form does not accept vouchers"
    idempotency_key_reused = "idempotency_key_reused", 422, "This `Idempotency-Key` was used for a different order"
    idempotency_key_in_use = (
        "idempotency_key_in_use",
        409,
        "This `Idempotency-Key` is being used by a request in flight; retry",
    )
    lead_converted = "lead_converted", 409, "This abandoned checkout has already become an order"
    lead_token_taken = "lead_token_taken", 409, "The abandoned checkout's token is taken (a concurrent save); retry"
    store_not_accepting_orders = (
        "store_not_accepting_orders",
        403,
        "The store is suspended by the platform: its forms take no order (the message says so in Indonesian)",
    )
