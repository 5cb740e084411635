"""Form list Download: the store's forms as CSV or XLSX, read in batches through a session of the download's own
(the request's session is closed before the body streams)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from bosonline.form.presenters import load_extras, public_url
from bosonline.form.repository import FormRepository
from bosonline.kit.export import batched_rows
from bosonline.models import Form
from bosonline.runtime import Runtime
from bosonline.shipping.couriers import courier_name
from bosonline.tenancy import StoreContext

FORM_HEADER = [
    "id", "title", "slug", "status", "products", "payment_methods", "couriers", "accept_vouchers", "public_url",
    "orders", "created_at_store_time",
]  # fmt: skip
ALL_COURIERS = "all on the rate card"

Rows = AsyncIterator[list[Sequence[Any]]]


async def form_rows(
    runtime: Runtime, ctx: StoreContext, *, status: str | None, q: str | None, product_id: int | None
) -> Rows:
    zone = ZoneInfo(ctx.store.timezone)
    async with runtime.db.session(write=False) as session:
        repo = FormRepository(session, ctx)
        stmt = repo.filtered(status=status, q=q, product_id=product_id)
        async for batch in batched_rows(session, stmt, Form.id, lambda form: form):
            extras = await load_extras(repo, [form.id for form in batch])
            rows: list[Sequence[Any]] = []
            for form in batch:
                couriers = "; ".join(courier_name(code) for code in form.couriers) or ALL_COURIERS
                rows.append([
                    form.id, form.title, form.slug, form.status, "; ".join(extras.names(form.id)),
                    "; ".join(form.payment_methods), couriers, form.accept_vouchers, public_url(runtime, ctx, form),
                    extras.order_counts.get(form.id, 0), form.created_at.astimezone(zone),
                ])  # fmt: skip
            yield rows
