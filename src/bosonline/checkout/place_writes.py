"""Everything a new order writes, as one chain of writes (hot_sql.run_chain: one statement on PostgreSQL): the customer,
the order, its lines and `created` event, the stock movements of its reservation, the voucher's redemption, the
leads it converts, its follow-up rows, its webhook deliveries (the outbox), the recap counters and the
Idempotency-Key. The same rules as OrderTimeline.created (order/timeline.py), written without a flush: the order's
id is a Ref to the order's INSERT wherever a row needs it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.checkout.place_repository import COUNTERS, ORDER, RESERVE, PlaceRepository
from bosonline.followup.rules import ABANDONED
from bosonline.followup.schedule import creation_rows, due_now, is_creation_candidate
from bosonline.hot_sql import Check, Match, Ref, RefText, Write
from bosonline.models import FollowupChat, Form, Order, OrderEvent, OrderLine
from bosonline.models.base import Base
from bosonline.order.stats import counter_row, counter_upsert, snapshot
from bosonline.order.timeline import order_payload
from bosonline.voucher.rules import VoucherQuote
from bosonline.webhook.outbox import delivery_row, dumps, timestamp

CREATED = "order.created"


@dataclass(frozen=True)
class NewOrder:
    """A priced order about to be written: the transient rows (not in the session) and what goes with them."""

    order: Order
    lines: list[OrderLine]
    event: OrderEvent
    reserved: dict[int, tuple[int, int]] | None  # variant → (on_hand, reserved) after it; None: `reserve` does it
    phone: str
    lead_token: str | None
    voucher: VoucherQuote | None
    check_buyer_uses: bool
    timezone: str  # the store's: the recap counters' day
    templates: list[FollowupChat]  # the store's follow-up templates
    webhooks: list[tuple[int, frozenset[str]]]  # the store's active subscriptions: (id, events)
    counters: Write  # the store's order number and CS (the order's number and handler_id are left None)
    reserve: Write | None = None  # the reservation, as the chain's first write (reserved is None then)
    unique_code: Write | None = None  # a bank transfer's code, drawn in the chain (the order's money holds 0 for it)


def row_values(row: Base) -> dict[str, Any]:
    """An ORM object's column values for a Core INSERT, without its id; a column left unset takes its scalar
    default, which the object is given too (the response reads it). Read from the instance's dict (a transient
    object holds what it was given there), not through the instrumented attributes: a checkout reads ~100."""
    given = row.__dict__
    values: dict[str, Any] = {}
    for key, default, nullable in _columns(type(row)):
        value = given.get(key)
        if value is None and default is not _NO_DEFAULT:
            value = default
            setattr(row, key, value)
        if value is not None or nullable:
            values[key] = value
    return values


_NO_DEFAULT = object()


@cache
def _columns(model: type[Base]) -> tuple[tuple[str, Any, bool], ...]:
    """(key, scalar default or _NO_DEFAULT, nullable) of each column of the model's table but its id."""
    table = inspect(model).local_table
    found = []
    for column in table.columns:
        scalar = column.default is not None and getattr(column.default, "is_scalar", False)
        default = getattr(column.default, "arg", None) if scalar else _NO_DEFAULT
        if column.key != "id":
            found.append((column.key, default, bool(column.nullable)))
    return tuple(found)


async def order_writes(
    session: AsyncSession, repo: PlaceRepository, new: NewOrder, key: str, fingerprint: str, now: datetime
) -> tuple[list[Check], list[Write], bool]:
    """The checks and writes of the chain, and whether the worker has something to send as soon as it commits."""
    order = new.order
    store_id = order.store_id
    checks: list[Check] = []
    drawn = drawn_money(new.unique_code)
    writes = [new.reserve] if new.reserve is not None else []
    if new.unique_code is not None:
        writes.append(new.unique_code)
    writes.append(new.counters)
    writes.append(repo.customer(store_id, order.customer_phone, order.customer_name, order.customer_email, now))
    order_row = row_values(order) | {"customer_id": Ref("customer", "id")} | _COUNTED | drawn
    writes.append(repo.order(order_row))
    order_id = Ref(ORDER, "id")
    writes.append(repo.lines([row_values(line) | {"order_id": order_id} for line in new.lines]))
    writes.append(repo.event(row_values(new.event) | {"order_id": order_id}))
    writes.append(repo.movements(_movements(store_id, order, new.lines, new.reserved, order_id, now)))
    if new.voucher is not None:
        if new.check_buyer_uses:
            checks.append(repo.buyer_uses(new.voucher.voucher_id, new.phone))
        redemption = {
            "store_id": store_id,
            "voucher_id": new.voucher.voucher_id,
            "order_id": order_id,
            "phone": new.phone,
            "discount": new.voucher.discount,
            "created_at": now,
        }
        writes.append(repo.redemption(redemption))
    product_ids = [line.product_id for line in new.lines if line.product_id]
    templates = [template for template in new.templates if is_creation_candidate(template, product_ids)]
    abandoned = any(template.trigger == ABANDONED for template in templates)
    writes += repo.leads(store_id, order.form_id or 0, new.phone, new.lead_token, now, with_followups=abandoned)
    followups = creation_rows(templates, store_id, order, product_ids, now)
    if followups:
        writes.append(repo.followups([row | {"order_id": order_id} for row in followups]))
    endpoints = [webhook for webhook, events in new.webhooks if CREATED in events]
    deliveries = _deliveries(order, new.lines, endpoints, now, drawn)
    if deliveries:
        writes.append(repo.outbox(deliveries))
    wake = bool(deliveries) or due_now(followups, now)
    snap = snapshot(order, new.timezone)
    stats: dict[str, Any] = counter_row(store_id, snap.key, 1, snap.amounts) | {
        "handler_id": Ref(COUNTERS, "stats_handler")
    }
    if drawn:
        stats["total"] = drawn["total"]
    writes.append(repo.stats(counter_upsert(session), stats))
    writes.append(repo.key(store_id, key, fingerprint, now))
    return checks, writes, wake


