"""SQL of the order list, its recap and its download: the filters as conditions on `orders`, the page, the
line summaries of a page (one query), and the totals, from the recap counters when the filters allow it.

Statements built once: the conditions of a set of filters depend only on which filters are given (their shape,
`_Shape`), not on their values, so each shape's statements (page, total, recap) are built the first time it is
seen and kept (`_STATEMENTS`; a few dozen shapes in practice, bounded by the filter combinations), with bound
parameters for the values; a request builds only the parameters. They are Core statements over the tables: rows,
not ORM objects, and no ORM compilation per request.

A page is one statement (`_page`): the page's orders, their lines (joined by order id on the page's rows only)
and, where cheap or needed, the total, in one round trip. Query plans on a large store (bench/orders_large.py):
a first page is a backward range read of one of the `(store_id, …, id)` indexes of `orders` (of
`(store_id, created_at)` with a date filter); the recap and the totals of counter-compatible filters read
`order_daily_stats` (about a hundred rows per store-day), never `orders`. A search text that looks like a phone number (kit.phone.phone_prefix: 08…, 628…, +628…) matches the
buyers' phones that start with it through the `(store_id, customer_phone, id)` index of migration 0015: the
number's range `[prefix, next prefix)` (one plain index serves it on both databases and any collation, phones
being digits), an equality for a whole number. Other text (`LIKE '%…%'` on number, name and phone digits) is
served on PostgreSQL by the trigram indexes of migration 0004 (models/order.py SEARCH_INDEXES); elsewhere it
reads the store's orders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Row, Select, and_, bindparam, exists, func, or_, select
from sqlalchemy.sql.elements import BindParameter

from bosonline.kit.pagination import PageParams, after_cursor, cursor_params, encode_cursor
from bosonline.kit.phone import E164_MOBILE_MAX, phone_needle, phone_prefix
from bosonline.models import Order, OrderDailyStat, OrderLine, StoreMember
from bosonline.order.list_schemas import OrderFilterIn
from bosonline.order.repository import OrderRepository

# The list answers `meta.total` exactly up to this many matching orders when it has to count orders (filters the
# counters do not key); above it, `null` ("more than 1,000"; the recap has the exact figures). The count must not
# cost more than the page: on a store of a million orders, counting a common name ("siti") to 10,000 reads ~120,000
# orders (0.2–1 s, bench/orders_large.py); to 1,000 a tenth of that.
COUNT_CAP = 1_000
_orders = Order.__table__.c
_lines = OrderLine.__table__.c
_stats = OrderDailyStat.__table__.c
_members = StoreMember.__table__.c
LIST_COLUMNS = (
    _orders.id, _orders.number, _orders.status, _orders.payment_status, _orders.payment_method, _orders.total,
    _orders.customer_name, _orders.customer_phone, _orders.region_name, _orders.courier, _orders.courier_service,
    _orders.awb, _orders.handler_id, _orders.form_id, _orders.created_at,
)  # fmt: skip
_BY_ID = (_orders.id,)
# With a date range, by creation time through the (store_id, created_at) index: by id alone, last year's month
# would be found by walking every newer order backwards (1.4 s instead of 1 ms on a million).
_BY_CREATION = (_orders.created_at, _orders.id)
_LIKE_ESCAPE = "/"


def day_bounds(day_from: date | None, day_to: date | None, timezone: str) -> tuple[datetime | None, datetime | None]:
    """UTC bounds [start, end) of the days `day_from`..`day_to` (inclusive) in the store's time zone."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(day_from, time.min, tzinfo=zone).astimezone(UTC) if day_from else None
    end = datetime.combine(day_to + timedelta(days=1), time.min, tzinfo=zone).astimezone(UTC) if day_to else None
    return start, end


def _contains(text: str) -> str:
    """A LIKE pattern (escape `/`) of the strings containing `text` as typed."""
    escaped = text.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return f"%{escaped}%"


