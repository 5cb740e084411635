"""All SQL of inventory. Every statement is limited to one store.

Not a `ScopedRepository` over a `StoreContext`: orders reserve stock for buyers of the public checkout, who are not
members of the store, so the scope here is the store id itself (`scoped()` below plays the same part).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Row, Select, Subquery, and_, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import insert_ignoring_conflicts
from bosonline.kit.pagination import PageParams, decode_cursor, encode_cursor
from bosonline.models import (
    InventoryMovement,
    Product,
    ProductVariant,
    Stock,
    StoreMember,
    StoreWarehouse,
    User,
    Warehouse,
)

M = TypeVar("M", bound=Any)
Key = tuple[int, int]  # (variant_id, warehouse_id)

ON_HAND = func.coalesce(Stock.on_hand, 0)
RESERVED = func.coalesce(Stock.reserved, 0)
AVAILABLE = ON_HAND - RESERVED


@dataclass(frozen=True)
class InventoryFilters:
    warehouse_id: int | None = None
    product_id: int | None = None
    q: str | None = None
    status: str | None = None
    low_stock: bool = False
    threshold: int = 5
    out_of_stock: bool = False


@dataclass(frozen=True)
class MovementFilters:
    variant_id: int | None = None
    warehouse_id: int | None = None
    reason: str | None = None
    order_id: int | None = None


def _matches(q: str) -> ColumnElement[bool]:
    """Product name, variant name or SKU contains `q`, case-insensitively and literally (% and _ are text)."""
    needle = q.lower()
    return or_(
        func.lower(Product.name).contains(needle, autoescape=True),
        func.lower(ProductVariant.name).contains(needle, autoescape=True),
        func.lower(ProductVariant.sku).contains(needle, autoescape=True),
    )


class InventoryRepository:
    def __init__(self, session: AsyncSession, store_id: int) -> None:
        self.session = session
        self.store_id = store_id

    def scoped(self, model: type[M]) -> Select[M]:
        return select(model).where(model.store_id == self.store_id)

    # --- the (variant × warehouse) listing -------------------------------------------------------------------

    def _live_variants(self, stmt: Select[*tuple[Any, ...]]) -> Select[*tuple[Any, ...]]:
        return stmt.join(Product, Product.id == ProductVariant.product_id).where(
            ProductVariant.store_id == self.store_id,
            ProductVariant.archived_at.is_(None),
            Product.archived_at.is_(None),
        )

    def _variant_filters(self, stmt: Select[*tuple[Any, ...]], filters: InventoryFilters) -> Select[*tuple[Any, ...]]:
        if filters.product_id is not None:
            stmt = stmt.where(ProductVariant.product_id == filters.product_id)
        if filters.status is not None:
            stmt = stmt.where(ProductVariant.status == filters.status)
        if filters.q:
            stmt = stmt.where(_matches(filters.q))
        return stmt

    def _rows(
        self, filters: InventoryFilters, *columns: Any, within: Subquery | None = None
    ) -> Select[*tuple[Any, ...]]:
        """Every live variant × every warehouse the store ships from, with its Stock row if there is one (an
        outer join: a pair nobody has stocked yet reads as zeros). `within`: only the variants of that subquery
        (its `id` column), which the databases then look up one by one instead of scanning the store."""
        if within is None:
            stmt = select(*columns).select_from(ProductVariant)
        else:
            stmt = select(*columns).select_from(within).join(ProductVariant, ProductVariant.id == within.c.id)
        stmt = self._live_variants(stmt)
        stmt = (
            stmt.join(StoreWarehouse, StoreWarehouse.store_id == ProductVariant.store_id)
            .join(Warehouse, Warehouse.id == StoreWarehouse.warehouse_id)
            # Joined on the unique (variant_id, warehouse_id) alone, so that the planner probes that index even
            # before it has statistics (the variant's store already scopes the row).
            .outerjoin(
                Stock, and_(Stock.variant_id == ProductVariant.id, Stock.warehouse_id == StoreWarehouse.warehouse_id)
            )
            .where(StoreWarehouse.store_id == self.store_id, Warehouse.deleted_at.is_(None))
        )
        stmt = self._variant_filters(stmt, filters)
        if filters.warehouse_id is not None:
            stmt = stmt.where(StoreWarehouse.warehouse_id == filters.warehouse_id)
        if filters.low_stock:
            stmt = stmt.where(filters.threshold >= AVAILABLE)
        if filters.out_of_stock:
            stmt = stmt.where(AVAILABLE <= 0)
        return stmt

    def _row_columns(self) -> tuple[Any, ...]:
        return (
            ProductVariant.id.label("variant_id"),
            ProductVariant.product_id.label("product_id"),
            Product.name.label("product_name"),
            ProductVariant.name.label("variant_name"),
            ProductVariant.sku.label("sku"),
            ProductVariant.status.label("status"),
            StoreWarehouse.warehouse_id.label("warehouse_id"),
            Warehouse.name.label("warehouse_name"),
            ON_HAND.label("on_hand"),
            RESERVED.label("reserved"),
            AVAILABLE.label("available"),
            Stock.updated_at.label("updated_at"),
        )

    async def page(
        self, filters: InventoryFilters, params: PageParams
    ) -> tuple[list[Row[*tuple[Any, ...]]], str | None]:
        """One page in (variant_id, warehouse_id) order, after the cursor's pair."""
        after = decode_cursor(params.cursor, [int, int]) if params.cursor else None
        within = None
        if not (filters.low_stock or filters.out_of_stock):
            # Without stock filters every variant gives a row per warehouse, so the page (limit + 1 rows, to know
            # whether another follows) lies within the next limit + 1 variants, plus the cursor's own variant,
            # whose rows may all be behind the cursor: join only those, not the whole store, before sorting.
            window = self.variant_ids(filters)
            if after:
                window = window.where(ProductVariant.id >= after[0])
            size = params.limit + (2 if after else 1)
            within = window.order_by(ProductVariant.id).limit(size).subquery("page_variants")
        stmt = self._rows(filters, *self._row_columns(), within=within)
        if after:
            variant_id, warehouse_id = after
            # The first condition alone is what an index on variants can use; the second finishes the pair.
            stmt = stmt.where(
                ProductVariant.id >= variant_id,
                or_(ProductVariant.id > variant_id, StoreWarehouse.warehouse_id > warehouse_id),
            )
        stmt = stmt.order_by(ProductVariant.id, StoreWarehouse.warehouse_id).limit(params.limit + 1)
        rows = list((await self.session.execute(stmt)).all())
        if len(rows) <= params.limit:
            return rows, None
        rows = rows[: params.limit]
        return rows, encode_cursor([rows[-1].variant_id, rows[-1].warehouse_id])

    async def totals(self, filters: InventoryFilters) -> tuple[int, int, int, int]:
        """(rows, Σ on_hand, Σ reserved, Σ available) over every row matching the filters, in one query."""
        stmt = self._rows(
            filters,
            func.count(),
            func.coalesce(func.sum(ON_HAND), 0),
            func.coalesce(func.sum(RESERVED), 0),
            func.coalesce(func.sum(AVAILABLE), 0),
        )
        count, on_hand, reserved, available = (await self.session.execute(stmt)).one()
        return int(count), int(on_hand), int(reserved), int(available)

    def variant_ids(self, filters: InventoryFilters) -> Select[*tuple[Any, ...]]:
        """Ids of the live variants the variant-level filters keep (the download batches over these)."""
        return self._variant_filters(
            self._live_variants(select(ProductVariant.id).select_from(ProductVariant)), filters
        )

    async def rows_of_variants(self, filters: InventoryFilters, first: int, last: int) -> list[Row[*tuple[Any, ...]]]:
        """Every row matching the filters whose variant id is within [first, last], in listing order."""
        stmt = self._rows(filters, *self._row_columns()).where(ProductVariant.id.between(first, last))
        return list((await self.session.execute(stmt.order_by(ProductVariant.id, StoreWarehouse.warehouse_id))).all())

    # --- what an update needs ---------------------------------------------------------------------------------

    async def live_variants(self, variant_ids: Sequence[int]) -> dict[int, Row[*tuple[Any, ...]]]:
        """The store's live variants among `variant_ids`, with what a listing row shows of them."""
        stmt = self._live_variants(
            select(
                ProductVariant.id,
                ProductVariant.product_id,
                Product.name.label("product_name"),
                ProductVariant.name.label("variant_name"),
                ProductVariant.sku,
                ProductVariant.status,
            ).select_from(ProductVariant)
        ).where(ProductVariant.id.in_(sorted(set(variant_ids))))
        return {row.id: row for row in (await self.session.execute(stmt)).all()}

    async def shipping_warehouses(self) -> dict[int, str]:
        """{id: name} of the warehouses the store ships from."""
        stmt = (
            select(Warehouse.id, Warehouse.name)
            .join(StoreWarehouse, StoreWarehouse.warehouse_id == Warehouse.id)
            .where(StoreWarehouse.store_id == self.store_id, Warehouse.deleted_at.is_(None))
        )
        return {row.id: row.name for row in (await self.session.execute(stmt)).all()}

    async def ensure_stock_rows(self, keys: Sequence[Key], now: datetime) -> None:
        """Creates the zero Stock rows that do not exist yet (another request may be creating them too). In key
        order, like the locks after it, so two requests inserting the same new pairs cannot deadlock."""
        rows = [
            {
                "store_id": self.store_id,
                "variant_id": variant_id,
                "warehouse_id": warehouse_id,
                "on_hand": 0,
                "reserved": 0,
                "updated_at": now,
            }
            for variant_id, warehouse_id in sorted(set(keys))
        ]
        if rows:
            await insert_ignoring_conflicts(self.session, Stock.__table__, rows)

    async def lock_stocks(self, keys: Sequence[Key]) -> dict[Key, Stock]:
        """The Stock rows of `keys`, locked for this transaction (`FOR UPDATE`; on SQLite the write transaction
        already holds the database lock), taken in (variant_id, warehouse_id) order so that two requests locking
        overlapping rows queue instead of deadlocking."""
        stmt = (
            self.scoped(Stock)
            .where(tuple_(Stock.variant_id, Stock.warehouse_id).in_(sorted(set(keys))))
            .order_by(Stock.variant_id, Stock.warehouse_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return {(stock.variant_id, stock.warehouse_id): stock for stock in (await self.session.scalars(stmt)).all()}

    async def add_movements(self, rows: list[dict[str, Any]]) -> dict[Key, int]:
        """Inserts movements (at most one per key); {(variant_id, warehouse_id): id}. One executemany: the driver
        batches the rows into multi-row INSERTs, and the compiled statement is cached whatever the row count. Ids
        are matched by key rather than by position."""
        if not rows:
            return {}
        table = InventoryMovement.__table__
        stmt = table.insert().returning(table.c.id, table.c.variant_id, table.c.warehouse_id)
        result = await self.session.execute(stmt, [{**row, "store_id": self.store_id} for row in rows])
        return {(variant_id, warehouse_id): movement_id for movement_id, variant_id, warehouse_id in result.all()}

    async def change_if(
        self,
        key: Key,
        *,
        on_hand: int,
        reserved: int,
        condition: ColumnElement[bool],
        now: datetime,
    ) -> tuple[int, int] | None:
        """Adds the deltas to one Stock row in a single conditional UPDATE, only if `condition` holds at that
        moment (the row is locked by the UPDATE itself, so concurrent callers queue and re-check). Returns the new
        (on_hand, reserved), or None when there is no such row or the condition failed."""
        variant_id, warehouse_id = key
        stmt = (
            update(Stock)
            .where(
                Stock.store_id == self.store_id,
                Stock.variant_id == variant_id,
                Stock.warehouse_id == warehouse_id,
                condition,
            )
            .values(on_hand=Stock.on_hand + on_hand, reserved=Stock.reserved + reserved, updated_at=now)
            .returning(Stock.on_hand, Stock.reserved)
            .execution_options(synchronize_session=False)
        )
        row = (await self.session.execute(stmt)).first()
        return None if row is None else (int(row[0]), int(row[1]))

    async def counters(self, keys: Sequence[Key]) -> dict[Key, tuple[int, int]]:
        """{key: (on_hand, reserved)} of the existing Stock rows among `keys` (unlocked, for messages)."""
        stmt = select(Stock.variant_id, Stock.warehouse_id, Stock.on_hand, Stock.reserved).where(
            Stock.store_id == self.store_id, tuple_(Stock.variant_id, Stock.warehouse_id).in_(sorted(set(keys)))
        )
        return {(row[0], row[1]): (int(row[2]), int(row[3])) for row in (await self.session.execute(stmt)).all()}

    # --- movements --------------------------------------------------------------------------------------------

    async def movements_page(
        self, filters: MovementFilters, params: PageParams
    ) -> tuple[list[Row[*tuple[Any, ...]]], str | None]:
        """Newest first, with the variant, warehouse and actor's name joined in (one query). The page's ids are
        picked first, so only those rows are joined, however long the store's log."""
        page = self.scoped(InventoryMovement).with_only_columns(InventoryMovement.id)
        if filters.variant_id is not None:
            page = page.where(InventoryMovement.variant_id == filters.variant_id)
        if filters.warehouse_id is not None:
            page = page.where(InventoryMovement.warehouse_id == filters.warehouse_id)
        if filters.reason is not None:
            page = page.where(InventoryMovement.reason == filters.reason)
        if filters.order_id is not None:
            page = page.where(InventoryMovement.order_id == filters.order_id)
        if params.cursor:
            (before,) = decode_cursor(params.cursor, [int])
            page = page.where(InventoryMovement.id < before)
        ids = page.order_by(InventoryMovement.id.desc()).limit(params.limit + 1).subquery("page_movements")
        stmt = (
            select(
                InventoryMovement,
                ProductVariant.product_id,
                Product.name.label("product_name"),
                ProductVariant.name.label("variant_name"),
                ProductVariant.sku,
                Warehouse.name.label("warehouse_name"),
                func.coalesce(StoreMember.name, User.name).label("actor_name"),
            )
            .select_from(ids)
            .join(InventoryMovement, InventoryMovement.id == ids.c.id)
            .join(ProductVariant, ProductVariant.id == InventoryMovement.variant_id)
            .join(Product, Product.id == ProductVariant.product_id)
            .join(Warehouse, Warehouse.id == InventoryMovement.warehouse_id)
            .outerjoin(User, User.id == InventoryMovement.actor_user_id)
            .outerjoin(
                StoreMember,
                and_(StoreMember.store_id == self.store_id, StoreMember.user_id == InventoryMovement.actor_user_id),
            )
            .order_by(InventoryMovement.id.desc())
        )
        rows = list((await self.session.execute(stmt)).all())
        if len(rows) <= params.limit:
            return rows, None
        rows = rows[: params.limit]
        return rows, encode_cursor([rows[-1].InventoryMovement.id])
