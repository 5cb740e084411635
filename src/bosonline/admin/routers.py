"""The routers of /admin, in the order the app's table takes them; the catch-all (gate.py) last."""

from __future__ import annotations

from fastapi import APIRouter

from bosonline.admin.announcement_endpoints import router as announcement_router
from bosonline.admin.audit_endpoints import router as audit_router
from bosonline.admin.dashboard_endpoints import router as dashboard_router
from bosonline.admin.gate import CATCH_ALL
from bosonline.admin.store_endpoints import router as store_router

_rest = APIRouter()
_rest.routes.extend(CATCH_ALL)

ADMIN_ROUTERS: tuple[APIRouter, ...] = (dashboard_router, store_router, announcement_router, audit_router, _rest)