def _prefix_end(digits: str) -> str:
    """The least digit string after every string starting with `digits` (62819 → 6282): digit strings starting
    with `digits` are exactly those in [digits, end)."""
    kept = digits.rstrip("9")
    return kept[:-1] + str(int(kept[-1]) + 1)


class _Shape(NamedTuple):
    """Which filters are given (not their values): the conditions of a shape are the same for every request."""

    cs: bool = False  # a CS who sees only their orders
    statuses: int = 0  # 0, 1 (an equality) or 2 (several)
    payment_status: bool = False
    payment_method: bool = False
    day_from: bool = False
    day_to: bool = False
    handler: str = ""  # "", "none", "id"
    courier: bool = False
    form: bool = False
    product: bool = False
    sku: bool = False
    search: str = ""  # "", "text" (number, name), "text+phone" (and phone digits), "phone" (prefix), "phone="


def _where(shape: _Shape) -> list[ColumnElement[bool]]:
    """The conditions of `shape` on `orders`, its values as bound parameters (named as in `_parameters`)."""
    o = _orders
    where = _key_where(o, shape)
    if shape.day_from:
        where.append(o.created_at >= bindparam("start"))
    if shape.day_to:
        where.append(o.created_at < bindparam("end"))
    if shape.handler == "none":
        where.append(o.handler_id.is_(None))
    elif shape.handler:
        where.append(o.handler_id == bindparam("handler_id"))
    if shape.courier:
        where.append(o.courier == bindparam("courier"))
    if shape.form:
        where.append(o.form_id == bindparam("form_id"))
    # Orders with a line of the product, and (each its own condition) with a line of the SKU.
    if shape.product:
        where.append(_has_line(_lines.product_id == bindparam("product_id")))
    if shape.sku:
        where.append(_has_line(func.lower(_lines.sku) == bindparam("sku")))
    if shape.search == "phone=":
        where.append(o.customer_phone == bindparam("phone"))
    elif shape.search == "phone":
        where.append(and_(o.customer_phone >= bindparam("phone"), o.customer_phone < bindparam("phone_end")))
    elif shape.search:
        text: BindParameter[str] = bindparam("text")
        found = [
            func.lower(o.number).like(text, escape=_LIKE_ESCAPE),
            func.lower(o.customer_name).like(text, escape=_LIKE_ESCAPE),
        ]
        if shape.search == "text+phone":
            found.append(o.customer_phone.like(bindparam("digits"), escape=_LIKE_ESCAPE))
        where.append(or_(*found))
    return where


def _key_where(columns: Any, shape: _Shape) -> list[ColumnElement[bool]]:
    """The filters orders and their recap counters share by column: store, the CS's own orders, status (one as an
    equality: an expanding IN is re-rendered at every execution), payment status and method."""
    where: list[ColumnElement[bool]] = [columns.store_id == bindparam("store_id")]
    if shape.cs:
        where.append(columns.handler_id == bindparam("member_id"))
    if shape.statuses == 1:
        where.append(columns.status == bindparam("status"))
    elif shape.statuses:
        where.append(columns.status.in_(bindparam("statuses", expanding=True)))
    if shape.payment_status:
        where.append(columns.payment_status == bindparam("payment_status"))
    if shape.payment_method:
        where.append(columns.payment_method == bindparam("payment_method"))
    return where


def _has_line(condition: ColumnElement[bool]) -> ColumnElement[bool]:
    line = select(_lines.id).where(_lines.order_id == _orders.id, _lines.store_id == bindparam("store_id"), condition)
    return exists(line)


def _counter_where(shape: _Shape) -> list[ColumnElement[bool]]:
    """The same filters as conditions on the recap counters' keys (counter-compatible shapes only)."""
    s = _stats
    where = _key_where(s, shape)
    if shape.handler:
        where.append(s.handler_id == bindparam("stat_handler"))  # 0 is "no handler" there
    # The counters' day is the creation date in the store's time zone: the date filter maps onto it exactly.
    if shape.day_from:
        where.append(s.day >= bindparam("day_from"))
    if shape.day_to:
        where.append(s.day <= bindparam("day_to"))
    return where


