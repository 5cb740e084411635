"""HTTP routes of follow-up chat templates: Scalev's v3 contract per product, and the store's defaults."""

from __future__ import annotations

from bosonline.routing import api_router

v3_router = api_router(prefix="/v3/products/{product_id}/follow-up-chats", tags=["Follow-up chat"])
store_router = api_router(prefix="/store/follow-up-chats", tags=["Follow-up chat"])
