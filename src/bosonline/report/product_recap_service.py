"""Recap Product: per product and variant, for a period of the store's days, the orders, units, revenue, paid
ratio, cancel and RTS rates, ranked by one of them (recap_sql says what each means), a page at a time or whole
as a file."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Any

from sqlalchemy import Row
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.kit.export import filename_stem
from bosonline.kit.money import rupiah
from bosonline.kit.pagination import PageParams
from bosonline.report.product_recap_repository import ProductRecapRepository
from bosonline.report.product_recap_schemas import ProductRecapMeta, ProductRecapPage, ProductRecapRowOut
from bosonline.report.recap_period import Period, PeriodIn, resolve
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext

DOWNLOAD_BATCH = 1000
HEADER = [
    "Produk", "Varian", "SKU", "ID produk", "ID varian", "Order", "Unit", "Omzet (Rp)", "Order dibayar",
    "Rasio dibayar", "Order batal", "Rasio batal", "Order dikirim", "Order RTS", "Rasio RTS",
]  # fmt: skip


def ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def row_out(row: Row[Any]) -> ProductRecapRowOut:
    return ProductRecapRowOut(
        product_id=row.product_key or None,
        variant_id=row.variant_key or None,
        product_name=row.product_name,
        variant_name=row.variant_name,
        sku=row.sku,
        orders=row.orders,
        units=int(row.units),
        revenue=int(row.revenue),
        revenue_text=rupiah(int(row.revenue)),
        paid_orders=int(row.paid_orders),
        paid_ratio=ratio(int(row.paid_orders), row.orders),
        canceled_orders=int(row.canceled_orders),
        cancel_rate=ratio(int(row.canceled_orders), row.orders),
        shipped_orders=int(row.shipped_orders),
        rts_orders=int(row.rts_orders),
        rts_rate=ratio(int(row.rts_orders), int(row.shipped_orders)),
    )


def download_row(item: ProductRecapRowOut) -> Sequence[Any]:
    return [
        item.product_name, item.variant_name, item.sku, item.product_id, item.variant_id, item.orders, item.units,
        item.revenue, item.paid_orders, item.paid_ratio, item.canceled_orders, item.cancel_rate,
        item.shipped_orders, item.rts_orders, item.rts_rate,
    ]  # fmt: skip


class ProductRecapService:
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        self.rt = runtime
        self.ctx = ctx
        self.repo = ProductRecapRepository(session, ctx)

    def period(self, given: PeriodIn) -> Period:
        return resolve(given, self.rt.clock.now(), self.ctx.store.timezone)

    async def page(self, given: PeriodIn, sort: str, order: str, params: PageParams) -> ProductRecapPage:
        period = self.period(given)
        ranked = await self.repo.page(period, sort, order, params)
        meta = ProductRecapMeta(
            next_cursor=ranked.next_cursor,
            total=ranked.total,
            date_from=period.first,
            date_to=period.last,
            timezone=period.timezone,
            sort=sort,
            order=order,
        )
        return ProductRecapPage(data=[row_out(row) for row in ranked.rows], meta=meta)


def download(
    runtime: Runtime, ctx: StoreContext, given: PeriodIn, sort: str, order: str
) -> tuple[str, AsyncIterator[list[Sequence[Any]]]]:
    """The file of the whole ranking: its name (the period, the store, today) and its rows. The period is
    checked here, before the response starts."""
    period = resolve(given, runtime.clock.now(), ctx.store.timezone)
    label = ctx.store.subdomain or str(ctx.store_id)
    kind = f"recap-product-{period.first:%Y%m%d}-{period.last:%Y%m%d}"
    stem = filename_stem(kind, label, runtime.clock.now(), ctx.store.timezone)
    return stem, download_rows(runtime, ctx, period, sort, order)


async def download_rows(
    runtime: Runtime, ctx: StoreContext, period: Period, sort: str, order: str
) -> AsyncIterator[list[Sequence[Any]]]:
    """The whole ranking, DOWNLOAD_BATCH variants at a time, read through a session of its own (the request's is
    closed while the file streams)."""
    async with runtime.db.session(write=False) as session:
        repo = ProductRecapRepository(session, ctx)
        cursor: str | None = None
        while True:
            ranked = await repo.page(period, sort, order, PageParams(limit=DOWNLOAD_BATCH, cursor=cursor))
            if ranked.rows:
                yield [download_row(row_out(row)) for row in ranked.rows]
            cursor = ranked.next_cursor
            if cursor is None:
                return
