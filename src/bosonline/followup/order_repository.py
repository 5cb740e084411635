"""All SQL of the per-order follow-ups (attempts list, Follow Up, an order's chats and history): orders the caller
may see (order/repository.py OrderRepository: a CS sees only their own unless `cs_sees_all_orders`), their
follow-up rows and templates, each read in one query whatever the number of orders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.followup.template_sets import template_set
from bosonline.kit.pagination import Page, PageParams, keyset_page
from bosonline.models import FollowupChat, FollowupMessage, Order, OrderLine, Sku, WaIntegration
from bosonline.order.repository import OrderRepository


async def messages_of(
    session: AsyncSession, store_id: int, order_ids: Sequence[int]
) -> dict[int, list[FollowupMessage]]:
    """The follow-up rows of these orders, by step (one query)."""
    grouped: dict[int, list[FollowupMessage]] = defaultdict(list)
    if not order_ids:
        return grouped
    stmt = (
        select(FollowupMessage)
        .where(FollowupMessage.store_id == store_id, FollowupMessage.order_id.in_(list(order_ids)))
        .order_by(FollowupMessage.order_id, FollowupMessage.step, FollowupMessage.id)
    )
    for row in await session.scalars(stmt):
        grouped[row.order_id or 0].append(row)
    return grouped


class FollowupOrderRepository(OrderRepository):
    async def sku_known(self, sku: str) -> bool:
        """Whether a product or variant of the store holds this SKU (case-insensitive, as SKUs are unique)."""
        stmt = self.scoped(Sku).with_only_columns(Sku.id).where(Sku.sku_key == sku.upper()).limit(1)
        return await self.session.scalar(stmt) is not None

    async def with_open_followups(self, sku: str | None, params: PageParams) -> Page[Order]:
        """Visible orders with a follow-up still to do (a `scheduled` row), newest first; with `sku`, only those with
        a line of it."""
        waiting = select(FollowupMessage.id).where(
            FollowupMessage.store_id == self.ctx.store_id,
            FollowupMessage.status == "scheduled",
            FollowupMessage.order_id == Order.id,
        )
        stmt = (await self.visible()).where(exists(waiting))
        if sku:
            line = select(OrderLine.id).where(
                OrderLine.store_id == self.ctx.store_id,
                OrderLine.order_id == Order.id,
                func.lower(OrderLine.sku) == sku.lower(),
            )
            stmt = stmt.where(exists(line))
        return await keyset_page(self.session, stmt, [Order.id], params, descending=True)

    async def messages_of(self, order_ids: Sequence[int]) -> dict[int, list[FollowupMessage]]:
        return await messages_of(self.session, self.ctx.store_id, order_ids)

    async def templates(self, template_ids: Collection[int | None]) -> dict[int, FollowupChat]:
        ids = {i for i in template_ids if i}
        if not ids:
            return {}
        stmt = self.scoped(FollowupChat).where(FollowupChat.id.in_(ids))
        return {template.id: template for template in await self.session.scalars(stmt)}

    async def template_set_of(self, order: Order) -> list[FollowupChat]:
        """The order's templates in order (Follow Up 1, 2, …): two queries (its products, the candidates)."""
        product_ids = list(
            await self.session.scalars(
                select(OrderLine.product_id)
                .where(OrderLine.store_id == self.ctx.store_id, OrderLine.order_id == order.id)
                .order_by(OrderLine.position)
            )
        )
        seen: list[int] = []
        for product_id in product_ids:
            if product_id is not None and product_id not in seen:
                seen.append(product_id)
        return await template_set(self.session, self.ctx.store_id, seen)

    async def lock_messages(self, order_id: int) -> list[FollowupMessage]:
        """The order's rows, locked (the dispatcher's claim and a CS's Follow Up do not cross)."""
        stmt = (
            self.scoped(FollowupMessage)
            .where(FollowupMessage.order_id == order_id)
            .order_by(FollowupMessage.step, FollowupMessage.id)
            .with_for_update()
        )
        return list(await self.session.scalars(stmt))

    async def integrations(self, ids: Collection[int | None]) -> dict[int, WaIntegration]:
        wanted = {i for i in ids if i}
        if not wanted:
            return {}
        stmt = self.scoped(WaIntegration).where(WaIntegration.id.in_(wanted))
        return {row.id: row for row in await self.session.scalars(stmt)}