def _page(shape: _Shape, dated: bool, after: bool, count: str) -> Select[Any]:
    """The page in one statement: the orders (LIST_COLUMNS, the handler's name) limited in a subquery, joined to
    their lines (one row per line, an order without lines once with nulls), newest first, each order's lines in
    their order; with `count` ("counters", "capped"), the result's total as a last column (the same in every row:
    an uncorrelated subquery, evaluated once)."""
    keys = _BY_CREATION if dated else _BY_ID
    # The handler's name in the same statement (a member who left the store still names their orders), as a
    # subquery by its primary key rather than a join: PostgreSQL plans the statement at each execution, and the
    # join cost a third of that (0.1–0.4 ms).
    handler_name = (
        select(_members.name)
        .where(_members.id == _orders.handler_id, _members.store_id == _orders.store_id)
        .scalar_subquery()
        .label("handler_name")
    )
    listed = (*LIST_COLUMNS, handler_name)
    if shape._replace(search="") == _Shape() and shape.search in ("phone", "phone="):
        # A phone search alone: the page's ids first, from the (store_id, customer_phone, id) index alone (every
        # order of the number's range, sorted by id), then only those orders read. Reading the range's orders
        # themselves to sort them (hundreds for a number's first digits) cost a page of the table each.
        ids = select(_orders.id).where(*_where(shape))
        if after:
            ids = ids.where(after_cursor(keys, descending=True))
        found = ids.order_by(_orders.id.desc()).limit(bindparam("limit")).subquery("found")
        page = (
            select(*listed)
            .select_from(found.join(Order.__table__, _orders.id == found.c.id))
            .where(_orders.store_id == bindparam("store_id"))
            .subquery("page")
        )
    else:
        orders = select(*listed).where(*_where(shape))
        if after:
            orders = orders.where(after_cursor(keys, descending=True))
        page = orders.order_by(*(key.desc() for key in keys)).limit(bindparam("limit")).subquery("page")
    columns: list[Any] = [*page.c, _lines.product_name, _lines.variant_name, _lines.quantity]
    if count == "counters":
        columns.append(_counted_total(shape).scalar_subquery().correlate(None))
    elif count == "capped":
        columns.append(_capped_count(shape).scalar_subquery().correlate(None))
    lines = and_(_lines.order_id == page.c.id, _lines.store_id == bindparam("store_id"))
    return (
        select(*columns)
        .select_from(page.outerjoin(OrderLine.__table__, lines))
        .order_by(*(page.c[key.name].desc() for key in keys), _lines.position, _lines.id)
    )


def _capped_count(shape: _Shape) -> Select[Any]:
    inner = select(_orders.id).where(*_where(shape)).limit(bindparam("cap")).subquery()
    return select(func.count()).select_from(inner)


def _counted_total(shape: _Shape) -> Select[Any]:
    return select(func.coalesce(func.sum(_stats.orders), 0)).where(*_counter_where(shape))


def _counter_recap(shape: _Shape) -> Select[Any]:
    return (
        select(_stats.status, _stats.payment_status, func.sum(_stats.orders), func.sum(_stats.total))
        .where(*_counter_where(shape))
        .group_by(_stats.status, _stats.payment_status)
    )


def _order_recap(shape: _Shape) -> Select[Any]:
    return (
        select(_orders.status, _orders.payment_status, func.count(), func.coalesce(func.sum(_orders.total), 0))
        .where(*_where(shape))
        .group_by(_orders.status, _orders.payment_status)
    )


_STATEMENTS: dict[tuple[Any, ...], Select[Any]] = {}


def _statement(build: Callable[..., Select[Any]], *shape: Any) -> Select[Any]:
    """`build(*shape)`, built the first time and kept: the same object each time, so that SQLAlchemy finds its
    compiled form by the cache key memoized on it instead of walking a new statement."""
    key = (build, *shape)
    stmt = _STATEMENTS.get(key)
    if stmt is None:
        stmt = _STATEMENTS[key] = build(*shape)
    return stmt