def _movements(
    store_id: int,
    order: Order,
    lines: list[OrderLine],
    reserved: dict[int, tuple[int, int]] | None,
    order_id: Ref,
    now: datetime,
) -> list[dict[str, Any]]:
    """The reservation's movements: stock after it from `reserved`, or from the chain's reservation (Matches)."""
    rows = []
    for line in sorted(lines, key=_variant_of):
        on_hand, held = reserved[_variant_of(line)] if reserved is not None else _RESERVED_AFTER
        rows.append(
            {
                "store_id": store_id,
                "variant_id": line.variant_id,
                "warehouse_id": order.warehouse_id,
                "reason": "order_reserved",
                "delta_on_hand": 0,
                "delta_reserved": line.quantity,
                "on_hand_after": on_hand,
                "reserved_after": held,
                "note": None,
                "actor_user_id": None,
                "order_id": order_id,
                "created_at": now,
            }
        )
    return rows


def _variant_of(line: OrderLine) -> int:
    return line.variant_id or 0


# The stock row's on_hand and reserved after the chain's reservation, by variant.
_RESERVED_AFTER = (Match(RESERVE, "on_hand", "variant_id"), Match(RESERVE, "reserved", "variant_id"))
# The order's columns that the store's counters (a write of the chain) give.
_COUNTED = {"number": Ref(COUNTERS, "number"), "handler_id": Ref(COUNTERS, "handler_id")}


def drawn_money(unique_code: Write | None) -> dict[str, Ref]:
    """The order's columns that the chain's unique code draw sets (none without a draw)."""
    if unique_code is None:
        return {}
    return {"unique_code": Ref(unique_code.name, "code"), "total": Ref(unique_code.name, "total")}


def _deliveries(
    order: Order, lines: list[OrderLine], endpoints: list[int], now: datetime, drawn: dict[str, Ref]
) -> list[dict[str, Any]]:
    """The order.created deliveries, one per subscribed endpoint. The body names the order's id, which the chain
    creates, its number and handler (the store's counters) and the unique code and total it draws (`drawn`): it is
    written as the text around them (each
    `"<key>":null` once in it: a quote in what a buyer types is escaped)."""
    if not endpoints:
        return []
    holes = {"id": Ref(ORDER, "id"), **_COUNTED, **drawn}
    kept = {key: getattr(order, key) for key in ("customer_id", *holes)}
    order.customer_id = 0  # not known yet (the chain upserts it), and not in the webhook's customer block
    for key in holes:
        setattr(order, key, None)
    data_json = dumps({"order": order_payload(order, lines)})
    for key, value in kept.items():
        setattr(order, key, value)
    rows = []
    for webhook_id in endpoints:
        row = delivery_row(
            store_id=order.store_id,
            webhook_id=webhook_id,
            event=CREATED,
            order_id=None,
            stamp=timestamp(now),
            data_json=data_json,
            now=now,
        )
        rows.append(row | {"order_id": Ref(ORDER, "id"), "body": _with_holes(row["body"], holes)})
    return rows


def _with_holes(body: str, holes: dict[str, Ref]) -> RefText:
    """`body` with the value of each `"<key>":null` of `holes` the Ref's."""
    marks = sorted((body.find(f'"{key}":null'), key) for key in holes)
    texts, start = [], 0
    for at, key in marks:
        mark = f'"{key}":null'
        assert at >= 0 and body.count(mark) == 1, f"the payload names {key} once"
        texts.append(body[start : at + len(mark) - len("null")])
        start = at + len(mark)
    texts.append(body[start:])
    return RefText(tuple(texts), tuple(holes[key] for _, key in marks))


def created_event(store_id: int, form: Form, method: str, now: datetime) -> OrderEvent:
    """The order's first timeline entry: placed by the buyer through this form."""
    return OrderEvent(
        store_id=store_id,
        kind="created",
        actor_label="buyer",
        to_status="pending",
        note=f"Pesanan dibuat lewat formulir {form.slug}",
        data={"form_id": form.id, "payment_method": method},
        created_at=now,
    )
