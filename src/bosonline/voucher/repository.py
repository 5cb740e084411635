"""All SQL of vouchers. Every statement is limited to one store.

Not a `ScopedRepository` over a `StoreContext`: the public checkout quotes and redeems vouchers for buyers, who are
not members of the store, so the scope is the store id itself (`_live()` below plays the part of `scoped()`).
Deleted vouchers (`deleted_at` set) are invisible to every read here.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Row,
    Select,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    not_,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import row_of, values_by_key
from bosonline.kit.pagination import Page, PageParams, count_rows, keyset_page
from bosonline.models import Product, Voucher, VoucherProduct, VoucherRedemption


def _started(now: datetime) -> ColumnElement[bool]:
    return or_(Voucher.starts_at.is_(None), Voucher.starts_at <= now)


def _not_ended(now: datetime) -> ColumnElement[bool]:
    return or_(Voucher.ends_at.is_(None), Voucher.ends_at > now)


def _quota_left() -> ColumnElement[bool]:
    return or_(Voucher.quota_total.is_(None), Voucher.used_count < Voucher.quota_total)


def state_condition(state: str, now: datetime) -> ColumnElement[bool]:
    """The SQL of rules.state_of(): scheduled, then expired, then exhausted, else running."""
    if state == "scheduled":
        return not_(_started(now))
    if state == "expired":
        return and_(_started(now), not_(_not_ended(now)))
    if state == "exhausted":
        return and_(_started(now), _not_ended(now), not_(_quota_left()))
    return and_(_started(now), _not_ended(now), _quota_left())


def usable(now: datetime) -> ColumnElement[bool]:
    """Active, in its window, not used up."""
    return and_(Voucher.status == "active", _started(now), _not_ended(now), _quota_left())


def _matches(q: str) -> ColumnElement[bool]:
    """Code or name contains `q`, case-insensitively and literally (% and _ are text)."""
    return or_(
        Voucher.code_key.contains(q.upper(), autoescape=True),
        func.lower(Voucher.name).contains(q.lower(), autoescape=True),
    )


class VoucherRepository:
    def __init__(self, session: AsyncSession, store_id: int) -> None:
        self.session = session
        self.store_id = store_id

    def _live(self) -> Select[Voucher]:
        return select(Voucher).where(Voucher.store_id == self.store_id, Voucher.deleted_at.is_(None))

    # Reads -------------------------------------------------------------------------------------------------

    async def page(
        self, params: PageParams, *, status: str | None, state: str | None, q: str | None, now: datetime
    ) -> tuple[Page[Voucher], int]:
        stmt = self._live()
        if status:
            stmt = stmt.where(Voucher.status == status)
        if state:
            stmt = stmt.where(state_condition(state, now))
        if q:
            stmt = stmt.where(_matches(q))
        total = await count_rows(self.session, stmt)
        return await keyset_page(self.session, stmt, [Voucher.id], params, descending=True), total

    async def get(self, voucher_id: int, *, for_update: bool = False) -> Voucher | None:
        return await row_of(self.session, self._live().where(Voucher.id == voucher_id), for_update=for_update)

    async def fresh(self, voucher_id: int) -> Voucher | None:
        """The voucher as the database has it now, refreshing a copy the session already holds."""
        stmt = self._live().where(Voucher.id == voucher_id).execution_options(populate_existing=True)
        return await self.session.scalar(stmt)

    async def by_code(self, code_key: str) -> Voucher | None:
        return await self.session.scalar(self._live().where(Voucher.code_key == code_key))

    async def for_quote(self, code_key: str, phone: str | None) -> tuple[Voucher, list[int], int] | None:
        """The live voucher with this code, its product ids (ascending) and `phone`'s uses of it (0 without a
        phone), in one SELECT (checkout's hot path: one row per product, the voucher repeated)."""
        uses: Any = literal(0)
        if phone is not None:
            uses = (
                select(func.count())
                .where(VoucherRedemption.voucher_id == Voucher.id, VoucherRedemption.phone == phone)
                .scalar_subquery()
            )
        rows = (
            await self.session.execute(
                self._live()
                .add_columns(VoucherProduct.product_id, uses)
                .outerjoin(VoucherProduct, VoucherProduct.voucher_id == Voucher.id)
                .where(Voucher.code_key == code_key)
                .order_by(VoucherProduct.product_id)
            )
        ).all()
        if not rows:
            return None
        return rows[0][0], [int(row[1]) for row in rows if row[1] is not None], int(rows[0][2] or 0)

    async def code_holder(self, code_key: str) -> int | None:
        return await self.session.scalar(self._live().with_only_columns(Voucher.id).where(Voucher.code_key == code_key))

    async def product_ids_of(self, voucher_ids: Collection[int]) -> dict[int, list[int]]:
        """Each voucher's product ids, ascending, in one query."""
        stmt = select(VoucherProduct.voucher_id, VoucherProduct.product_id).order_by(
            VoucherProduct.voucher_id, VoucherProduct.product_id
        )
        return await values_by_key(self.session, stmt, VoucherProduct.voucher_id, voucher_ids)

    async def live_product_ids(self, product_ids: Collection[int]) -> set[int]:
        """Those of `product_ids` that are the store's products and not archived."""
        if not product_ids:
            return set()
        rows = await self.session.scalars(
            select(Product.id).where(
                Product.store_id == self.store_id,
                Product.archived_at.is_(None),
                Product.id.in_(list(product_ids)),
            )
        )
        return set(rows)

    async def was_redeemed(self, voucher_id: int) -> bool:
        found = await self.session.scalar(
            select(VoucherRedemption.id).where(VoucherRedemption.voucher_id == voucher_id).limit(1)
        )
        return found is not None

    async def redemptions_by(self, voucher_id: int, phone: str) -> int:
        return int(
            await self.session.scalar(
                select(func.count())
                .select_from(VoucherRedemption)
                .where(VoucherRedemption.voucher_id == voucher_id, VoucherRedemption.phone == phone)
            )
            or 0
        )

    async def on_checkout(self, product_ids: Collection[int], now: datetime) -> list[Voucher]:
        """Usable vouchers shown on the checkout page that apply to every product or to one of `product_ids`:
        one query, soonest ending first (open-ended last), then newest."""
        limited = exists().where(VoucherProduct.voucher_id == Voucher.id)
        applies = ~limited
        if product_ids:
            applies = or_(
                applies,
                exists().where(
                    VoucherProduct.voucher_id == Voucher.id, VoucherProduct.product_id.in_(list(product_ids))
                ),
            )
        stmt = (
            self._live()
            .where(Voucher.show_on_checkout.is_(True), usable(now), applies)
            .order_by(Voucher.ends_at.is_(None), Voucher.ends_at, Voucher.id.desc())
        )
        return list(await self.session.scalars(stmt))

    # Writes ------------------------------------------------------------------------------------------------

    async def add(self, voucher: Voucher) -> Voucher:
        voucher.store_id = self.store_id
        self.session.add(voucher)
        await self.session.flush()
        return voucher

    async def replace_products(self, voucher_id: int, product_ids: Collection[int]) -> None:
        await self.session.execute(delete(VoucherProduct).where(VoucherProduct.voucher_id == voucher_id))
        if product_ids:
            await self.session.execute(
                insert(VoucherProduct), [{"voucher_id": voucher_id, "product_id": pid} for pid in product_ids]
            )

    async def erase(self, voucher: Voucher) -> None:
        """Deletes the row and its product links."""
        await self.session.execute(delete(VoucherProduct).where(VoucherProduct.voucher_id == voucher.id))
        await self.session.delete(voucher)
        await self.session.flush()

    async def claim_use(self, voucher_id: int, now: datetime) -> Row[Any] | None:
        """The one conditional UPDATE that counts a use: only while the voucher is live, active, in its window and
        not used up. On PostgreSQL it holds the voucher's row lock until commit (a concurrent claim waits, then
        re-checks the quota against the committed count); SQLite write transactions are serialized already.
        Returns (quota_per_buyer,) or None when the voucher cannot be used."""
        result = await self.session.execute(
            update(Voucher)
            .where(
                Voucher.id == voucher_id,
                Voucher.store_id == self.store_id,
                Voucher.deleted_at.is_(None),
                usable(now),
            )
            # updated_at is the seller's last edit: a use must not move it (the column's onupdate would).
            .values(used_count=Voucher.used_count + 1, updated_at=Voucher.updated_at)
            .returning(Voucher.quota_per_buyer)
            .execution_options(synchronize_session=False)
        )
        return result.first()

    async def add_redemption(self, redemption: VoucherRedemption) -> None:
        redemption.store_id = self.store_id
        self.session.add(redemption)
        await self.session.flush()
