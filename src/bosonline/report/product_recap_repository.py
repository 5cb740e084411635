"""SQL of Recap Product: one statement per page, the ranking of the period's products and variants.

`_ranking` aggregates in SQL: the period's orders (read from the covering `(store_id, created_at)` index of
migration 0019) joined to their lines (the covering `(order_id)` index), grouped per variant. Each variant's figures come with its current names (a product or variant deleted since keeps the
names it was sold under) and the number of variants ranked (a window count, before the page's cursor). The
statement of each (sort, direction, first page or not) is built once; values are bound per request. Ratios are
ranked by their basis points (integers), so that a page's cursor is whole numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import ColumnElement, Row, Select, bindparam, func, select

from bosonline.kit.pagination import PageParams, after_cursor, decode_cursor, encode_cursor
from bosonline.models import OrderLine, Product, ProductVariant
from bosonline.report.recap_period import Period
from bosonline.report.recap_sql import CANCELED, LIVE, ORDERS, PAID, RTS, SHIPPED, flag, in_period, orders, total
from bosonline.tenancy import ScopedRepository

ProductSort = Literal["revenue", "units", "orders", "paid_ratio", "cancel_rate", "rts_rate"]
SortOrder = Literal["desc", "asc"]
BASIS = 10_000  # ratios rank as basis points

_lines = OrderLine.__table__.c
_products = Product.__table__.c
_variants = ProductVariant.__table__.c


def _rate(part: Any, whole: Any) -> ColumnElement[int]:
    return func.coalesce(part * BASIS // func.nullif(whole, 0), 0)


_SORT_VALUES: dict[str, Callable[[Any], ColumnElement[Any]]] = {
    "revenue": lambda c: c.revenue,
    "units": lambda c: c.units,
    "orders": lambda c: c.orders,
    "paid_ratio": lambda c: _rate(c.paid_orders, c.orders),
    "cancel_rate": lambda c: _rate(c.canceled_orders, c.orders),
    "rts_rate": lambda c: _rate(c.rts_orders, c.shipped_orders),
}


def _per_variant() -> Select[Any]:
    """Per (product, variant) of the period's orders: orders, units, revenue (live orders' line subtotals) and
    the orders paid, canceled, shipped and returned. One aggregate over the lines: checkout refuses a variant
    twice in an order, so a line is one order of its variant. Deleted products and variants group under 0 (an
    order that had two variants deleted since counts once per line there)."""
    o = orders
    product_key = func.coalesce(_lines.product_id, 0).label("product_key")
    variant_key = func.coalesce(_lines.variant_id, 0).label("variant_key")
    live = flag(LIVE)
    columns: list[Any] = [
        product_key,
        variant_key,
        func.max(_lines.product_name).label("product_name"),
        func.max(_lines.variant_name).label("variant_name"),
        func.max(_lines.sku).label("sku"),
        func.count().label("orders"),
        total(live * _lines.quantity).label("units"),
        total(live * _lines.subtotal).label("revenue"),
        total(flag(PAID)).label("paid_orders"),
        total(flag(CANCELED)).label("canceled_orders"),
        total(flag(SHIPPED)).label("shipped_orders"),
        total(flag(RTS)).label("rts_orders"),
    ]
    return (
        select(*columns)
        .select_from(ORDERS.join(OrderLine.__table__, _lines.order_id == o.id))
        .where(*in_period(), _lines.store_id == bindparam("store_id"))
        .group_by(product_key, variant_key)
    )


def _ranking(sort: str, descending: bool, after: bool) -> Select[Any]:
    variants = _per_variant().subquery("variants")
    c = variants.c
    ranked = select(*c, _SORT_VALUES[sort](c).label("rank_value"), func.count().over().label("ranked")).subquery(
        "ranked"
    )
    r = ranked.c
    keys = (r.rank_value, r.product_key, r.variant_key)
    stmt = (
        select(
            r.product_key,
            r.variant_key,
            func.coalesce(_products.name, r.product_name).label("product_name"),
            func.coalesce(_variants.name, r.variant_name).label("variant_name"),
            func.coalesce(_variants.sku, r.sku).label("sku"),
            r.orders,
            r.units,
            r.revenue,
            r.paid_orders,
            r.canceled_orders,
            r.shipped_orders,
            r.rts_orders,
            r.rank_value,
            r.ranked,
        )
        .select_from(
            ranked.outerjoin(
                Product.__table__, (_products.id == r.product_key) & (_products.store_id == bindparam("store_id"))
            ).outerjoin(
                ProductVariant.__table__,
                (_variants.id == r.variant_key) & (_variants.store_id == bindparam("store_id")),
            )
        )
        .order_by(*(key.desc() if descending else key.asc() for key in keys))
        .limit(bindparam("limit"))
    )
    if after:
        stmt = stmt.where(after_cursor(keys, descending=descending))
    return stmt


_STATEMENTS: dict[tuple[str, bool, bool], Select[Any]] = {}


def _statement(sort: str, descending: bool, after: bool) -> Select[Any]:
    key = (sort, descending, after)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        stmt = _STATEMENTS[key] = _ranking(sort, descending, after)
    return stmt


@dataclass(frozen=True)
class RankedPage:
    rows: list[Row[Any]]
    next_cursor: str | None
    total: int  # variants ranked in the period


class ProductRecapRepository(ScopedRepository):
    async def page(self, period: Period, sort: str, order: str, params: PageParams) -> RankedPage:
        descending = order == "desc"
        after = params.cursor is not None
        stmt = _statement(sort, descending, after)
        values: dict[str, Any] = {
            "store_id": self.ctx.store_id,
            "start": period.start,
            "end": period.end,
            "limit": params.limit + 1,
        }
        if params.cursor is not None:
            cursor = decode_cursor(params.cursor, (int, int, int))
            values |= {f"after_{n}": value for n, value in enumerate(cursor)}
        rows = list((await self.session.execute(stmt, values)).all())
        next_cursor = None
        if len(rows) > params.limit:
            rows = rows[: params.limit]
            last = rows[-1]
            next_cursor = encode_cursor([int(last.rank_value), last.product_key, last.variant_key])
        return RankedPage(rows, next_cursor, int(rows[0].ranked) if rows else 0)
