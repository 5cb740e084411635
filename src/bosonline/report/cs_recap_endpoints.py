"""HTTP route of Recap CS (the seed's Store → Recap CS)."""

from __future__ import annotations

from typing import Annotated

from bosonline.deps import store_service
from bosonline.kit.schemas import Envelope
from bosonline.permissions import Permission
from bosonline.report.cs_recap_schemas import CsRecapOut
from bosonline.report.cs_recap_service import CsRecapService
from bosonline.report.product_recap_endpoints import PERIOD_ERRORS
from bosonline.report.recap_period import PeriodQuery
from bosonline.routing import api_router

router = api_router(prefix="/store/recap", tags=["Store"])

# orders_read, not reports_read: a CS reads their own row (the recap of the orders they may see).
Recapper = Annotated[CsRecapService, store_service(CsRecapService, Permission.orders_read)]


@router.get("/cs", summary="Recap CS", responses=PERIOD_ERRORS)
async def recap_cs(service: Recapper, period: PeriodQuery) -> Envelope[CsRecapOut]:
    """Per CS (the member an order is assigned to), for the orders created in the period (local days of the store;
    default the last 30 days, at most 366): `handled`; `closed_orders` (paid or COD settled, or shipped or later)
    and `closing_rate` = closed ÷ handled; `canceled_orders`; `rts_orders` (returned, or closed after a return);
    follow-ups sent on those orders per step (`sent`: sent, delivered or read) with the orders each converted and
    the Rupiah recovered: an order paid after a follow-up counts once, for the LAST follow-up sent before its
    payment (`paid_at`), with its total. Owners and admins see every member who handled an order, the active CS
    with none, and the unassigned orders (`member_id` null); a CS who sees only their own orders gets their own
    row."""
    return Envelope(data=await service.recap(period))
