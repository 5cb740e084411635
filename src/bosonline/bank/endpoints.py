"""HTTP routes of Rekening: the bank list and the store's bank accounts."""

from __future__ import annotations

from bosonline.routing import api_router

bank_router = api_router(prefix="/bank", tags=["Rekening"])
router = api_router(prefix="/store/rekening", tags=["Rekening"])
