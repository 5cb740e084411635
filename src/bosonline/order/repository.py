"""All SQL of the order back office that is shared by its use cases: the orders a caller may see, one order
(locked for a change), and what hangs off orders, read in one query per kind whatever the number of orders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import NotFound
from bosonline.models import (
    Order,
    OrderEvent,
    OrderLine,
    OrderPayment,
    OrderTracking,
    StoreMember,
    StoreSettings,
)
from bosonline.permissions import Role
from bosonline.tenancy import ScopedRepository, StoreContext

M = TypeVar("M", OrderLine, OrderEvent, OrderPayment, OrderTracking)


class OrderRepository(ScopedRepository):
    """Orders of the request's store that the caller may see: all of them for owners and admins; for a CS only
    the orders assigned to them, unless the store lets CS see every order (`cs_sees_all_orders`)."""

    def __init__(self, session: AsyncSession, ctx: StoreContext) -> None:
        super().__init__(session, ctx)
        self._cs_limited: bool | None = None

    async def cs_limited(self) -> bool:
        """True when the caller is a CS who sees only their own orders (one query, once, for CS callers)."""
        if self._cs_limited is None:
            if self.ctx.role != Role.cs:
                self._cs_limited = False
            else:
                sees_all = await self.session.scalar(
                    select(StoreSettings.cs_sees_all_orders).where(StoreSettings.store_id == self.ctx.store_id)
                )
                self._cs_limited = not sees_all
        return self._cs_limited

    async def restrict(self, stmt: Select[Any]) -> Select[Any]:
        """`stmt` (over orders) limited to what the caller may see."""
        if await self.cs_limited():
            stmt = stmt.where(Order.handler_id == self.ctx.member_id)
        return stmt

    async def visible(self) -> Select[Order]:
        return await self.restrict(self.scoped(Order))

    async def get(self, order_id: int, *, for_update: bool = False) -> Order:
        """The order, or 404 when it does not exist, belongs to another store, or is not the caller's to see.
        `for_update` locks the row until the transaction ends (changes to one order are serialized)."""
        stmt = (await self.visible()).where(Order.id == order_id)
        if for_update:
            stmt = stmt.with_for_update()
        order = await self.session.scalar(stmt)
        if order is None:
            raise NotFound()
        return order

    async def get_many(self, order_ids: Collection[int], *, for_update: bool = False) -> dict[int, Order]:
        """The visible ones among `order_ids`, locked in id order when `for_update` (no deadlock between two bulk
        changes of overlapping sets)."""
        if not order_ids:
            return {}
        stmt = (await self.visible()).where(Order.id.in_(order_ids)).order_by(Order.id)
        if for_update:
            stmt = stmt.with_for_update()
        return {order.id: order for order in await self.session.scalars(stmt)}

    async def _children(self, model: type[M], order_ids: Sequence[int], order_by: Any) -> dict[int, list[M]]:
        grouped: dict[int, list[M]] = defaultdict(list)
        if not order_ids:
            return grouped
        stmt = select(model).where(model.store_id == self.ctx.store_id, model.order_id.in_(order_ids))
        for row in await self.session.scalars(stmt.order_by(model.order_id, order_by)):
            grouped[row.order_id].append(row)
        return grouped

    async def lines_of(self, order_ids: Sequence[int]) -> dict[int, list[OrderLine]]:
        return await self._children(OrderLine, order_ids, OrderLine.position)

    async def events_of(self, order_ids: Sequence[int]) -> dict[int, list[OrderEvent]]:
        return await self._children(OrderEvent, order_ids, OrderEvent.id)

    async def payments_of(self, order_ids: Sequence[int]) -> dict[int, list[OrderPayment]]:
        return await self._children(OrderPayment, order_ids, OrderPayment.id)

    async def tracking_of(self, order_ids: Sequence[int]) -> dict[int, list[OrderTracking]]:
        return await self._children(OrderTracking, order_ids, OrderTracking.id)

    async def all_members(self) -> list[StoreMember]:
        """Everyone who is or was in the store (handlers of old orders may have left)."""
        return list(await self.session.scalars(self.scoped(StoreMember)))

    async def members(self, member_ids: Iterable[int | None]) -> dict[int, StoreMember]:
        ids = {member_id for member_id in member_ids if member_id}
        if not ids:
            return {}
        stmt = self.scoped(StoreMember).where(StoreMember.id.in_(ids))
        return {member.id: member for member in await self.session.scalars(stmt)}
