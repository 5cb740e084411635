"""Rules of stock: what a seller sees and sets by hand, and what orders reserve, release and ship.

Every change goes through a locked row or a single conditional UPDATE, so no update is ever lost and stock never
goes below zero (the CHECK constraints on `stocks` back that up), and every change writes an InventoryMovement.
"""

from __future__ import annotations

import builtins
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, Row
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import Conflict, ValidationFailed
from bosonline.inventory.errors import InventoryError
from bosonline.inventory.repository import InventoryFilters, InventoryRepository, Key, MovementFilters
from bosonline.inventory.schemas import (
    ActorRef,
    InventoryListMeta,
    InventoryRow,
    InventoryUpdateIn,
    InventoryUpdateOut,
    MovementOut,
    UpdatedRow,
    WarehouseRef,
)
from bosonline.kit.fields import MAX_STOCK
from bosonline.kit.pagination import PageParams
from bosonline.kit.schemas import from_row
from bosonline.models import InventoryMovement, Stock
from bosonline.runtime import Runtime


class StockLine(NamedTuple):
    """One order line's claim on stock."""

    variant_id: int
    warehouse_id: int
    qty: int


class StockMovement(NamedTuple):
    """A movement reserve/release/ship wrote."""

    id: int
    variant_id: int
    warehouse_id: int
    delta_on_hand: int
    delta_reserved: int
    on_hand_after: int
    reserved_after: int


class OrderMove(NamedTuple):
    """What an order does to its lines' stock: the movement's reason, the signs of on_hand and reserved, and the
    condition a row must meet for `qty` (else the line fails and nothing changes)."""

    reason: str
    on_hand_sign: int
    reserved_sign: int
    condition: Callable[[int], ColumnElement[bool]]


_RESERVE = OrderMove("order_reserved", 0, 1, lambda qty: Stock.on_hand - Stock.reserved >= qty)
_RELEASE = OrderMove("order_released", 0, -1, lambda qty: Stock.reserved >= qty)
_SHIP = OrderMove("order_shipped", -1, -1, lambda qty: Stock.reserved >= qty)
_RESTOCK = OrderMove("order_returned", 1, 0, lambda qty: Stock.on_hand <= MAX_STOCK - qty)


class Shortage(NamedTuple):
    variant_id: int
    warehouse_id: int
    requested: int
    available: int


class InsufficientStock(Conflict):
    """409 `insufficient_stock`: some lines asked for more than is available. Nothing was changed."""

    code = InventoryError.insufficient_stock

    def __init__(self, shortages: list[Shortage]) -> None:
        self.shortages = shortages
        listed = ", ".join(f"variant {s.variant_id} (warehouse {s.warehouse_id})" for s in shortages)
        super().__init__(
            f"Not enough stock for {listed}",
            fields={
                f"stock.{s.variant_id}.{s.warehouse_id}": f"{s.requested} requested, {s.available} available"
                for s in shortages
            },
        )


def row_out(row: Row[Any]) -> InventoryRow:
    return from_row(InventoryRow, row, warehouse=WarehouseRef(id=row.warehouse_id, name=row.warehouse_name))


def movement_out(row: Row[*tuple[Any, ...]]) -> MovementOut:
    movement: InventoryMovement = row.InventoryMovement
    actor = None
    if movement.actor_user_id is not None and row.actor_name is not None:
        actor = ActorRef(user_id=movement.actor_user_id, name=row.actor_name)
    return from_row(  # the movement's columns, then the variant's and product's the row joined
        MovementOut,
        movement,
        **row._asdict(),
        warehouse=WarehouseRef(id=movement.warehouse_id, name=row.warehouse_name),
        actor=actor,
    )


def _sum_lines(lines: Iterable[StockLine]) -> dict[Key, int]:
    """Quantities per (variant, warehouse), in key order (the lock order), after checking each is positive."""
    totals: dict[Key, int] = defaultdict(int)
    for line in lines:
        if not 1 <= line.qty <= MAX_STOCK:
            raise ValueError(f"quantity must be 1–{MAX_STOCK}, not {line.qty}")
        totals[(line.variant_id, line.warehouse_id)] += line.qty
    return dict(sorted(totals.items()))


