"""Error codes of shipping: couriers and the rate card."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class ShippingError(ErrorCode):
    rate_exists = "rate_exists", 409, "This courier service is already on the rate card"
