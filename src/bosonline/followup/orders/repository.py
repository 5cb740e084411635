"""All SQL of the per-order follow-ups (attempts list, Follow Up, an order's chats and history): orders the caller
may see (order/repository.py OrderRepository: a CS sees only their own unless `cs_sees_all_orders`), their
follow-up rows and templates, each read in one query whatever the number of orders."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any, get_args

from sqlalchemy import and_, exists, false, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from bosonline.followup.rules import TRIGGERS, still_applies
from bosonline.followup.template_sets import template_set
from bosonline.kit.pagination import Page, PageParams, keyset_page
from bosonline.models import FollowupChat, FollowupMessage, Order, OrderLine, Sku, WaIntegration
from bosonline.order.list_schemas import PaymentStatus
from bosonline.order.repository import OrderRepository
from bosonline.order.state import STATUSES

_PAYMENT_STATUSES: tuple[str, ...] = get_args(PaymentStatus)


@cache
def _applicable() -> tuple[tuple[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]], ...]:
    """rules.still_applies as a table: per trigger, the (statuses, payment statuses) groups in which a follow-up
    with that trigger applies (statuses that share the same payment statuses grouped together)."""
    table = []
    for trigger in TRIGGERS:
        by_payments: dict[tuple[str, ...], list[str]] = {}
        for status in STATUSES:
            payments = tuple(p for p in _PAYMENT_STATUSES if still_applies(trigger, status, p) is None)
            if payments:
                by_payments.setdefault(payments, []).append(status)
        table.append((trigger, tuple((tuple(statuses), payments) for payments, statuses in by_payments.items())))
    return tuple(table)


def applies_now(trigger: Any, status: Any, payment_status: Any) -> ColumnElement[bool]:
    """SQL of `rules.still_applies(trigger, status, payment_status) is None`, built from that function (one source
    of truth): a follow-up row that applies to its order in the order's current state."""
    every_payment = set(_PAYMENT_STATUSES)
    every_status = set(STATUSES)
    per_trigger = []
    for name, groups in _applicable():
        if len(groups) == 1 and set(groups[0][0]) == every_status and set(groups[0][1]) == every_payment:
            per_trigger.append(trigger == name)  # e.g. `abandoned`: whatever the order's state
            continue
        cases = [
            status.in_(statuses)
            if set(payments) == every_payment
            else and_(status.in_(statuses), payment_status.in_(payments))
            for statuses, payments in groups
        ]
        if cases:
            per_trigger.append(and_(trigger == name, or_(*cases)))
    return or_(*per_trigger) if per_trigger else false()


def has_text(payment_method: Any) -> ColumnElement[bool]:
    """SQL: the row's template (joined as FollowupChat) has a text for the order's payment category
    (rules.payment_category: bank_transfer, cod, anything else epayment)."""

    def filled(column: Any) -> ColumnElement[bool]:
        return func.length(func.trim(column)) > 0

    return or_(
        and_(payment_method == "bank_transfer", filled(FollowupChat.text_for_bank_transfer)),
        and_(payment_method == "cod", filled(FollowupChat.text_for_cod)),
        and_(payment_method.not_in(("bank_transfer", "cod")), filled(FollowupChat.text_for_epayment)),
    )


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


@dataclass(frozen=True)
class SkuRef:
    """What an SKU of the store names: a product (`variant_id` None: any of its variants) or one variant."""

    product_id: int
    variant_id: int | None


class FollowupOrderRepository(OrderRepository):
    async def sku_ref(self, sku: str) -> SkuRef | None:
        """The product or variant of the store holding this SKU (the store's SKU registry: case-insensitive, as
        SKUs are unique across products and variants), or None."""
        stmt = (
            self.scoped(Sku)
            .with_only_columns(Sku.product_id, Sku.variant_id)
            .where(Sku.sku_key == sku.upper())
            .limit(1)
        )
        found = (await self.session.execute(stmt)).first()
        return SkuRef(found.product_id, found.variant_id) if found is not None else None

    async def with_open_followups(self, sku: SkuRef | None, params: PageParams) -> Page[Order]:
        """Visible orders with a follow-up to do now, newest first: a `scheduled` row that applies to the order in
        its current state (not one waiting for a status the order has not reached) and whose template has a text
        for the order's payment category. With `sku`, only orders with a line of it: of the product (a
        product-level SKU, whatever the line's variant) or of the variant (a variant's SKU). Lines are matched by
        id, not by their `sku` text, which holds the variant's SKU when it has one."""
        waiting = (
            select(FollowupMessage.id)
            .join(
                FollowupChat,
                and_(FollowupChat.id == FollowupMessage.template_id, FollowupChat.store_id == self.ctx.store_id),
            )
            .where(
                FollowupMessage.store_id == self.ctx.store_id,
                FollowupMessage.status == "scheduled",
                FollowupMessage.order_id == Order.id,
                applies_now(FollowupMessage.trigger, Order.status, Order.payment_status),
                has_text(Order.payment_method),
            )
        )
        stmt = (await self.visible()).where(exists(waiting))
        if sku is not None:
            of_sku = (
                OrderLine.product_id == sku.product_id
                if sku.variant_id is None
                else OrderLine.variant_id == sku.variant_id
            )
            line = select(OrderLine.id).where(
                OrderLine.store_id == self.ctx.store_id, OrderLine.order_id == Order.id, of_sku
            )
            stmt = stmt.where(exists(line))
        return await keyset_page(self.session, stmt, [Order.id], params, descending=True)

    async def messages_of(self, order_ids: Sequence[int]) -> dict[int, list[FollowupMessage]]:
        return await messages_of(self.session, self.ctx.store_id, order_ids)

    async def templates(self, template_ids: Collection[int | None]) -> dict[int, FollowupChat]:
        return await self.by_ids(FollowupChat, template_ids)

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
        """The order's rows, locked (the dispatcher's claim and a CS's Follow Up do not cross), in step order.
        Locked in id order, as the dispatcher's record and the status webhooks lock rows: two transactions taking
        the same rows in different orders could deadlock."""
        stmt = (
            self.scoped(FollowupMessage)
            .where(FollowupMessage.order_id == order_id)
            .order_by(FollowupMessage.id)
            .with_for_update()
        )
        return sorted(await self.session.scalars(stmt), key=lambda row: (row.step, row.id))

    async def integrations(self, ids: Collection[int | None]) -> dict[int, WaIntegration]:
        return await self.by_ids(WaIntegration, ids)
