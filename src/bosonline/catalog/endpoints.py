"""HTTP routes of /store/product and its variants (seed group Product)."""

from __future__ import annotations

from bosonline.routing import api_router

router = api_router(prefix="/store/product", tags=["Product"])
