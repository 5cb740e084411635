"""Delivery-status webhooks the WhatsApp providers call (/webhooks/whatsapp/{integration_id}); no login."""

from __future__ import annotations

from bosonline.routing import api_router

router = api_router(prefix="/webhooks/whatsapp", tags=["WhatsApp"])
