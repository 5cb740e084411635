"""Response shapes of forms, built in a fixed number of queries whatever the number of forms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bosonline.form.repository import FormRepository
from bosonline.form.rules import fields_of
from bosonline.form.schemas import FieldsOut, FormItemOut, FormOut, PriceRange, SuccessSummaryOut
from bosonline.form.success import success_page_of
from bosonline.kit.links import public_form_url
from bosonline.models import Form, FormItem, Product, ProductVariant
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext


def _status(row: Product | ProductVariant) -> str:
    return "archived" if row.archived_at is not None else row.status


@dataclass(frozen=True)
class FormExtras:
    """What forms' outputs need besides the form rows, loaded for many forms at once."""

    items: Mapping[int, list[FormItem]]
    products: Mapping[int, Product]
    variants: Mapping[int, ProductVariant]
    order_counts: Mapping[int, int]

    def item_out(self, item: FormItem) -> FormItemOut:
        product = self.products.get(item.product_id)
        variant = self.variants.get(item.variant_id) if item.variant_id else None
        if variant is not None:
            price = PriceRange(min=variant.price, max=variant.price)
        else:
            price = PriceRange(min=product.price_min, max=product.price_max) if product else PriceRange(min=0, max=0)
        return FormItemOut(
            id=item.id,
            product_id=item.product_id,
            product_name=product.name if product else "",
            product_status=_status(product) if product else "archived",
            variant_id=item.variant_id,
            variant_name=variant.name if variant else None,
            variant_status=_status(variant) if variant else None,
            price=price,
            default_quantity=item.default_quantity,
        )

    def names(self, form_id: int) -> list[str]:
        """Each item as `Product` or `Product (Variant)`, in order (for downloads)."""
        names = []
        for item in self.items.get(form_id, []):
            out = self.item_out(item)
            names.append(f"{out.product_name} ({out.variant_name})" if out.variant_name else out.product_name)
        return names


async def load_extras(repo: FormRepository, form_ids: Sequence[int]) -> FormExtras:
    items = await repo.items_of(form_ids)
    every_item = [item for form_items in items.values() for item in form_items]
    return FormExtras(
        items=items,
        products=await repo.products(item.product_id for item in every_item),
        variants=await repo.variants(item.variant_id for item in every_item if item.variant_id),
        order_counts=await repo.order_counts(form_ids),
    )


def public_url(runtime: Runtime, ctx: StoreContext, form: Form) -> str:
    return public_form_url(runtime.settings, ctx.store.subdomain, form.slug or "", host=ctx.store.public_host)


class FormViews:
    def __init__(self, repo: FormRepository, runtime: Runtime, ctx: StoreContext) -> None:
        self.repo = repo
        self.rt = runtime
        self.ctx = ctx

    async def outs(self, forms: Sequence[Form]) -> list[FormOut]:
        extras = await load_extras(self.repo, [form.id for form in forms])
        return [self._out(form, extras) for form in forms]

    async def out(self, form: Form) -> FormOut:
        return (await self.outs([form]))[0]

    def _out(self, form: Form, extras: FormExtras) -> FormOut:
        success = success_page_of(form)
        return FormOut(
            id=form.id,
            slug=form.slug or "",
            title=form.title,
            description=form.description,
            status=form.status,
            items=[extras.item_out(item) for item in extras.items.get(form.id, [])],
            fields=FieldsOut(**fields_of(form)),
            payment_methods=list(form.payment_methods),
            couriers=list(form.couriers),
            accept_vouchers=form.accept_vouchers,
            show_stock=form.show_stock,
            max_quantity=form.max_quantity,
            meta_pixel_id=form.meta_pixel_id,
            tiktok_pixel_id=form.tiktok_pixel_id,
            success_page=SuccessSummaryOut(mode=success.mode, is_custom=success.is_custom),
            public_url=public_url(self.rt, self.ctx, form),
            orders_count=extras.order_counts.get(form.id, 0),
            created_at=form.created_at,
            updated_at=form.updated_at,
        )
