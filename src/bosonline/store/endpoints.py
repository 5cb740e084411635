"""HTTP routes of the store itself (seed group Store)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, status

from bosonline.deps import CurrentUser, account_service, require
from bosonline.errors import error_responses
from bosonline.kit.fields import OneLineText
from bosonline.kit.pagination import PageParams, page_params
from bosonline.kit.schemas import Envelope, ListEnvelope, ListMeta
from bosonline.permissions import Permission
from bosonline.routing import api_router
from bosonline.store.errors import StoreError
from bosonline.store.schemas import (
    StoreCreateIn,
    StoreOut,
    StoreSummaryOut,
    StoreUpdateIn,
    SubdomainCheckOut,
    SubdomainIn,
)
from bosonline.store.service import StoreService, loaded_store_out
from bosonline.tenancy import StoreContext

router = api_router(prefix="/store", tags=["Store"])


Service = Annotated[StoreService, account_service(lambda db, runtime: StoreService(db, runtime.clock))]
# Every answer of these routes shows the store's settings: the store context's statement reads them too.
StoreRead = Annotated[StoreContext, Depends(require(Permission.store_read, settings=True))]
StoreWrite = Annotated[StoreContext, Depends(require(Permission.store_write, settings=True))]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a store",
    responses=error_responses(StoreError.store_limit, StoreError.subdomain_taken),
)
async def create_store(body: StoreCreateIn, principal: CurrentUser, service: Service) -> Envelope[StoreOut]:
    """Creates a store owned by the caller, with default settings (COD fee 3 %, unique transfer code 1–999,
    follow-up quiet hours 21:00–08:00). The caller becomes its `owner`."""
    return Envelope(data=await service.create(principal.user, body))


@router.get("", summary="Current store with its settings")
async def get_store(ctx: StoreRead) -> Envelope[StoreOut]:
    """The store the request acts in: the caller's only store, or the one named by `X-Store-Id`."""
    return Envelope(data=loaded_store_out(ctx))  # read with the context: no service, no session (issue 15)


@router.put("", summary="Edit the store and its settings")
async def update_store(body: StoreUpdateIn, ctx: StoreWrite, service: Service) -> Envelope[StoreOut]:
    """Changes only the fields sent. Owners and admins only."""
    return Envelope(data=await service.update(ctx, body))


@router.get("/list", summary="Stores of the caller")
async def list_stores(
    principal: CurrentUser, service: Service, page: Annotated[PageParams, Depends(page_params)]
) -> ListEnvelope[StoreSummaryOut]:
    items, result, total = await service.list_mine(principal.user.id, page)
    return ListEnvelope(data=items, meta=ListMeta(next_cursor=result.next_cursor, total=total))


@router.get("/subdomain/check", summary="Cek SubDomain: is a subdomain valid and free?")
async def check_subdomain(
    principal: CurrentUser,
    service: Service,
    subdomain: Annotated[OneLineText, Query(min_length=1, max_length=63, description="The subdomain to check.")],
) -> Envelope[SubdomainCheckOut]:
    return Envelope(data=await service.check_subdomain(subdomain))


@router.put("/subdomain", summary="Edit Subdomain", responses=error_responses(StoreError.subdomain_taken))
async def change_subdomain(body: SubdomainIn, ctx: StoreWrite, service: Service) -> Envelope[StoreOut]:
    """Moves the store to another subdomain (409 when taken, 422 when invalid). Owners and admins only."""
    return Envelope(data=await service.change_subdomain(ctx, body.subdomain))
