"""Rules of checkout forms: the catalog items they offer, slugs, the per-store limit, duplication, deletion."""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import Conflict, ValidationFailed, conflict_for, found
from bosonline.form import rules
from bosonline.form.errors import FormError
from bosonline.form.presenters import FormViews
from bosonline.form.repository import FormRepository
from bosonline.form.schemas import FormIn, FormItemIn, FormOut, PlaceholderOut, SuccessPageIn, SuccessPageOut
from bosonline.form.success import SUCCESS_TEXTS, missing_texts, success_page_of
from bosonline.kit.attributes import attributes
from bosonline.kit.pagination import Page, PageParams
from bosonline.kit.placeholders import PLACEHOLDERS
from bosonline.kit.schemas import from_row
from bosonline.models import Form, FormItem
from bosonline.models.form import FORM_SLUG_UNIQUE
from bosonline.runtime import Runtime
from bosonline.tenancy import ScopedService, StoreContext

_COPIED = (
    "description", "fields", "payment_methods", "couriers", "accept_vouchers", "show_stock", "max_quantity",
    "meta_pixel_id", "tiktok_pixel_id", "success_mode", "success_page",
)  # fmt: skip
_ITEM_COPIED = ("product_id", "variant_id", "default_quantity", "position")


class FormService(ScopedService):
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        super().__init__(session, runtime, ctx)
        self.repo = FormRepository(session, ctx)
        self.views = FormViews(self.repo, runtime, ctx)

    # --- reads ------------------------------------------------------------------------------------------------

    async def list(
        self, params: PageParams, *, status: str | None, q: str | None, product_id: int | None
    ) -> tuple[list[FormOut], Page[Form], int]:
        page, total = await self.repo.page(params, self.repo.filtered(status=status, q=q, product_id=product_id))
        return await self.views.outs(page.items), page, total

    async def get(self, form_id: int) -> FormOut:
        return await self.views.out(await self._form(form_id))

    # --- writes -----------------------------------------------------------------------------------------------

    async def create(self, data: FormIn) -> FormOut:
        await self._check_body(data)
        await self.repo.lock_store()
        await self._check_room(1)
        if data.slug:
            slug = await self._explicit_slug(data.slug, form_id=None)
        else:
            slug = rules.free_slug(rules.slugify(data.title), await self.repo.slugs())
        now = self.rt.clock.now()
        form = Form(slug=slug, created_at=now)
        self._apply(form, data, now)
        await self.repo.insert_all([form])
        await self.repo.insert_all([self._item(form.id, position, item) for position, item in enumerate(data.items)])
        return await self.views.out(form)

    async def update(self, form_id: int, data: FormIn) -> FormOut:
        form = await self._form(form_id, for_update=True)
        await self._check_body(data)
        if data.slug and data.slug != form.slug:
            form.slug = await self._explicit_slug(data.slug, form_id=form.id)
        self._apply(form, data, self.rt.clock.now())
        # Items keep their ids when the same product and variant stay on the form.
        existing = {(item.product_id, item.variant_id): item for item in (await self.repo.items_of([form.id]))[form.id]}
        new_items = []
        for position, wanted in enumerate(data.items):
            current = existing.pop((wanted.product_id, wanted.variant_id), None)
            if current is None:
                new_items.append(self._item(form.id, position, wanted))
            else:
                current.position, current.default_quantity = position, wanted.default_quantity
        await self.repo.delete_rows(list(existing.values()))
        await self.repo.insert_all(new_items)
        return await self.views.out(form)

    async def set_status(self, form_id: int, status: str) -> FormOut:
        form = await self._form(form_id)
        await self._set_status(form, status, touch_unchanged=True)
        return await self.views.out(form)

    async def delete(self, form_id: int) -> None:
        """Soft delete: orders placed through the form keep pointing at it; its slug is freed."""
        form = await self._form(form_id, for_update=True)
        now = self.rt.clock.now()
        form.deleted_at, form.slug, form.status, form.updated_at = now, None, "inactive", now
        await self.session.flush()

    async def duplicate(self, form_id: int) -> FormOut:
        source = await self._form(form_id)
        return (await self._copy([source]))[0]

    async def duplicate_many(self, form_ids: Sequence[int]) -> builtins.list[FormOut]:
        """All or nothing: every id must be a form of the store."""
        if errors := rules.repeated_ids(form_ids):
            raise ValidationFailed(fields=errors)
        found = await self.repo.get_many(form_ids)
        if missing := {f"ids.{i}": "is not a form of this store" for i, fid in enumerate(form_ids) if fid not in found}:
            raise ValidationFailed(fields=missing)
        return await self._copy([found[form_id] for form_id in form_ids])

    # --- success page -----------------------------------------------------------------------------------------

    async def success_page(self, form_id: int) -> SuccessPageOut:
        return self._success_out(await self._form(form_id))

    async def save_success_page(self, form_id: int, data: SuccessPageIn, *, create: bool) -> SuccessPageOut:
        """`create`: refused when the form already has its own page (409); else the page is replaced."""
        texts = {name: getattr(data, name) for name in SUCCESS_TEXTS}
        if errors := missing_texts(data.mode, texts):
            raise ValidationFailed(fields=errors)
        form = await self._form(form_id, for_update=True)
        if create and form.success_mode is not None:
            raise Conflict(
                "This form already has a custom success page; edit it with PUT", code=FormError.success_page_exists
            )
        form.success_mode = data.mode
        form.success_page = {name: text for name, text in texts.items() if text is not None}
        form.updated_at = self.rt.clock.now()
        await self.session.flush()
        return self._success_out(form)

    def _success_out(self, form: Form) -> SuccessPageOut:
        placeholders = [PlaceholderOut(name=name, description=why) for name, why in PLACEHOLDERS.items()]
        return from_row(SuccessPageOut, success_page_of(form), placeholders=placeholders)

    # --- helpers ----------------------------------------------------------------------------------------------

    async def _form(self, form_id: int, *, for_update: bool = False) -> Form:
        return found(await self.repo.get(form_id, for_update=for_update))

    async def _check_room(self, adding: int) -> None:
        if await self.repo.count() + adding > rules.MAX_FORMS:
            raise Conflict(f"A store can have at most {rules.MAX_FORMS} forms", code=FormError.form_limit)

    async def _explicit_slug(self, slug: str, *, form_id: int | None) -> str:
        holder = await self.repo.slug_holder(slug)
        if holder is not None and holder != form_id:
            raise conflict_for(FORM_SLUG_UNIQUE)
        return slug

    async def _check_body(self, data: FormIn) -> None:
        """422 naming the field for repeated entries, quantities over the bound, and items that are not live
        products (and variants of them) of the store: two queries, whatever the number of items."""
        errors = rules.body_errors(
            [(item.product_id, item.variant_id, item.default_quantity) for item in data.items],
            max_quantity=data.max_quantity,
            payment_methods=data.payment_methods,
            couriers=data.couriers,
        )
        products = await self.repo.products(item.product_id for item in data.items)
        variants = await self.repo.variants(item.variant_id for item in data.items if item.variant_id)
        for index, item in enumerate(data.items):
            product = products.get(item.product_id)
            if product is None or product.archived_at is not None:
                errors.setdefault(f"items.{index}.product_id", "is not a product of this store")
                continue
            if item.variant_id is None:
                continue
            variant = variants.get(item.variant_id)
            if variant is None or variant.product_id != product.id or variant.archived_at is not None:
                errors.setdefault(f"items.{index}.variant_id", "is not a variant of this product")
        if errors:
            raise ValidationFailed(fields=errors)

    def _apply(self, form: Form, data: FormIn, now: datetime) -> None:
        form.title = data.title
        form.description = data.description
        form.status = data.status
        form.fields = data.fields.model_dump()
        form.payment_methods = list(data.payment_methods)
        form.couriers = list(data.couriers)
        form.accept_vouchers = data.accept_vouchers
        form.show_stock = data.show_stock
        form.max_quantity = data.max_quantity
        form.meta_pixel_id = data.meta_pixel_id
        form.tiktok_pixel_id = data.tiktok_pixel_id
        form.updated_at = now

    def _item(self, form_id: int, position: int, item: FormItemIn) -> FormItem:
        return FormItem(
            form_id=form_id,
            product_id=item.product_id,
            variant_id=item.variant_id,
            default_quantity=item.default_quantity,
            position=position,
        )

    async def _copy(self, sources: Sequence[Form]) -> builtins.list[FormOut]:
        """Copies with their items and success page, `inactive`, titled `… (Copy)`, slugged `<slug>-copy`
        (then `-copy-2`…)."""
        await self.repo.lock_store()
        await self._check_room(len(sources))
        taken = await self.repo.slugs()
        now = self.rt.clock.now()
        copies = []
        for source in sources:
            slug = rules.free_slug(source.slug or rules.slugify(source.title), taken, tail="-copy")
            taken.add(slug)
            title = rules.copy_title(source.title)
            copies.append(
                Form(
                    slug=slug,
                    title=title,
                    status="inactive",
                    created_at=now,
                    updated_at=now,
                    **attributes(source, _COPIED),
                )
            )
        await self.repo.insert_all(copies)
        items = await self.repo.items_of(source.id for source in sources)
        await self.repo.insert_all(
            [
                FormItem(form_id=copy.id, **attributes(item, _ITEM_COPIED))
                for source, copy in zip(sources, copies, strict=True)
                for item in items[source.id]
            ]
        )
        return await self.views.outs(copies)
