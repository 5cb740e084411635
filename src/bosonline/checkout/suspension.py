"""A store suspended by the platform, seen from the buyer's side: its pages show a closed notice and its forms take
no new order (a replay of an order already placed still answers it; the buyer's order pages keep working)."""

from __future__ import annotations

from bosonline.checkout.errors import CheckoutError
from bosonline.errors import Forbidden
from bosonline.models import Store

CLOSED_NOTICE = "Toko ini sedang tidak menerima pesanan"


def refuse_if_suspended(store: Store) -> None:
    """403 `store_not_accepting_orders`, its message the notice buyers read, when `store` is suspended."""
    if store.status == "suspended":
        raise Forbidden(CLOSED_NOTICE, code=CheckoutError.store_not_accepting_orders)
