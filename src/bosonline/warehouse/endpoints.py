"""HTTP routes of warehouses: Profile → Warehouse (the account's) and Store → Warehouse (the store's choice)."""

from __future__ import annotations

from bosonline.routing import api_router

profile_router = api_router(prefix="/profile/warehouse", tags=["Warehouse"])
store_router = api_router(prefix="/store/warehouse", tags=["Warehouse"])