class InventoryService:
    """Stock of one store. `actor_user_id` is who acts (recorded on movements); None for the system."""

    def __init__(
        self, session: AsyncSession, runtime: Runtime, store_id: int, *, actor_user_id: int | None = None
    ) -> None:
        self.session = session
        self.rt = runtime
        self.store_id = store_id
        self.actor_user_id = actor_user_id
        self.repo = InventoryRepository(session, store_id)

    # --- reading ----------------------------------------------------------------------------------------------

    async def list(self, filters: InventoryFilters, params: PageParams) -> tuple[list[InventoryRow], InventoryListMeta]:
        rows, next_cursor = await self.repo.page(filters, params)
        count, on_hand, reserved, available = await self.repo.totals(filters)
        meta = InventoryListMeta(
            next_cursor=next_cursor,
            total=count,
            total_on_hand=on_hand,
            total_reserved=reserved,
            total_available=available,
        )
        return [row_out(row) for row in rows], meta

    async def movements(
        self, filters: MovementFilters, params: PageParams
    ) -> tuple[builtins.list[MovementOut], str | None]:
        rows, next_cursor = await self.repo.movements_page(filters, params)
        return [movement_out(row) for row in rows], next_cursor

    # --- a seller's changes -----------------------------------------------------------------------------------

    async def update(self, data: InventoryUpdateIn) -> InventoryUpdateOut:
        """All lines or none: every line is checked, and one bad line fails the request naming that line."""
        keys = [(line.variant_id, line.warehouse_id) for line in data.lines]
        errors = self._duplicate_lines(keys)
        variants = await self.repo.live_variants([variant_id for variant_id, _ in keys])
        warehouses = await self.repo.shipping_warehouses()
        for index, (variant_id, warehouse_id) in enumerate(keys):
            if variant_id not in variants:
                errors.setdefault(f"lines.{index}.variant_id", "not found in this store")
            if warehouse_id not in warehouses:
                errors.setdefault(f"lines.{index}.warehouse_id", "is not a warehouse this store ships from")
        if errors:
            raise ValidationFailed(fields=errors)

        now = self.rt.clock.now()
        await self.repo.ensure_stock_rows(keys, now)
        stocks = await self.repo.lock_stocks(keys)

        records: list[dict[str, Any]] = []
        for index, line in enumerate(data.lines):
            stock = stocks[keys[index]]
            if line.set_to is not None:
                new_on_hand, field = line.set_to, "set"
            else:
                assert line.adjust is not None
                new_on_hand, field = stock.on_hand + line.adjust, "adjust"
            problem = self._check_on_hand(stock, new_on_hand)
            if problem:
                errors[f"lines.{index}.{field}"] = problem
                continue
            if new_on_hand == stock.on_hand:  # a `set` to what is already there: nothing to record
                continue
            records.append(
                self._movement(
                    keys[index],
                    data.reason,
                    on_hand=new_on_hand - stock.on_hand,
                    reserved=0,
                    after=(new_on_hand, stock.reserved),
                    note=line.note or data.note,
                    order_id=None,
                    now=now,
                )
            )
            stock.on_hand = new_on_hand
            stock.updated_at = now
        if errors:
            raise ValidationFailed(fields=errors)  # the request rolls back: the zero rows made above go too

        await self.session.flush()  # the changed stock rows, in one executemany UPDATE
        movement_ids = await self.repo.add_movements(records)
        rows = []
        for variant_id, warehouse_id in keys:
            stock, variant = stocks[(variant_id, warehouse_id)], variants[variant_id]
            rows.append(
                from_row(  # the stock row's counts, the variant's and product's names
                    UpdatedRow,
                    stock,
                    **variant._asdict(),
                    warehouse=WarehouseRef(id=warehouse_id, name=warehouses[warehouse_id]),
                    available=stock.on_hand - stock.reserved,
                    movement_id=movement_ids.get((variant_id, warehouse_id)),
                )
            )
        return InventoryUpdateOut(rows=rows, movement_ids=[row.movement_id for row in rows if row.movement_id])

    def _movement(
        self,
        key: Key,
        reason: str,
        *,
        on_hand: int,
        reserved: int,
        after: tuple[int, int],
        note: str | None,
        order_id: int | None,
        now: datetime,
    ) -> dict[str, Any]:
        return {
            "variant_id": key[0],
            "warehouse_id": key[1],
            "reason": reason,
            "delta_on_hand": on_hand,
            "delta_reserved": reserved,
            "on_hand_after": after[0],
            "reserved_after": after[1],
            "note": note,
            "actor_user_id": self.actor_user_id,
            "order_id": order_id,
            "created_at": now,
        }

    @staticmethod
    def _duplicate_lines(keys: Sequence[Key]) -> dict[str, str]:
        first_seen: dict[Key, int] = {}
        errors: dict[str, str] = {}
        for index, key in enumerate(keys):
            if key in first_seen:
                errors[f"lines.{index}.variant_id"] = (
                    f"repeats line {first_seen[key]} (same variant and warehouse); send each pair once"
                )
            else:
                first_seen[key] = index
        return errors

    @staticmethod
    def _check_on_hand(stock: Stock, new_on_hand: int) -> str | None:
        if new_on_hand < stock.reserved:
            return (
                f"would leave {new_on_hand} on hand, below the {stock.reserved} reserved for orders "
                f"(on hand now {stock.on_hand})"
            )
        if new_on_hand > MAX_STOCK:
            return (
                f"would make {new_on_hand:,} on hand, above the maximum of {MAX_STOCK:,} (on hand now {stock.on_hand})"
            )
        return None

    # --- orders (step 3 calls these inside its own transaction) -----------------------------------------------

    async def reserve(self, lines: Iterable[StockLine], order_id: int) -> builtins.list[StockMovement]:
        """Holds stock for an order: reserved += qty where at least qty is available. All lines or none: when
        some line does not fit, nothing is changed and InsufficientStock (409) lists every line that did not."""
        return await self._apply(lines, order_id, _RESERVE)

    async def release(self, lines: Iterable[StockLine], order_id: int) -> builtins.list[StockMovement]:
        """Gives back what an order held (canceled, returned before shipping): reserved −= qty."""
        return await self._apply(lines, order_id, _RELEASE)

    async def ship(self, lines: Iterable[StockLine], order_id: int) -> builtins.list[StockMovement]:
        """The held units leave the warehouse: on_hand −= qty and reserved −= qty."""
        return await self._apply(lines, order_id, _SHIP)

    async def restock(self, lines: Iterable[StockLine], order_id: int) -> builtins.list[StockMovement]:
        """A shipped order came back (returned to sender): its units are in the warehouse again, on_hand += qty."""
        return await self._apply(lines, order_id, _RESTOCK)

    async def _apply(
        self,
        lines: Iterable[StockLine],
        order_id: int,
        move: OrderMove,
    ) -> builtins.list[StockMovement]:
        reason, on_hand_sign, reserved_sign, condition = move
        totals = _sum_lines(lines)
        now = self.rt.clock.now()
        failed: list[Key] = []
        records: list[dict[str, Any]] = []
        # A savepoint, so that a refusal leaves the caller's transaction exactly as it was.
        savepoint = await self.session.begin_nested()
        for key, qty in totals.items():  # key order: concurrent orders lock shared rows in the same order
            after = await self.repo.change_if(
                key, on_hand=on_hand_sign * qty, reserved=reserved_sign * qty, condition=condition(qty), now=now
            )
            if after is None:
                failed.append(key)
            elif not failed:
                records.append(
                    self._movement(
                        key,
                        reason,
                        on_hand=on_hand_sign * qty,
                        reserved=reserved_sign * qty,
                        after=after,
                        note=None,
                        order_id=order_id,
                        now=now,
                    )
                )
        if failed:
            await savepoint.rollback()
            raise await self._refusal(reason, failed, totals)
        ids = await self.repo.add_movements(records)
        await savepoint.commit()
        return [
            StockMovement(
                id=ids[(record["variant_id"], record["warehouse_id"])],
                variant_id=record["variant_id"],
                warehouse_id=record["warehouse_id"],
                delta_on_hand=record["delta_on_hand"],
                delta_reserved=record["delta_reserved"],
                on_hand_after=record["on_hand_after"],
                reserved_after=record["reserved_after"],
            )
            for record in records
        ]

    async def _refusal(self, reason: str, failed: builtins.list[Key], totals: dict[Key, int]) -> Conflict:
        counters = await self.repo.counters(failed)
        if reason == "order_reserved":
            shortages = []
            for key in failed:
                on_hand, reserved = counters.get(key, (0, 0))
                shortages.append(Shortage(key[0], key[1], totals[key], on_hand - reserved))
            return InsufficientStock(shortages)
        return Conflict(
            "Fewer units are reserved than the order gives back or ships: "
            + ", ".join(
                f"variant {key[0]} (warehouse {key[1]}): {totals[key]} asked, {counters.get(key, (0, 0))[1]} reserved"
                for key in failed
            ),
            code=InventoryError.reservation_mismatch,
        )
