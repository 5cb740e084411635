"""HTTP routes of checkout forms and their success pages."""

from __future__ import annotations

from bosonline.routing import api_router

router = api_router(prefix="/store/form", tags=["Form"])
