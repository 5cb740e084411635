"""Which follow-up templates an order gets: those of its first product (by line position) that has templates of
its own; otherwise the store's default set (templates without a product), followed by product templates marked
`is_default` (a default defined on a product, as in Scalev). Steps are the set's order: Follow Up 1, 2, 3, …"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.models import FollowupChat


def ordered(templates: Sequence[FollowupChat]) -> list[FollowupChat]:
    return sorted(templates, key=lambda t: (t.position, t.id))


async def template_set(session: AsyncSession, store_id: int, product_ids: Sequence[int]) -> list[FollowupChat]:
    """One query: the templates that apply to an order whose lines hold `product_ids` (in line order)."""
    candidates = list(
        await session.scalars(
            select(FollowupChat).where(
                FollowupChat.store_id == store_id,
                or_(
                    FollowupChat.product_id.in_(list(product_ids)) if product_ids else False,
                    FollowupChat.product_id.is_(None),
                    FollowupChat.is_default.is_(True),
                ),
            )
        )
    )
    return pick_set(candidates, product_ids)


def pick_set(candidates: Sequence[FollowupChat], product_ids: Sequence[int]) -> list[FollowupChat]:
    """The set out of candidate templates already loaded (batch callers load several orders' candidates at once)."""
    by_product: dict[int, list[FollowupChat]] = {}
    for template in candidates:
        if template.product_id is not None:
            by_product.setdefault(template.product_id, []).append(template)
    for product_id in product_ids:
        if product_id in by_product:
            return ordered(by_product[product_id])
    defaults = ordered([t for t in candidates if t.product_id is None])
    shared = sorted(
        (t for t in candidates if t.product_id is not None and t.is_default),
        key=lambda t: (t.product_id, t.position, t.id),
    )
    return defaults + shared
