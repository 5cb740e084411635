"""HTTP routes of product images: Upload Image, and the public URLs they are served at."""

from __future__ import annotations

from bosonline.routing import api_router

router = api_router(tags=["Product"])
