"""All SQL of checkout forms. Every statement starts from the request's store; deleted forms are invisible."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Select, func, or_, select

from bosonline.kit.pagination import Page, PageParams, count_rows, keyset_page
from bosonline.models import Form, FormItem, Order, Product, ProductVariant
from bosonline.tenancy import RowRepository


class FormRepository(RowRepository[Form]):
    model = Form

    def rows(self) -> Select[Form]:
        """Live forms: deleted ones are invisible."""
        return self.scoped(Form).where(Form.deleted_at.is_(None))

    def filtered(self, *, status: str | None, q: str | None, product_id: int | None) -> Select[Form]:
        """Live forms matching a list's filters (used by the list, its total and the download)."""
        stmt = self.rows()
        if status:
            stmt = stmt.where(Form.status == status)
        if q:
            stmt = stmt.where(
                or_(
                    func.lower(Form.title).contains(q.lower(), autoescape=True),
                    Form.slug.contains(q.lower(), autoescape=True),
                )
            )
        if product_id:
            stmt = stmt.where(
                Form.id.in_(
                    select(FormItem.form_id).where(
                        FormItem.store_id == self.ctx.store_id, FormItem.product_id == product_id
                    )
                )
            )
        return stmt

    async def page(self, params: PageParams, stmt: Select[Form]) -> tuple[Page[Form], int]:
        total = await count_rows(self.session, stmt)
        return await keyset_page(self.session, stmt, [Form.id], params, descending=True), total

    async def slugs(self) -> set[str]:
        """Slugs in use in the store: at most one per live form (deleted forms gave theirs up)."""
        rows = await self.session.scalars(
            select(Form.slug).where(Form.store_id == self.ctx.store_id, Form.slug.is_not(None))
        )
        return {slug for slug in rows.all() if slug}

    async def slug_holder(self, slug: str) -> int | None:
        return await self.session.scalar(select(Form.id).where(Form.store_id == self.ctx.store_id, Form.slug == slug))

    async def delete_rows(self, rows: Sequence[Any]) -> None:
        for row in rows:
            await self.session.delete(row)
        await self.session.flush()

    # --- items and what they point at ---------------------------------------------------------------------------

    async def items_of(self, form_ids: Iterable[int]) -> dict[int, list[FormItem]]:
        in_order = self.scoped(FormItem).order_by(FormItem.form_id, FormItem.position, FormItem.id)
        return await self.grouped(in_order, FormItem.form_id, form_ids)

    async def products(self, product_ids: Iterable[int]) -> dict[int, Product]:
        """The store's products with these ids, archived ones included (the caller decides)."""
        return await self.keyed(self.scoped(Product), Product, product_ids)

    async def variants(self, variant_ids: Iterable[int]) -> dict[int, ProductVariant]:
        """The store's variants with these ids, archived ones included (the caller decides)."""
        return await self.keyed(self.scoped(ProductVariant), ProductVariant, variant_ids)

    async def order_counts(self, form_ids: Iterable[int]) -> dict[int, int]:
        return await self.count_per(Order.form_id, form_ids)
