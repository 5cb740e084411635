"""HTTP routes of warehouses: Profile → Warehouse (the account's) and Store → Warehouse (the store's choice)."""

from __future__ import annotations

from typing import Annotated

from fastapi import status

from bosonline.deps import CatalogRead, CatalogWrite, CurrentUser, account_service
from bosonline.errors import error_responses
from bosonline.kit.fields import path_id
from bosonline.kit.pagination import PageQuery
from bosonline.kit.schemas import Envelope, ListEnvelope
from bosonline.routing import api_router
from bosonline.warehouse.errors import WarehouseError
from bosonline.warehouse.schemas import (
    StoreWarehouseOut,
    StoreWarehousesIn,
    WarehouseCreateIn,
    WarehouseDeletedOut,
    WarehouseOut,
    WarehouseUpdateIn,
)
from bosonline.warehouse.service import WarehouseService

profile_router = api_router(prefix="/profile/warehouse", tags=["Warehouse"])
store_router = api_router(prefix="/store/warehouse", tags=["Warehouse"])

WarehouseId = Annotated[int, path_id("Warehouse id (of the caller's account).")]


Service = Annotated[WarehouseService, account_service(lambda db, runtime: WarehouseService(db, runtime.clock))]

_HAS_STOCK = error_responses(WarehouseError.warehouse_has_stock)


# Profile → Warehouse ---------------------------------------------------------------------------------------


@profile_router.get("", summary="Warehouse")
async def list_warehouses(principal: CurrentUser, service: Service, page: PageQuery) -> ListEnvelope[WarehouseOut]:
    """The caller's warehouses: the default first, then the others oldest first. Warehouses belong to the
    account, not to a store: each store picks which of its owner's warehouses it ships from (`store_ids`)."""
    items, result, total = await service.account_page(principal.user.id, page)
    return ListEnvelope.page(items, result.next_cursor, total)


@profile_router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create Warehouse",
    responses=error_responses(WarehouseError.warehouse_limit),
)
async def create_warehouse(body: WarehouseCreateIn, principal: CurrentUser, service: Service) -> Envelope[WarehouseOut]:
    """Adds a warehouse to the caller's account (at most 50).

    - `region_code` must be a real district (kecamatan) or village (kelurahan/desa), see `GET /public/regions`.
      A village's kode pos fills `postal_code` when it is left out.
    - The account's first warehouse becomes its default; `is_default: true` makes a later one the default.
    - **Auto-attach:** the caller's stores that have no warehouse yet start shipping from this one (listed in
      `store_ids`), so a new seller can put stock in right away. Stores that already have warehouses are left
      alone; change them with `PUT /store/warehouse`."""
    return Envelope(data=await service.create(principal.user.id, body))


@profile_router.get("/{warehouse_id:int}", summary="Warehouse detail")
async def get_warehouse(warehouse_id: WarehouseId, principal: CurrentUser, service: Service) -> Envelope[WarehouseOut]:
    """One of the caller's warehouses. Another account's warehouse answers 404."""
    return Envelope(data=await service.get(principal.user.id, warehouse_id))


@profile_router.put("/{warehouse_id:int}", summary="Edit Warehouse")
async def update_warehouse(
    warehouse_id: WarehouseId, body: WarehouseUpdateIn, principal: CurrentUser, service: Service
) -> Envelope[WarehouseOut]:
    """Replaces the warehouse's details (every field, as on creation; the default is changed with
    `PATCH /profile/warehouse/{id}/default`)."""
    return Envelope(data=await service.update(principal.user.id, warehouse_id, body))


@profile_router.patch("/{warehouse_id:int}/default", summary="Default Warehouse")
async def make_default_warehouse(
    warehouse_id: WarehouseId, principal: CurrentUser, service: Service
) -> Envelope[WarehouseOut]:
    """Makes this the account's one default warehouse; the previous default stops being it."""
    return Envelope(data=await service.make_default(principal.user.id, warehouse_id))


@profile_router.delete(
    "/{warehouse_id:int}",
    summary="Delete Warehouse",
    responses=error_responses(WarehouseError.warehouse_has_stock, WarehouseError.warehouse_used_by_orders),
)
async def delete_warehouse(
    warehouse_id: WarehouseId, principal: CurrentUser, service: Service
) -> Envelope[WarehouseDeletedOut]:
    """Deletes the warehouse and takes it off every store. Refused (409 `warehouse_has_stock`) while any store
    has units on hand or reserved there, and (409 `warehouse_used_by_orders`) once an order came from it. Deleting
    the default makes the oldest remaining warehouse the default."""
    await service.delete(principal.user.id, warehouse_id)
    return Envelope(data=WarehouseDeletedOut(id=warehouse_id))


# Store → Warehouse -----------------------------------------------------------------------------------------


@store_router.get("", summary="Warehouse (Store)", operation_id="warehouse_list_for_store")
async def list_store_warehouses(ctx: CatalogRead, service: Service) -> ListEnvelope[StoreWarehouseOut]:
    """The warehouses the store ships from, with their details: the owner's default first, then by id."""
    items = await service.store_list(ctx)
    return ListEnvelope.whole(items)


@store_router.put("", summary="Edit Store Warehouse", responses=_HAS_STOCK, operation_id="warehouse_set_for_store")
async def set_store_warehouses(
    body: StoreWarehousesIn, ctx: CatalogWrite, service: Service
) -> ListEnvelope[StoreWarehouseOut]:
    """Sets which warehouses the store ships from: warehouses of the store owner's account (another account's or
    a deleted one answers 404). Taking off a warehouse that still holds units of this store (on hand or
    reserved) answers 409 `warehouse_has_stock`. Owners and admins."""
    items = await service.set_store_warehouses(ctx, body.warehouse_ids)
    return ListEnvelope.whole(items)
