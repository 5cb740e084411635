"""HTTP routes of the store's vouchers."""

from __future__ import annotations

from bosonline.routing import api_router

router = api_router(prefix="/store/voucher", tags=["Voucher"])
