"""HTTP routes of /store/inventory (seed items Inventory, Update Inventory, Download Inventory)."""

from __future__ import annotations

from bosonline.routing import api_router

router = api_router(prefix="/store/inventory", tags=["Product"])
