"""HTTP routes of the store's WhatsApp integrations (/store/wa-integration)."""

from __future__ import annotations

from bosonline.routing import api_router

router = api_router(prefix="/store/wa-integration", tags=["WhatsApp"])
