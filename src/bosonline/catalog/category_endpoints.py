"""HTTP routes of /store/category (seed item Get Category)."""

from __future__ import annotations

from bosonline.routing import api_router

router = api_router(prefix="/store/category", tags=["Product"])
