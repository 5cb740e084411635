"""Public HTML pages: the checkout page and the order status page."""

from __future__ import annotations

from bosonline.routing import api_router

router = api_router(include_in_schema=False)
