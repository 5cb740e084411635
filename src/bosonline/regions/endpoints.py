"""HTTP routes of Indonesian regions (the seed's Get Region and Wilayah): public, no login."""

from __future__ import annotations

from bosonline.routing import api_router

router = api_router(prefix="/public/regions", tags=["Region"])
