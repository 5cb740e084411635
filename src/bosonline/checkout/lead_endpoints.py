"""HTTP route of abandoned checkouts as the seller sees them."""

from __future__ import annotations

from bosonline.routing import api_router

router = api_router(prefix="/store/order", tags=["Order"])
