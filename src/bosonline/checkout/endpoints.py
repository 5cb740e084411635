"""HTTP routes of the buyer side (public, no login)."""

from __future__ import annotations

from bosonline.routing import api_router

router = api_router(prefix="/public", tags=["Checkout"])
