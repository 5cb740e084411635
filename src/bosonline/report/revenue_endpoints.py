"""HTTP routes of the store's money: Revenue (the seed's Store → Get Revenue) and Recap Store."""

from __future__ import annotations

from typing import Annotated

from bosonline.deps import store_service
from bosonline.errors import error_responses
from bosonline.kit.schemas import Envelope
from bosonline.permissions import Permission
from bosonline.report.periods import PERIOD_CODES, PeriodParams
from bosonline.report.revenue_schemas import RevenueOut
from bosonline.report.revenue_service import RevenueService
from bosonline.routing import api_router

router = api_router(tags=["Store"])

Reader = Annotated[RevenueService, store_service(RevenueService, Permission.reports_read)]


@router.get("/store/revenue", summary="Get Revenue", responses=error_responses(*PERIOD_CODES))
async def revenue(service: Reader, period: PeriodParams) -> Envelope[RevenueOut]:
    """The store's sales per day, week (Monday first) or month of its time zone, from `from` to `to` (inclusive;
    default the last 30 days): orders, gross (goods + shipping + fees), discounts, total, net (of shipping and
    discounts), paid, COD settled, and profit where the cost of goods is known (costed orders, cost, and how much
    of it was estimated afterwards). Every bucket is listed, zeros included, with the period's totals. Summed from
    the recap counters (a few hundred rows a day), never from the orders. 422 `period_reversed`, `period_too_long`
    (day: ≤ 366 days, week: ≤ 1,100, month: ≤ 3,660), `period_out_of_bounds`."""
    return Envelope(data=await service.revenue(period))
