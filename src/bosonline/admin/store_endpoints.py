"""HTTP routes of /admin/stores: list and search stores, suspend and reactivate one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from bosonline.admin.errors import AdminError
from bosonline.admin.gate import AdminDep, admin_router
from bosonline.admin.schemas import AdminStoreOut, StoreStatus, SuspendIn
from bosonline.admin.store_service import AdminStoreService
from bosonline.deps import query_parameters
from bosonline.errors import error_responses
from bosonline.kit.fields import OneLineText, path_id
from bosonline.kit.pagination import PageQuery
from bosonline.kit.schemas import Envelope, ListEnvelope
from bosonline.routing import request_session

router = admin_router("/stores", "Admin")

StoreId = Annotated[int, path_id("Store id.")]


async def _service(request: Request, admin: AdminDep) -> AdminStoreService:
    return AdminStoreService(request_session(request), request.app.state.runtime, admin)


Service = Annotated[AdminStoreService, Depends(_service)]


@dataclass(frozen=True)
class StoreFilters:
    """The list's filters: a dependency, FastAPI reads each field from the query."""

    q: Annotated[
        OneLineText | None,
        Query(
            min_length=1,
            max_length=100,
            description="Store name, subdomain or owner e-mail contains (case aside); a phone number (08…, 628…) "
            "also matches the owner's phone.",
        ),
    ] = None
    status: Annotated[StoreStatus | None, Query(description="Only stores in this status.")] = None


Filters = Annotated[StoreFilters, Depends(query_parameters(StoreFilters))]


@router.get("", summary="Admin List Stores")
async def list_stores(service: Service, filters: Filters, page: PageQuery) -> ListEnvelope[AdminStoreOut]:
    """Every store, newest first, with its owner and figures (orders, GMV of the orders not canceled, paid GMV,
    summed from the order counters). Platform admins only."""
    found = await service.list(filters.q, filters.status, page)
    return ListEnvelope.page(found.items, found.next_cursor, found.total)


@router.post(
    "/{store_id:int}/suspend",
    summary="Admin Suspend Store",
    responses=error_responses(AdminError.store_already_suspended, AdminError.store_closed_by_owner),
)
async def suspend_store(store_id: StoreId, body: SuspendIn, service: Service) -> Envelope[AdminStoreOut]:
    """Suspends a store: nothing is deleted; its members keep reading its data, every change through the API is
    refused with 403 `store_suspended`, and its buyer pages show *Toko ini sedang tidak menerima pesanan* and take
    no new order. Follow-ups and webhooks of its existing orders keep going out. 409 when it is already suspended
    (`store_already_suspended`) or was closed by its owner (`store_closed_by_owner`); 404 for an unknown id. Audited."""
    return Envelope(data=await service.suspend(store_id, body.reason))


@router.post(
    "/{store_id:int}/reactivate",
    summary="Admin Reactivate Store",
    responses=error_responses(AdminError.store_not_suspended, AdminError.store_closed_by_owner),
)
async def reactivate_store(store_id: StoreId, service: Service) -> Envelope[AdminStoreOut]:
    """Lifts a suspension: the store takes orders and changes again. 409 `store_not_suspended` when it is not
    suspended; 404 for an unknown id. Audited."""
    return Envelope(data=await service.reactivate(store_id))
