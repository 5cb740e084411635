"""HTTP route of /admin/dashboard: the platform's figures for a period."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Request

from bosonline.admin.dashboard_schemas import DashboardOut
from bosonline.admin.dashboard_service import DashboardService
from bosonline.admin.gate import AdminDep, admin_router
from bosonline.kit.fields import day_query
from bosonline.kit.schemas import Envelope

router = admin_router("/dashboard", "Admin")


@router.get("", summary="Admin Dashboard")
async def dashboard(
    request: Request,
    admin: AdminDep,
    date_from: Annotated[
        date | None,
        day_query("First day (YYYY-MM-DD, 2000-01-01…2100-12-31); default 30 days before `to`.", alias="from"),
    ] = None,
    date_to: Annotated[date | None, day_query("Last day, inclusive; default today.", alias="to")] = None,
) -> Envelope[DashboardOut]:
    """Recap Store (stores not closed, created in the period, active: a member used the API in it, with orders in
    it, suspended now), Revenue (platform GMV of the orders not canceled, paid GMV, COD GMV and its share, and the
    same per day, every day of the period), Order Recap (orders and totals by status and by payment method across
    stores) and the 10 stores with the most GMV. Order figures sum the order counters, by each store's own local
    day; at most 366 days (422 beyond, or when `from` is after `to`, or outside 2000–2100)."""
    service = DashboardService(request.state.db, request.app.state.runtime)
    return Envelope(data=await service.dashboard(date_from, date_to))
