"""HTTP route of abandoned checkouts as the seller sees them."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Depends, Query

from bosonline.checkout.leads import LeadFilters, LeadService
from bosonline.checkout.schemas import LeadOut
from bosonline.deps import store_service
from bosonline.kit.fields import SearchText
from bosonline.kit.pagination import PageParams, page_params
from bosonline.kit.schemas import ListEnvelope, ListMeta
from bosonline.permissions import Permission
from bosonline.routing import api_router

router = api_router(prefix="/store/order", tags=["Order"])

Reader = Annotated[LeadService, store_service(LeadService, Permission.orders_read)]


@router.get("/abandoned", summary="Abandoned Order List")
async def list_abandoned(
    service: Reader,
    page: Annotated[PageParams, Depends(page_params)],
    status: Annotated[Literal["open", "converted"] | None, Query()] = None,
    form_id: Annotated[int | None, Query(ge=1, le=2**53)] = None,
    q: Annotated[SearchText | None, Query(description="Name, or part of the phone.")] = None,
) -> ListEnvelope[LeadOut]:
    """Checkouts buyers started but did not submit (newest first): what they typed, so a CS can follow them up.
    `converted` ones became an order later (same phone on the same form)."""
    items, next_cursor, total = await service.list(LeadFilters(status=status, form_id=form_id, q=q), page)
    return ListEnvelope(data=items, meta=ListMeta(next_cursor=next_cursor, total=total))
