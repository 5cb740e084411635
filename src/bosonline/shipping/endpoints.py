"""HTTP routes of shipping: the store's rate card and the couriers it can use."""

from __future__ import annotations

from bosonline.routing import api_router

router = api_router(prefix="/store/shipping", tags=["Shipping"])
courier_router = api_router(prefix="/store/courier", tags=["Shipping"])
