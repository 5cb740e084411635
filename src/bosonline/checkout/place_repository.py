"""The SQL of placing an order (POST /public/checkout), a measured hot path: every statement here saves round trips.

On PostgreSQL a checkout is: BEGIN, the entry read (store, settings, form and the Idempotency-Key's row in one
SELECT), the stock read, [the voucher], the reservation (one conditional UPDATE for every line), [a bank transfer's
lock on its amount's unique codes], the writes (one statement of data-modifying CTEs, hot_sql.run_chain: the store's
counters, whose row lock orders the store's checkouts, are one of them; a bank transfer's unique code is drawn in it)
and COMMIT.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Integer,
    String,
    Update,
    and_,
    any_,
    bindparam,
    case,
    cast,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import dialect_of, insert_in
from bosonline.hot_sql import Check, Hot, Ref, Write
from bosonline.models import (
    CheckoutKey,
    CheckoutLead,
    Customer,
    FollowupMessage,
    Form,
    InventoryMovement,
    Order,
    OrderEvent,
    OrderLine,
    Stock,
    Store,
    StoreSettings,
    VoucherRedemption,
    WebhookDelivery,
)
from bosonline.models.store import STORE_IS_OPEN
from bosonline.order.customer_repository import unique_code_draw

ORDER = "order"
LINES = "lines"
KEY = "key"
COUNTERS = "counters"
RESERVE = "reserve"
UNIQUE_CODE = "unique_code"
BUYER_USES = "buyer_uses"

_ENTRY = (
    select(Store, StoreSettings, Form, CheckoutKey.request_hash, CheckoutKey.order_id)
    .join(StoreSettings, StoreSettings.store_id == Store.id)
    .join(Form, Form.store_id == Store.id)
    .outerjoin(CheckoutKey, and_(CheckoutKey.store_id == Store.id, CheckoutKey.key == bindparam("key")))
    .where(
        Store.subdomain == bindparam("subdomain"),
        STORE_IS_OPEN,
        Form.slug == bindparam("slug"),
        Form.deleted_at.is_(None),
        Form.status == "active",
    )
)

_SETTINGS = StoreSettings.__table__


@cache
def _counters_statement(dialect: str, cs_count: int) -> Update:
    """The store's order number and CS rotator in one UPDATE, a write of the chain: its row lock orders the store's
    checkouts, so it is the chain's (taken in the statement before COMMIT). It returns the order's `number`
    (`INV/<counters_day>/<the sequence, 5 digits at least>`), its `handler_id` (the CS whose turn it is among
    `counters_cs0…`, else `counters_owner`) and `stats_handler` (the recap counters' handler: 0 for none). Built once
    per dialect and number of CS."""
    seq, cursor = _SETTINGS.c.order_seq, _SETTINGS.c.cs_cursor
    day = bindparam("counters_day", type_=String)
    if dialect == "postgresql":
        digits = cast(seq, String)
        number = "INV/" + day + "/" + func.lpad(digits, func.greatest(5, func.length(digits)), "0")
    else:
        number = func.printf("INV/%s/%05d", day, seq)
    handler: Any = cast(bindparam("counters_owner", type_=BigInteger), BigInteger)
    if cs_count:
        turn = (cursor - 1) % cs_count
        cs = [(turn == n, cast(bindparam(f"counters_cs{n}", type_=BigInteger), BigInteger)) for n in range(cs_count)]
        handler = case(*cs, else_=handler)
    return (
        update(_SETTINGS)
        .where(_SETTINGS.c.store_id == bindparam("counters_store"))
        .values(order_seq=seq + 1, cs_cursor=cursor + 1)
        .returning(
            number.label("number"), handler.label("handler_id"), func.coalesce(handler, 0).label("stats_handler")
        )
    )


_STOCKS = Stock.__table__


def _reserve_update(dialect: str, lines: int) -> Update:
    """`reserved += qty` for the lines' variants of one warehouse, only where qty is available, in one statement
    (parameters `reserve_store`, `reserve_warehouse` and the lines: _reserve_params). The rows are locked in variant
    order first (the FOR UPDATE subquery; SQLite's write lock is already exclusive), so two checkouts sharing
    variants never deadlock. PostgreSQL reads the lines from two arrays (one statement whatever their number, so
    that the chain holding it is built once), SQLite from one parameter per value (built per number of lines)."""
    return _reserve_from_arrays() if dialect == "postgresql" else _reserve_per_line(lines)


def _locked(variant_match: Any) -> Any:
    return (
        select(_STOCKS.c.id)
        .where(
            _STOCKS.c.store_id == bindparam("reserve_store"),
            _STOCKS.c.warehouse_id == bindparam("reserve_warehouse"),
            variant_match,
        )
        .order_by(_STOCKS.c.variant_id)
        .with_for_update()
    )


@cache
def _reserve_from_arrays() -> Update:
    variants = cast(bindparam("reserve_variants", type_=ARRAY(BigInteger)), ARRAY(BigInteger))
    quantities = cast(bindparam("reserve_quantities", type_=ARRAY(Integer)), ARRAY(Integer))
    lines = func.unnest(variants, quantities).table_valued("variant_id", "qty").render_derived(name="lines")
    return (
        update(_STOCKS)
        .where(
            _STOCKS.c.id.in_(_locked(_STOCKS.c.variant_id == any_(variants))),
            _STOCKS.c.variant_id == lines.c.variant_id,
            _STOCKS.c.on_hand - _STOCKS.c.reserved >= lines.c.qty,
        )
        .values(reserved=_STOCKS.c.reserved + lines.c.qty)
    )


@cache
def _reserve_per_line(lines: int) -> Update:
    variants = [bindparam(f"reserve_v{n}", type_=BigInteger) for n in range(lines)]
    qty = case(
        *((_STOCKS.c.variant_id == variants[n], bindparam(f"reserve_q{n}", type_=Integer)) for n in range(lines))
    )
    return (
        update(_STOCKS)
        .where(
            _STOCKS.c.id.in_(_locked(_STOCKS.c.variant_id.in_(variants))), _STOCKS.c.on_hand - _STOCKS.c.reserved >= qty
        )
        .values(reserved=_STOCKS.c.reserved + qty)
    )


def _reserve_params(dialect: str, store_id: int, warehouse_id: int, quantities: dict[int, int]) -> dict[str, Any]:
    params: dict[str, Any] = {"reserve_store": store_id, "reserve_warehouse": warehouse_id}
    ordered = sorted(quantities.items())
    if dialect == "postgresql":
        return params | {"reserve_variants": [v for v, _ in ordered], "reserve_quantities": [q for _, q in ordered]}
    for n, (variant_id, qty) in enumerate(ordered):
        params[f"reserve_v{n}"] = variant_id
        params[f"reserve_q{n}"] = qty
    return params


_RESERVED = ("variant_id", "on_hand", "reserved")


@cache
def _reserve_statement(dialect: str, lines: int) -> Hot:
    """The reservation as a statement of its own (a checkout with a voucher: see PlaceRepository.reserve_write)."""
    statement = _reserve_update(dialect, lines).values(updated_at=bindparam("now"))
    return Hot(statement.returning(*(_STOCKS.c[name] for name in _RESERVED)))


@dataclass(frozen=True)
class Entry:
    store: Store
    settings: StoreSettings
    form: Form
    key_hash: str | None  # the Idempotency-Key's row, when it was used already
    key_order_id: int | None


class PlaceRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def entry(self, subdomain: str, slug: str, key: str) -> Entry | None:
        """An active store's live, active form and what its Idempotency-Key `key` holds, in one SELECT."""
        row = (await self.session.execute(_ENTRY, {"subdomain": subdomain, "slug": slug, "key": key})).first()
        return Entry(row[0], row[1], row[2], row[3], row[4]) if row else None

    async def reserve(
        self, store_id: int, warehouse_id: int, quantities: dict[int, int], now: datetime
    ) -> dict[int, tuple[int, int]]:
        """Reserves `quantities` (variant → units) in the warehouse; {variant: (on_hand, reserved) after} for the
        lines that fit. Fewer than asked: the caller must roll the transaction back (no savepoint: the failure
        path pays, not every checkout)."""
        dialect = dialect_of(self.session)
        params = _reserve_params(dialect, store_id, warehouse_id, quantities) | {"now": now}
        rows = await _reserve_statement(dialect, len(quantities)).rows(self.session, params)
        return {int(variant): (int(on_hand), int(reserved)) for variant, on_hand, reserved in rows}

    def reserve_write(self, store_id: int, warehouse_id: int, quantities: dict[int, int], now: datetime) -> Write:
        """The reservation as the chain's first write, so that the stock rows are locked for the chain's statement
        and COMMIT only: it returns (variant_id, on_hand, reserved) after it of the lines that fit; fewer rows than
        lines: the caller must roll back. Not with a voucher: the voucher's row is locked after the stock's (as an
        order's cancel does), and its claim is a statement before the chain."""
        dialect = dialect_of(self.session)
        params = _reserve_params(dialect, store_id, warehouse_id, quantities)
        statement = _reserve_update(dialect, len(quantities))
        return Write(RESERVE, statement, [{"updated_at": now}], returning=_RESERVED, params=params)

    async def available(self, warehouse_id: int, variant_ids: list[int]) -> dict[int, int]:
        """On hand − reserved now (the refusal's "n left"; read on the failure path only)."""
        rows = await self.session.execute(
            select(_STOCKS.c.variant_id, _STOCKS.c.on_hand - _STOCKS.c.reserved).where(
                _STOCKS.c.warehouse_id == warehouse_id, _STOCKS.c.variant_id.in_(variant_ids)
            )
        )
        return {int(variant): int(left) for variant, left in rows}

    # --- the writes, as one chain (hot_sql.run_chain): every statement built once, values bound per checkout ---------

    def unique_code(self, store_id: int, amount: int, codes: tuple[int, int], since: datetime) -> Write:
        """A bank transfer's unique code drawn in the chain (its `code` and the order's `total` with it): among
        `codes`, one no recent unpaid transfer of `amount` uses (customer_repository.unique_code_draw). The chain's
        statement must follow the amount's lock (customer_repository.lock_unique_codes), so that its snapshot sees
        every transfer committed before it."""
        params = {"code_store": store_id, "code_since": since, "code_amount": amount}
        params |= {"code_low": codes[0], "code_high": codes[1]}
        statement = unique_code_draw(dialect_of(self.session))
        return Write(UNIQUE_CODE, statement, [{}], returning=("code", "total"), params=params)

    def counters(self, store: Store, cs: list[int], owner: int | None, now: datetime) -> Write:
        """The store's next order number (of today in its time zone) and the CS whose turn it is
        (_counters_statement), as a write of the chain. `cs`: the active CS by id; `owner`: who handles the order
        when there is no CS."""
        day = now.astimezone(ZoneInfo(store.timezone)).strftime("%Y%m%d")
        params: dict[str, Any] = {"counters_store": store.id, "counters_day": day, "counters_owner": owner}
        params |= {f"counters_cs{n}": member for n, member in enumerate(cs)}
        statement = _counters_statement(dialect_of(self.session), len(cs))
        return Write(COUNTERS, statement, [{"updated_at": now}], returning=("order_seq",), params=params)

    def customer(self, store_id: int, phone: str, name: str, email: str | None, now: datetime) -> Write:
        row = {"store_id": store_id, "phone": phone, "name": name, "email": email, "created_at": now, "updated_at": now}
        return Write("customer", _customer_upsert(dialect_of(self.session)), [row], returning=("id",))

    @staticmethod
    def order(values: dict[str, Any]) -> Write:
        return Write(ORDER, _INSERT_ORDER, [values], returning=("id",))

    @staticmethod
    def lines(rows: list[dict[str, Any]]) -> Write:
        return Write(LINES, _INSERT_LINES, rows, returning=("id", "position"), many=True)

    @staticmethod
    def event(values: dict[str, Any]) -> Write:
        return Write("event", _INSERT_EVENT, [values])

    @staticmethod
    def movements(rows: list[dict[str, Any]]) -> Write:
        return Write("movements", _INSERT_MOVEMENTS, rows, many=True)

    @staticmethod
    def redemption(values: dict[str, Any]) -> Write:
        return Write("redemption", _INSERT_REDEMPTION, [values])

    @staticmethod
    def buyer_uses(voucher_id: int, phone: str) -> Check:
        """The buyer's uses of the voucher before this order (read after the voucher's row lock was taken)."""
        return Check(BUYER_USES, _BUYER_USES, {"buyer_uses_voucher": voucher_id, "buyer_uses_phone": phone})

    @staticmethod
    def leads(
        store_id: int, form_id: int, phone: str, token: str | None, now: datetime, *, with_followups: bool
    ) -> list[Write]:
        """The buyer's open leads become converted; with `with_followups`, their waiting follow-ups are canceled
        first (both read the leads as they were before the chain)."""
        canceled, converted = _lead_updates(token is not None)
        params = {"lead_store": store_id, "lead_form": form_id, "lead_phone": phone}
        if token is not None:
            params["lead_token"] = token
        writes: list[Write] = []
        if with_followups:
            row = {"status": "canceled", "error": "checkout became an order", "updated_at": now, "locked_until": None}
            writes.append(Write("lead_followups", canceled, [row], params=params))
        converted_row = {"status": "converted", "converted_order_id": Ref(ORDER, "id"), "updated_at": now}
        writes.append(Write("leads", converted, [converted_row], params=params))
        return writes

    @staticmethod
    def followups(rows: list[dict[str, Any]]) -> Write:
        return Write("followups", _INSERT_FOLLOWUPS, rows, many=True)

    @staticmethod
    def outbox(rows: list[dict[str, Any]]) -> Write:
        return Write("outbox", _INSERT_OUTBOX, rows, many=True)

    def stats(self, statement: Any, row: dict[str, Any]) -> Write:
        return Write("stats", statement, [row])

    def key(self, store_id: int, key: str, request_hash: str, now: datetime) -> Write:
        """The Idempotency-Key, written once with its order: nothing returned means a concurrent checkout with
        the same key committed first (PostgreSQL waits for it here), and this one must roll back and replay."""
        row = {
            "store_id": store_id,
            "key": key,
            "request_hash": request_hash,
            "order_id": Ref(ORDER, "id"),
            "created_at": now,
        }
        return Write(KEY, _key_insert(dialect_of(self.session)), [row], returning=("id",))


_INSERT_ORDER = insert(Order.__table__)
_INSERT_LINES = insert(OrderLine.__table__)
_INSERT_EVENT = insert(OrderEvent.__table__)
_INSERT_MOVEMENTS = insert(InventoryMovement.__table__)
_INSERT_REDEMPTION = insert(VoucherRedemption.__table__)
_INSERT_FOLLOWUPS = insert(FollowupMessage.__table__)
_INSERT_OUTBOX = insert(WebhookDelivery.__table__)
_BUYER_USES = (
    select(func.count())
    .select_from(VoucherRedemption)
    .where(
        VoucherRedemption.voucher_id == bindparam("buyer_uses_voucher"),
        VoucherRedemption.phone == bindparam("buyer_uses_phone"),
    )
)


@cache
def _customer_upsert(dialect: str) -> Any:
    stmt = insert_in(dialect, Customer.__table__)
    return stmt.on_conflict_do_update(
        index_elements=[Customer.store_id, Customer.phone],
        set_={
            "name": stmt.excluded.name,
            "email": func.coalesce(stmt.excluded.email, Customer.email),
            "updated_at": stmt.excluded.updated_at,
        },
    )


@cache
def _key_insert(dialect: str) -> Any:
    return insert_in(dialect, CheckoutKey.__table__).on_conflict_do_nothing(
        index_elements=[CheckoutKey.store_id, CheckoutKey.key]
    )


@cache
def _lead_updates(with_token: bool) -> tuple[Update, Update]:
    """The UPDATEs of leads (their waiting follow-ups canceled; the leads converted), matching the buyer's form and
    phone, or also the page's lead token."""
    match = and_(CheckoutLead.form_id == bindparam("lead_form"), CheckoutLead.phone == bindparam("lead_phone"))
    if with_token:
        match = or_(match, CheckoutLead.token == bindparam("lead_token"))
    open_leads = and_(CheckoutLead.store_id == bindparam("lead_store"), CheckoutLead.status == "open", match)
    messages = FollowupMessage.__table__
    canceled = update(messages).where(
        messages.c.store_id == bindparam("lead_store"),
        messages.c.status == "scheduled",
        messages.c.lead_id.in_(select(CheckoutLead.id).where(open_leads)),
    )
    return canceled, update(CheckoutLead.__table__).where(open_leads)
