"""Moving orders through the status table (order/state.py), one or many at once, with what each move does:

- stock (state.stock_effect): cancel of a placed order releases its reservation, shipped consumes it (the units
  leave the warehouse), rts puts the units back on hand. Lines whose variant was deleted since are skipped.
- vouchers: cancel (always before shipping: canceled is only reachable from there) gives back the voucher use,
  so the quota is not lost (voucher/release.py).
- the order: status, status_changed_at, shipped_at (first shipment only), a `status_changed` event with who,
  from, to and note, the recap counters and the webhooks, all through the OrderTimeline.

A bulk change treats each id on its own: ids the caller cannot see, moves the table refuses and stock that does not
match (each order's stock step runs in its own savepoint, so a refusal undoes only that order's step) are reported
per id, and every other order is changed. Its statements do not grow with the number of orders beyond each
order's own stock statements: one locking read of all the orders (id order), one read of all their lines, one
DELETE + one UPDATE for their vouchers, the orders' UPDATE and events' INSERT in one flush, then the counters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import AppError, CommonError, Conflict
from bosonline.inventory.service import InventoryService, StockLine
from bosonline.models import Order, OrderLine
from bosonline.order.detail_service import OrderDetails
from bosonline.order.repository import OrderRepository
from bosonline.order.schemas import OrderDetailOut
from bosonline.order.state import StockEffect, check_transition, stock_effect
from bosonline.order.status_schemas import (
    BulkStatusChangeIn,
    BulkStatusError,
    BulkStatusOut,
    BulkStatusResult,
    StatusChangeIn,
)
from bosonline.order.timeline import Actor, OrderTimeline
from bosonline.runtime import Runtime
from bosonline.tenancy import RepositoryService, StoreContext
from bosonline.voucher.release import release_vouchers

NOT_FOUND = BulkStatusError(code=CommonError.not_found, message="Record not found")


def stock_lines(order: Order, lines: Sequence[OrderLine]) -> list[StockLine]:
    """The order's claims on stock: lines whose variant still exists, in the line's warehouse (or the order's)."""
    claims = []
    for line in lines:
        warehouse_id = line.warehouse_id or order.warehouse_id
        if line.variant_id is not None and warehouse_id is not None and line.quantity > 0:
            claims.append(StockLine(line.variant_id, warehouse_id, line.quantity))
    return claims


@dataclass
class _Move:
    order: Order
    from_status: str


class OrderStatusService(RepositoryService[OrderRepository]):
    repository = OrderRepository

    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        super().__init__(session, runtime, ctx)
        self.inventory = InventoryService(session, runtime, ctx.store_id, actor_user_id=ctx.user_id)

    def _timeline(self) -> OrderTimeline:
        return OrderTimeline(self.session, self.rt, self.ctx.store, Actor.of(self.ctx))

    async def change(self, order_id: int, body: StatusChangeIn) -> OrderDetailOut:
        """One order: 404 when the caller cannot see it, 409 `invalid_transition` (naming the allowed next
        statuses) or `reservation_mismatch`; otherwise changed, and its detail."""
        order = await self.repo.get(order_id, for_update=True)
        check_transition(order.status, body.status)
        if stock_effect(order.status, body.status) != StockEffect.none:
            lines = await self.repo.lines_of([order.id])
            await self._stock(order, body.status, lines[order.id])  # raises: the request rolls back
        timeline = self._timeline()
        await self._finish([_Move(order, order.status)], body, timeline)
        await timeline.finish()
        return await OrderDetails(self.session, self.rt, self.ctx).of(order)

    async def change_many(self, body: BulkStatusChangeIn) -> BulkStatusOut:
        orders = await self.repo.get_many(body.ids, for_update=True)
        errors: dict[int, BulkStatusError] = {}
        movable: list[Order] = []
        order: Order | None  # each of `orders`, then each of the ids asked for (one may be missing)
        for order in orders.values():  # id order: the order the rows were locked in
            try:
                check_transition(order.status, body.status)
            except Conflict as refusal:
                errors[order.id] = BulkStatusError(code=refusal.code, message=refusal.message)
            else:
                movable.append(order)
        with_stock = [order for order in movable if stock_effect(order.status, body.status) != StockEffect.none]
        lines = await self.repo.lines_of([order.id for order in with_stock])
        moves: list[_Move] = []
        for order in movable:
            try:
                await self._stock(order, body.status, lines.get(order.id, []))
            except AppError as refusal:  # its savepoint is rolled back: the other orders' steps stand
                errors[order.id] = BulkStatusError(code=refusal.code, message=refusal.message)
            else:
                moves.append(_Move(order, order.status))
        timeline = self._timeline()
        await self._finish(moves, body, timeline)
        await timeline.finish()

        results = []
        changed = {move.order.id: move.from_status for move in moves}
        for order_id in body.ids:
            order = orders.get(order_id)
            if order is None:
                results.append(BulkStatusResult(id=order_id, ok=False, error=NOT_FOUND))
            elif order_id in changed:
                results.append(
                    BulkStatusResult(id=order_id, ok=True, from_status=changed[order_id], status=order.status)
                )
            else:
                results.append(BulkStatusResult(id=order_id, ok=False, status=order.status, error=errors[order_id]))
        return BulkStatusOut(results=results, changed=len(changed), failed=len(results) - len(changed))

    async def _stock(self, order: Order, target: str, lines: Sequence[OrderLine]) -> None:
        """The stock step of `order.status → target` (in a savepoint of its own; raises a 409 on mismatch)."""
        effect = stock_effect(order.status, target)
        claims = stock_lines(order, lines) if effect != StockEffect.none else []
        if not claims:
            return
        if effect == StockEffect.release:
            await self.inventory.release(claims, order.id)
        elif effect == StockEffect.ship:
            await self.inventory.ship(claims, order.id)
        elif effect == StockEffect.restock:
            await self.inventory.restock(claims, order.id)

    async def _finish(self, moves: list[_Move], body: StatusChangeIn, timeline: OrderTimeline) -> None:
        """Vouchers of canceled orders, then the orders themselves and their events (flushed together)."""
        if not moves:
            return
        if body.status == "canceled":
            await release_vouchers(self.session, self.ctx.store_id, [move.order.id for move in moves])
        now = timeline.now
        for move in moves:
            order = move.order
            timeline.before(order)
            order.status = body.status
            order.status_changed_at = now
            if body.status == "shipped" and order.shipped_at is None:
                order.shipped_at = now
            timeline.record(
                order, "status_changed", from_status=move.from_status, to_status=body.status, note=body.note
            )
        await self.session.flush()
