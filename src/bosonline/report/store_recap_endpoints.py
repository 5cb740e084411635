"""HTTP route of Recap Store (the seed's Store → Recap Store): the caller's stores side by side."""

from __future__ import annotations

from typing import Annotated

from bosonline.deps import CurrentUser, account_service
from bosonline.errors import error_responses
from bosonline.kit.schemas import Envelope
from bosonline.report.periods import PERIOD_CODES, DaysParams
from bosonline.report.revenue_schemas import StoreRecapOut
from bosonline.report.store_recap_service import StoreRecapService
from bosonline.routing import api_router

router = api_router(tags=["Store"])

Service = Annotated[StoreRecapService, account_service(StoreRecapService)]


@router.get("/store/recap/store", summary="Recap Store", responses=error_responses(*PERIOD_CODES))
async def recap_store(principal: CurrentUser, service: Service, period: DaysParams) -> Envelope[StoreRecapOut]:
    """Revenue's figures (orders, gross, discounts, net, paid, COD settled, cost, profit, …) per store, side by
    side, for every active store where the caller's role may read reports (owner and admin; at most 100, by id),
    with their sum. `from`/`to` are calendar days, each store's figures over those days of its own time zone
    (default: the last 30 days, ending today in WIB); at most 366 days. No `X-Store-Id` needed."""
    return Envelope(data=await service.recap(principal.user.id, period))
