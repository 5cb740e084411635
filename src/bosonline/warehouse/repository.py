"""All SQL of warehouses. Warehouses belong to an account (owner_id), not to a store: every account-level read
starts from `_owned(owner_id)`; a store reaches warehouses only through its StoreWarehouse rows."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import ColumnElement, Select, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import values_by_key
from bosonline.kit.pagination import Page, PageParams, count_rows, encode_cursor, keyset_page
from bosonline.models import InventoryMovement, Stock, Store, StoreWarehouse, User, Warehouse
from bosonline.models.store import STORE_IS_OPEN


def _holds_stock() -> ColumnElement[bool]:
    return or_(Stock.on_hand > 0, Stock.reserved > 0)


class WarehouseRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # The account's warehouses ------------------------------------------------------------------------------

    def _owned(self, owner_id: int) -> Select[Warehouse]:
        return select(Warehouse).where(Warehouse.owner_id == owner_id, Warehouse.deleted_at.is_(None))

    async def lock_account(self, owner_id: int) -> None:
        """Serializes the writes to one account's warehouses (PostgreSQL row lock on the user; SQLite write
        transactions are serialized already): "first is default", "one default" and the limit hold under races."""
        await self.session.execute(select(User.id).where(User.id == owner_id).with_for_update())

    async def count(self, owner_id: int) -> int:
        return await count_rows(self.session, self._owned(owner_id))

    async def get(self, owner_id: int, warehouse_id: int) -> Warehouse | None:
        return await self.session.scalar(self._owned(owner_id).where(Warehouse.id == warehouse_id))

    async def page(self, owner_id: int, params: PageParams) -> tuple[Page[Warehouse], int]:
        """The default warehouse first, then the others by id. The cursor walks the others by id; the first page
        (no cursor) starts with the default."""
        total = await self.count(owner_id)
        others = self._owned(owner_id).where(Warehouse.is_default.is_(False))
        default = None
        if params.cursor is None:
            default = await self.session.scalar(self._owned(owner_id).where(Warehouse.is_default.is_(True)).limit(1))
        if default is None:
            return await keyset_page(self.session, others, [Warehouse.id], params), total
        if params.limit == 1:
            more = await self.session.scalar(others.with_only_columns(Warehouse.id).limit(1))
            return Page(items=[default], next_cursor=encode_cursor([0]) if more is not None else None), total
        rest = await keyset_page(self.session, others, [Warehouse.id], PageParams(params.limit - 1, None))
        return Page(items=[default, *rest.items], next_cursor=rest.next_cursor), total

    async def owned_ids(self, owner_id: int, warehouse_ids: Collection[int]) -> set[int]:
        rows = await self.session.scalars(
            self._owned(owner_id).with_only_columns(Warehouse.id).where(Warehouse.id.in_(list(warehouse_ids)))
        )
        return set(rows)

    async def oldest(self, owner_id: int) -> Warehouse | None:
        return await self.session.scalar(self._owned(owner_id).order_by(Warehouse.id).limit(1))

    async def add(self, warehouse: Warehouse) -> Warehouse:
        self.session.add(warehouse)
        await self.session.flush()
        return warehouse

    async def default(self, owner_id: int) -> Warehouse | None:
        return await self.session.scalar(self._owned(owner_id).where(Warehouse.is_default.is_(True)).limit(1))

    async def erase_owner(self, owner_id: int, *, name: str, now: datetime) -> None:
        """Data Deletion: the account's warehouses lose the person's contact details and address. The rows stay
        (deleted) because stock history and orders name them."""
        await self.session.execute(
            update(Warehouse)
            .where(Warehouse.owner_id == owner_id)
            .values(contact_name=name, contact_phone="", address="", is_default=False, deleted_at=now, updated_at=now)
        )

    async def unset_defaults(self, owner_id: int, *, except_id: int, now: datetime) -> None:
        await self.session.execute(
            update(Warehouse)
            .where(Warehouse.owner_id == owner_id, Warehouse.is_default.is_(True), Warehouse.id != except_id)
            .values(is_default=False, updated_at=now)
        )

    async def used_by_orders(self, warehouse_id: int) -> bool:
        """Every order reserves its stock at checkout, which writes a movement naming the order and the warehouse."""
        found = await self.session.scalar(
            select(InventoryMovement.id)
            .where(InventoryMovement.warehouse_id == warehouse_id, InventoryMovement.order_id.is_not(None))
            .limit(1)
        )
        return found is not None

    async def holds_stock(self, warehouse_id: int) -> bool:
        """Whether any store still has units on hand or reserved in the warehouse."""
        found = await self.session.scalar(
            select(Stock.id).where(Stock.warehouse_id == warehouse_id, _holds_stock()).limit(1)
        )
        return found is not None

    # Stores and warehouses ---------------------------------------------------------------------------------

    async def store_ids_of(self, warehouse_ids: Collection[int]) -> dict[int, list[int]]:
        """The open (active or suspended) stores that ship from each warehouse, in one query."""
        stmt = (
            select(StoreWarehouse.warehouse_id, StoreWarehouse.store_id)
            .join(Store, Store.id == StoreWarehouse.store_id)
            .where(STORE_IS_OPEN)
            .order_by(StoreWarehouse.store_id)
        )
        return await values_by_key(self.session, stmt, StoreWarehouse.warehouse_id, warehouse_ids)

    async def owned_stores_without_warehouse(self, owner_id: int) -> list[int]:
        linked = select(StoreWarehouse.store_id).where(StoreWarehouse.store_id == Store.id).exists()
        return list(
            await self.session.scalars(
                select(Store.id).where(Store.owner_id == owner_id, Store.status == "active", ~linked).order_by(Store.id)
            )
        )

    def _store_warehouses(self, store_id: int) -> Select[Warehouse]:
        return (
            select(Warehouse)
            .join(StoreWarehouse, StoreWarehouse.warehouse_id == Warehouse.id)
            .where(StoreWarehouse.store_id == store_id, Warehouse.deleted_at.is_(None))
        )

    async def store_warehouses(self, store_id: int) -> list[Warehouse]:
        """The store's warehouses: the account's default first, then by id."""
        stmt = self._store_warehouses(store_id).order_by(Warehouse.is_default.desc(), Warehouse.id)
        return list(await self.session.scalars(stmt))

    async def store_warehouse_ids(self, store_id: int) -> list[int]:
        stmt = self._store_warehouses(store_id).with_only_columns(Warehouse.id).order_by(Warehouse.id)
        return list(await self.session.scalars(stmt))

    async def store_uses(self, store_id: int, warehouse_id: int) -> bool:
        stmt = self._store_warehouses(store_id).with_only_columns(Warehouse.id).where(Warehouse.id == warehouse_id)
        return (await self.session.scalar(stmt)) is not None

    async def stocked_for_store(self, store_id: int, warehouse_ids: Collection[int]) -> set[int]:
        """Those of `warehouse_ids` that hold units (on hand or reserved) of the store's products."""
        rows = await self.session.scalars(
            select(Stock.warehouse_id)
            .where(Stock.store_id == store_id, Stock.warehouse_id.in_(list(warehouse_ids)), _holds_stock())
            .distinct()
        )
        return set(rows)

    async def link(self, pairs: Collection[tuple[int, int]], now: datetime) -> None:
        """Adds (store_id, warehouse_id) links."""
        if not pairs:
            return
        self.session.add_all(
            StoreWarehouse(store_id=store_id, warehouse_id=warehouse_id, created_at=now)
            for store_id, warehouse_id in pairs
        )
        await self.session.flush()

    async def unlink_everywhere(self, warehouse_id: int) -> None:
        await self.session.execute(delete(StoreWarehouse).where(StoreWarehouse.warehouse_id == warehouse_id))

    async def unlink_from_store(self, store_id: int, warehouse_ids: Collection[int]) -> None:
        await self.session.execute(
            delete(StoreWarehouse).where(
                StoreWarehouse.store_id == store_id, StoreWarehouse.warehouse_id.in_(list(warehouse_ids))
            )
        )
