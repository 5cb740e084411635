"""HTTP routes of the store's QRIS."""

from __future__ import annotations

from bosonline.routing import api_router

router = api_router(prefix="/store/qris", tags=["Rekening"])
