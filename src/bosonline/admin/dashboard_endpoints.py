"""HTTP route of /admin/dashboard: the platform's figures for a period."""

from __future__ import annotations

from fastapi import Request

from bosonline.admin.dashboard_schemas import DashboardOut
from bosonline.admin.dashboard_service import DashboardService
from bosonline.admin.gate import AdminDep, admin_router
from bosonline.errors import error_responses
from bosonline.kit.schemas import Envelope
from bosonline.report.periods import PERIOD_CODES, DaysParams
from bosonline.routing import request_session

router = admin_router("/dashboard", "Admin")


@router.get("", summary="Admin Dashboard", responses=error_responses(*PERIOD_CODES))
async def dashboard(request: Request, admin: AdminDep, period: DaysParams) -> Envelope[DashboardOut]:
    """Recap Store (stores not closed, created in the period, active: a member used the API in it, with orders in
    it, suspended now), Revenue (platform GMV of the orders not canceled, paid GMV, COD GMV and its share, and the
    same per day, every day of the period), Order Recap (orders and totals by status and by payment method across
    stores) and the 10 stores with the most GMV. Order figures sum the order counters, by each store's own local
    day (days of Asia/Jakarta); the periods of the store's reports: at most 366 days (422 beyond, or when `from` is
    after `to`, or outside 2000–2100)."""
    service = DashboardService(request_session(request), request.app.state.runtime)
    return Envelope(data=await service.dashboard(period))