# Where the line columns start in a row of `_page` (after LIST_COLUMNS and the handler's name).
_PRODUCT = len(LIST_COLUMNS) + 1

_LINE_ROWS = (
    select(_lines.order_id, _lines.product_name, _lines.variant_name, _lines.quantity)
    .where(_lines.store_id == bindparam("store_id"), _lines.order_id.in_(bindparam("order_ids", expanding=True)))
    .order_by(_lines.order_id, _lines.position, _lines.id)
)


@dataclass(frozen=True)
class LineSummary:
    first_product: str
    first_variant: str
    lines: int
    quantity: int


@dataclass(frozen=True)
class Aggregate:
    status: str
    payment_status: str
    orders: int
    total: int


@dataclass(frozen=True)
class OrderPage:
    rows: list[Row[Any]]  # LIST_COLUMNS and handler_name (then the first line's columns), newest first
    summaries: dict[int, LineSummary]  # by order id; none for an order without lines
    next_cursor: str | None
    counted: bool  # whether `total` was answered with the page
    total: int | None  # the result's total (None: above COUNT_CAP), when `counted`


class OrderListRepository(OrderRepository):
    """The orders a caller may see (CS rule included, see OrderRepository), filtered."""

    async def _shaped(self, filters: OrderFilterIn) -> tuple[_Shape, dict[str, Any]]:
        """The shape of `filters` and the values of its bound parameters (those of `_where` and `_counter_where`)."""
        values: dict[str, Any] = {"store_id": self.ctx.store_id}
        cs = await self.cs_limited()
        if cs:
            values["member_id"] = self.ctx.member_id
        statuses = filters.status or []
        if len(statuses) == 1:
            values["status"] = statuses[0]
        values["statuses"] = statuses
        values["payment_status"] = filters.payment_status
        values["payment_method"] = filters.payment_method
        values["start"], values["end"] = day_bounds(filters.date_from, filters.date_to, self.ctx.store.timezone)
        values["day_from"], values["day_to"] = filters.date_from, filters.date_to
        handler = filters.handler_id
        values["handler_id"] = values["stat_handler"] = handler
        values["courier"] = filters.courier
        values["form_id"] = filters.form_id
        values["product_id"] = filters.product_id
        values["sku"] = filters.sku.lower() if filters.sku else None
        search = ""
        if filters.q:
            if (prefix := phone_prefix(filters.q)) is not None:
                search = "phone=" if len(prefix) == E164_MOBILE_MAX else "phone"
                values["phone"], values["phone_end"] = prefix, _prefix_end(prefix)
            else:
                values["text"] = _contains(filters.q.lower())
                if (needle := phone_needle(filters.q)) is not None:
                    search = "text+phone"
                    values["digits"] = _contains(needle)
                else:
                    search = "text"
        shape = _Shape(
            cs=cs,
            statuses=min(len(statuses), 2),
            payment_status=filters.payment_status is not None,
            payment_method=filters.payment_method is not None,
            day_from=filters.date_from is not None,
            day_to=filters.date_to is not None,
            handler="" if handler is None else "none" if handler == 0 else "id",
            courier=filters.courier is not None,
            form=filters.form_id is not None,
            product=filters.product_id is not None,
            sku=filters.sku is not None,
            search=search,
        )
        return shape, values

    async def filtered(
        self, filters: OrderFilterIn, stmt: Select[*tuple[Any, ...]] | None = None
    ) -> Select[*tuple[Any, ...]]:
        """`stmt` (default: the orders) limited to the store, what the caller may see, and the filters, their
        values bound in it (a statement of its own, for the download)."""
        shape, values = await self._shaped(filters)
        base = select(Order) if stmt is None else stmt
        return base.where(*_where(shape)).params(values)

    async def page(self, filters: OrderFilterIn, params: PageParams) -> OrderPage:
        """Newest first, only the columns the list shows (LIST_COLUMNS), the handler's name, the orders' line
        summaries and, where it is cheap or needed anyway, the result's total: one statement (see `_page`).

        The total comes with the page for counter-compatible filters (the counters' sum), for a phone search (a
        count within the number's index range, which the page reads anyway) and on later pages (where it is always
        answered). On a first page of other filters it is counted by `capped_count` only when the page does not
        hold the whole result: counting a courier or a name there would read the orders again."""
        shape, values = await self._shaped(filters)
        dated = shape.day_from or shape.day_to
        keys = _BY_CREATION if dated else _BY_ID
        after = params.cursor is not None
        if params.cursor:
            values |= cursor_params(params.cursor, keys)
        values["limit"] = params.limit + 1
        if filters.counter_compatible:
            count = "counters"
        elif after or shape.search in ("phone", "phone="):
            count = "capped"
            values["cap"] = COUNT_CAP + 1
        else:
            count = ""
        stmt = _statement(_page, shape, dated, after, count)
        rows = (await self.session.execute(stmt, values)).all()
        orders: list[Row[Any]] = []
        lines: dict[int, list[Any]] = {}  # order id: [first product, first variant, lines, quantity]
        more = False
        for row in rows:  # an order's rows are adjacent, its lines in order
            order_id, product = row[0], row[_PRODUCT]
            if not orders or orders[-1][0] != order_id:
                if len(orders) == params.limit:
                    more = True  # the next page's first order
                    break
                orders.append(row)
                if product is not None:
                    lines[order_id] = [product, row[_PRODUCT + 1], 1, row[_PRODUCT + 2]]
            elif product is not None:
                summary = lines[order_id]
                summary[2] += 1
                summary[3] += row[_PRODUCT + 2]
        next_cursor = None
        if more:
            last = orders[-1]
            next_cursor = encode_cursor([last.created_at, last.id] if dated else [last.id])
        total: int | None = None
        counted = bool(count) and bool(rows)
        if counted:
            total = int(rows[0][-1] or 0)
            if count == "capped" and total > COUNT_CAP:
                total = None
        summaries = {order_id: LineSummary(*summary) for order_id, summary in lines.items()}
        return OrderPage(orders, summaries, next_cursor, counted, total)

    async def line_rows(self, order_ids: Sequence[int]) -> list[tuple[int, str, str, int]]:
        """(order id, product name, variant name, quantity) of the orders' lines, in order (one query)."""
        if not order_ids:
            return []
        rows = await self.session.execute(_LINE_ROWS, {"store_id": self.ctx.store_id, "order_ids": list(order_ids)})
        return [(order_id, product, variant, quantity) for order_id, product, variant, quantity in rows]

    async def capped_count(self, filters: OrderFilterIn) -> int | None:
        """Matching orders, counted up to COUNT_CAP (None above it)."""
        shape, values = await self._shaped(filters)
        values["cap"] = COUNT_CAP + 1
        found = int(await self.session.scalar(_statement(_capped_count, shape), values) or 0)
        return None if found > COUNT_CAP else found

    # The recap counters (order_daily_stats): the same filters, as conditions on the counters' keys.

    async def counted_total(self, filters: OrderFilterIn) -> int:
        """Matching orders from the counters (counter-compatible filters only)."""
        shape, values = await self._shaped(filters)
        return int(await self.session.scalar(_statement(_counted_total, shape), values) or 0)

    async def counter_recap(self, filters: OrderFilterIn) -> list[Aggregate]:
        shape, values = await self._shaped(filters)
        rows = await self.session.execute(_statement(_counter_recap, shape), values)
        return [Aggregate(s, p, int(n or 0), int(t or 0)) for s, p, n, t in rows]

    async def order_recap(self, filters: OrderFilterIn) -> list[Aggregate]:
        """The same figures aggregated over the matching orders (filters the counters do not key)."""
        shape, values = await self._shaped(filters)
        rows = await self.session.execute(_statement(_order_recap, shape), values)
        return [Aggregate(s, p, int(n or 0), int(t or 0)) for s, p, n, t in rows]
