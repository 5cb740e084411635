"""Order List, Recap Order List and Detail Order over one store with 1,000,000 orders, against /health and the
raw SQL of the same requests in the same run (PostgreSQL only).

    .venv/bin/python bench/orders_large.py [--orders 1000000] [--runs 50] [--explain] [--keep]
        [--database-url postgresql://...]   # default: $BOSONLINE_BENCH_DATABASE_URL, else a scratch database
                                            # created on $BOSONLINE_BENCH_SERVER_URL (postgresql://postgres@
                                            # 127.0.0.1:5432/postgres) and dropped at the end
        [--reuse]                           # measure the store a previous --keep run built in --database-url
                                            # (migrated to this code's head first) instead of building one

The store, its owner, 5 CS and 3 products are made through the API. The orders are not: they are generated in
Python (spread over 365 days, realistic mixes of statuses, payment methods and handlers, 1–3 lines each, 250,000
repeat buyers with mobile numbers of the usual operators and lengths) and loaded with COPY, together with the
recap counters (`order_daily_stats`) computed while generating, exactly as order/stats.py keys them. Then VACUUM
ANALYZE, a fresh login, and each endpoint timed in-process (httpx ASGI transport, no network) with a real owner
token: p50/p95 over --runs runs after 3 warm-ups, and the process's CPU time per request.

Raw SQL: the statements one request sends are captured with their parameters and replayed through asyncpg
(prepared, as the app's driver prepares them), in a transaction like the request's, interleaved with the
requests (the machine's noise hits both alike): all of them (authentication and store context included), and the
list's own (those sent by OrderListService.list, also timed in-process). The goal of issue 15: the first page
with a status filter within 2 × raw + 1 ms, and a phone search (complete and partial numbers) p95 < 20 ms.
`--explain` prints EXPLAIN ANALYZE of every statement the list and recap requests send. Not run by CI.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import asyncpg
import httpx
from sqlalchemy import event
from sqlalchemy.engine import make_url

from bosonline.app import create_app
from bosonline.config import Settings
from bosonline.migrate import upgrade
from bosonline.models import Order, OrderDailyStat, OrderLine
from bosonline.order.list_service import OrderListService
from bosonline.runtime import Runtime
from bosonline.wiring import build_runtime

PASSWORD = "rahasia-123"
DAYS = 365
CUSTOMERS = 250_000
CHUNK = 50_000
# Older orders have run their course; the newest ones are still being worked.
OLD_STATUSES = (("completed", 52), ("closed", 12), ("canceled", 16), ("rts", 6), ("shipped", 2), ("draft", 1))
NEW_STATUSES = (
    ("pending", 30), ("confirmed", 18), ("in_process", 10), ("ready", 8), ("shipped", 20), ("completed", 6),
    ("canceled", 8),
)  # fmt: skip
METHODS = (("cod", 55), ("bank_transfer", 35), ("qris", 10))
COURIERS = (("jne", "REG"), ("jnt", "EZ"), ("sicepat", "BEST"), ("anteraja", "REG"), ("ninja", "STANDARD"))
FIRST_NAMES = ("Siti", "Budi", "Dewi", "Agus", "Rina", "Andi", "Putri", "Joko", "Sri", "Rudi", "Wati", "Eko")
LAST_NAMES = ("Aminah", "Santoso", "Lestari", "Saputra", "Wulandari", "Hidayat", "Purnama", "Nugroho", "Sari")
# Mobile prefixes of the Indonesian operators (08xx); subscriber numbers of 7–9 digits (11–13 digits as 08…).
OPERATORS = (
    "811", "812", "813", "821", "822", "823", "851", "852", "853", "855", "856", "857", "858", "877", "878",
    "881", "882", "883", "895", "896", "897", "898", "899", "831", "838",
)  # fmt: skip


def plain_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def async_url(url: str) -> str:
    return make_url(url).set(drivername="postgresql+asyncpg").render_as_string(hide_password=False)


def pick(weighted: tuple[tuple[str, int], ...]) -> list[str]:
    """A lookup list to draw from with random.choice (weights as repetitions)."""
    return [value for value, weight in weighted for _ in range(weight)]


def payment_status_of(status: str, method: str, rng: random.Random) -> str:
    if status in ("draft", "pending", "canceled"):
        return "unpaid"
    if method == "cod":  # the courier collects on delivery; remitted later
        if status in ("completed", "closed"):
            return "settled" if rng.random() < 0.7 else "paid"
        return "unpaid"
    return "conflict" if rng.random() < 0.01 else "paid"


# ----------------------------------------------------------------------------------------------------------------
# Setup through the API


async def ok(response: Awaitable[httpx.Response], status: int = 200) -> dict[str, Any]:
    result = await response
    assert result.status_code == status, result.text
    return result.json()["data"]  # type: ignore[no-any-return]


async def setup(client: httpx.AsyncClient, email: str) -> tuple[int, list[int], list[tuple[int, int, str, int, str]]]:
    """The store id, its 5 CS member ids, and the products' variants (product_id, variant_id, names, price, sku)."""
    user = await ok(
        client.post(
            "/auth/register", json={"name": "Bench", "email": email, "phone": "081234567890", "password": PASSWORD}
        ),
        201,
    )
    headers = {"Authorization": f"Bearer {user['tokens']['access_token']}"}
    subdomain = f"bench{time.time_ns() % 10**9}"
    store = await ok(
        client.post("/store", json={"name": "Bench", "subdomain": subdomain, "phone": "081234567890"}, headers=headers),
        201,
    )
    handlers = []
    for n in range(5):
        staff = {"name": f"CS {n + 1}", "email": f"cs{n}-{email}", "phone": "081398765432", "role": "cs",
                 "password": PASSWORD}  # fmt: skip
        handlers.append((await ok(client.post("/store/staff", json=staff, headers=headers), 201))["id"])
    variants = []
    for name, colors, price in (("Kaos Polos", ["Merah", "Hitam", "Putih"], 50_000), ("Kopi Gayo", [], 85_000),
                                ("Hijab Segi Empat", ["Mocca", "Navy"], 45_000)):  # fmt: skip
        body: dict[str, Any] = {"name": name, "weight_g": 250}
        if colors:
            body["attributes"] = [{"name": "Warna", "items": colors}]
            body["variants"] = [{"options": [c], "price": price, "sku": f"{name[:4].upper()}-{c.upper()}"}
                                for c in colors]  # fmt: skip
        else:
            body["variants"] = [{"options": [], "price": price, "sku": name[:4].upper()}]
        product = await ok(client.post("/store/product", json=body, headers=headers), 201)
        for variant in product["variants"]:
            variants.append((product["id"], variant["id"], f"{name}\x00{variant['name']}", variant["price"],
                             variant["sku"]))  # fmt: skip
    return store["id"], handlers, variants


# ----------------------------------------------------------------------------------------------------------------
# Bulk load


async def bulk_load(
    dsn: str,
    store_id: int,
    n_orders: int,
    handlers: list[int],
    variants: list[tuple[int, int, str, int, str]],
    timezone: str,
) -> dict[str, float]:
    rng = random.Random(42)
    zone = ZoneInfo(timezone)
    conn = await asyncpg.connect(dsn)
    timings: dict[str, float] = {}
    started = time.perf_counter()
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        start = now - timedelta(days=DAYS)
        first_customer = int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM customers")) + 1
        customers = []
        phones: set[str] = set()
        for n in range(CUSTOMERS):
            phone = ""
            while not phone or phone in phones:
                digits = rng.choice((7, 8, 8, 8, 9))
                phone = f"62{rng.choice(OPERATORS)}{rng.randrange(10**digits):0{digits}d}"
            phones.add(phone)
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)} {n}"
            customers.append((first_customer + n, store_id, phone, name, None, start, start))
        await conn.copy_records_to_table(
            "customers", records=customers,
            columns=["id", "store_id", "phone", "name", "email", "created_at", "updated_at"],
        )  # fmt: skip
        order_columns = [column.name for column in Order.__table__.columns]
        line_columns = [column.name for column in OrderLine.__table__.columns]
        first_order = int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM orders")) + 1
        first_line = int(await conn.fetchval("SELECT coalesce(max(id), 0) FROM order_lines")) + 1
        old, new, methods = pick(OLD_STATUSES), pick(NEW_STATUSES), pick(METHODS)
        handler_pool = handlers * 19 + [None] * 5  # 5 % of orders were never assigned
        stats: dict[tuple[date, str, str, str, int], list[int]] = defaultdict(lambda: [0, 0])
        line_id = first_line
        span = DAYS * 86_400
        for chunk_start in range(0, n_orders, CHUNK):
            orders: list[tuple[Any, ...]] = []
            lines: list[tuple[Any, ...]] = []
            for i in range(chunk_start, min(chunk_start + CHUNK, n_orders)):
                order_id = first_order + i
                created = start + timedelta(seconds=span * i / n_orders + rng.random())
                age_days = (now - created).days
                status = rng.choice(new if age_days < 10 else old)
                method = rng.choice(methods)
                payment_status = payment_status_of(status, method, rng)
                handler = rng.choice(handler_pool)
                customer_n = rng.randrange(CUSTOMERS)
                customer = customers[customer_n]
                goods = 0
                weight = 0
                for position in range(rng.choice((1, 1, 1, 2, 2, 3))):
                    product_id, variant_id, names, price, sku = rng.choice(variants)
                    product_name, variant_name = names.split("\x00")
                    quantity = rng.choice((1, 1, 1, 2, 3))
                    goods += price * quantity
                    weight += 250 * quantity
                    line = {
                        "id": line_id, "order_id": order_id, "store_id": store_id, "product_id": product_id,
                        "variant_id": variant_id, "warehouse_id": None, "product_name": product_name,
                        "variant_name": variant_name, "sku": sku, "unit_price": price, "weight_g": 250,
                        "quantity": quantity, "subtotal": price * quantity, "position": position,
                    }  # fmt: skip
                    lines.append(tuple(line[name] for name in line_columns))
                    line_id += 1
                courier, service = rng.choice(COURIERS)
                shipping = 10_000 * max(1, weight // 1000)
                cod_fee = (goods + shipping) * 3 // 100 if method == "cod" else 0
                unique_code = rng.randint(1, 999) if method == "bank_transfer" else 0
                total = goods + shipping + cod_fee - unique_code
                local_day = created.astimezone(zone).date()
                values = {
                    "id": order_id, "store_id": store_id, "number": f"INV/{local_day:%Y%m%d}/{i + 1:05d}",
                    "secret_slug": f"b{order_id:015x}{rng.getrandbits(60):015x}", "form_id": None,
                    "customer_id": customer[0], "handler_id": handler, "warehouse_id": None, "status": status,
                    "payment_status": payment_status, "payment_method": method, "product_price": goods,
                    "product_discount": 0, "shipping_cost": shipping, "shipping_discount": 0, "cod_fee": cod_fee,
                    "other_fee": 0, "other_fee_name": None, "unique_code": unique_code, "total": total,
                    "voucher_id": None, "voucher_code": None, "courier": courier, "courier_service": service,
                    "weight_g": weight, "customer_name": customer[3], "customer_phone": customer[2],
                    "customer_email": None, "address": f"Jl. Margonda Raya No. {i % 300 + 1}",
                    "region_code": "32.76.01", "region_name": "Pancoran Mas, Kota Depok, Jawa Barat",
                    "postal_code": "16431", "notes": None, "qris_payload": None, "source": "form",
                    "paid_at": created + timedelta(hours=2) if payment_status != "unpaid" else None,
                    "bank_account_id": None, "bank_name": None, "bank_account_number": None,
                    "bank_account_holder": None, "payer_name": None, "paid_amount": None,
                    "awb": f"JP{order_id:010d}" if status in ("shipped", "completed", "rts", "closed") else None,
                    "shipment_status": None, "shipped_at": None, "status_changed_at": created,
                    "created_at": created, "updated_at": created,
                }  # fmt: skip
                orders.append(tuple(values[name] for name in order_columns))
                counter = stats[(local_day, status, payment_status, method, handler or 0)]
                counter[0] += 1
                counter[1] += total
            await conn.copy_records_to_table("orders", records=orders, columns=order_columns)
            await conn.copy_records_to_table("order_lines", records=lines, columns=line_columns)
            print(f"  {min(chunk_start + CHUNK, n_orders):>9,} orders loaded ({time.perf_counter() - started:5.0f} s)")
        timings["orders + lines (generate + COPY)"] = time.perf_counter() - started
        stat_columns = [column.name for column in OrderDailyStat.__table__.columns]
        stat_rows = []
        for (day, status, payment_status, method, handler), (count, total) in stats.items():
            values = {"store_id": store_id, "day": day, "status": status, "payment_status": payment_status,
                      "payment_method": method, "handler_id": handler, "orders": count, "total": total}  # fmt: skip
            stat_rows.append(tuple(values[name] for name in stat_columns))
        await conn.copy_records_to_table("order_daily_stats", records=stat_rows, columns=stat_columns)
        for table in ("customers", "orders", "order_lines"):
            await conn.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        print(f"  {len(stat_rows):,} recap counter rows; {line_id - first_line:,} lines")
        mark = time.perf_counter()
        await conn.execute("VACUUM ANALYZE")
        timings["VACUUM ANALYZE"] = time.perf_counter() - mark
        timings["build total"] = time.perf_counter() - started
    finally:
        await conn.close()
    return timings


# ----------------------------------------------------------------------------------------------------------------
# Measurement


# Whether OrderListService.list is running (one request at a time here): its statements are the list's own part.
IN_LIST = {"now": False}
SERVICE_MS: list[float] = []


def instrument_list_service() -> None:
    """Times OrderListService.list in-process and marks the statements it sends."""
    original = OrderListService.list

    async def timed_list(self: OrderListService, *args: Any, **kwargs: Any) -> Any:
        IN_LIST["now"] = True
        started = time.perf_counter()
        try:
            return await original(self, *args, **kwargs)
        finally:
            SERVICE_MS.append((time.perf_counter() - started) * 1000)
            IN_LIST["now"] = False

    OrderListService.list = timed_list  # type: ignore[method-assign]


async def timed(call: Callable[[], Awaitable[httpx.Response]], runs: int) -> tuple[list[float], list[float]]:
    """Wall and process CPU milliseconds of `runs` calls, after 3 warm-ups."""
    for _ in range(3):
        response = await call()
        assert response.status_code == 200, response.text
    samples, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = await call()
        samples.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, response.text
    return samples, cpu


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)


Statement = tuple[bool, str, Any]  # (sent by the list service, SQL, parameters)


async def capture(runtime: Runtime, client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> list[Statement]:
    """The statements one request to `path` sends, with their parameters."""
    captured: list[Statement] = []

    def before(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        captured.append((IN_LIST["now"], statement, tuple(parameters or ())))

    engine = runtime.db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", before)
    try:
        assert (await client.get(path, headers=headers)).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", before)
    return captured


async def replay(conn: asyncpg.Connection, statements: list[Statement], transaction: bool) -> None:
    if transaction:
        async with conn.transaction():
            for _, sql, parameters in statements:
                await conn.fetch(sql, *parameters)
    else:
        for _, sql, parameters in statements:
            await conn.fetch(sql, *parameters)


@dataclass
class Compared:
    label: str
    statements: list[Statement]
    endpoint: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    service: list[float] = field(default_factory=list)
    raw_all: list[float] = field(default_factory=list)
    raw_list: list[float] = field(default_factory=list)


async def compare(
    runtime: Runtime, dsn: str, client: httpx.AsyncClient, label: str, path: str, headers: dict[str, str], runs: int
) -> Compared:
    """The endpoint against the raw SQL of its own statements, run after run (interleaved)."""
    result = Compared(label, await capture(runtime, client, path, headers))
    mine = [statement for statement in result.statements if statement[0]]
    conn = await asyncpg.connect(dsn)
    try:
        for n in range(runs + 3):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = await client.get(path, headers=headers)
            wall, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - started_cpu) * 1000
            assert response.status_code == 200, response.text
            started = time.perf_counter()
            await replay(conn, result.statements, transaction=True)
            raw_all = (time.perf_counter() - started) * 1000
            started = time.perf_counter()
            await replay(conn, mine, transaction=False)
            raw_list = (time.perf_counter() - started) * 1000
            if n >= 3:  # warm-ups: the driver's and the server's caches
                result.endpoint.append(wall)
                result.cpu.append(cpu)
                result.service.append(SERVICE_MS[-1])
                result.raw_all.append(raw_all)
                result.raw_list.append(raw_list)
    finally:
        await conn.close()
    return result


def report(result: Compared, runs: int) -> None:
    mine = sum(1 for statement in result.statements if statement[0])
    print(f"\n{result.label}: {runs} runs, endpoint and raw SQL interleaved")
    for listed, sql, _ in result.statements:
        print(f"  {'list' if listed else 'auth'}  {' '.join(sql.split())[:110]}")
    print(f"  {'':<58} {'p50 ms':>8} {'p95 ms':>8} {'min ms':>8}")
    rows = [
        ("endpoint (in-process HTTP)", result.endpoint),
        ("  of which process CPU", result.cpu),
        (f"raw SQL: its {len(result.statements)} statements + BEGIN/COMMIT (asyncpg)", result.raw_all),
        ("OrderListService.list in-process (the list's part)", result.service),
        (f"raw SQL: the list's {mine} statements (asyncpg)", result.raw_list),
    ]
    for label, samples in rows:
        print(f"  {label:<58} {statistics.median(samples):8.2f} {p95(samples):8.2f} {min(samples):8.2f}")
    endpoint, raw = statistics.median(result.endpoint), statistics.median(result.raw_all)
    service, raw_list = statistics.median(result.service), statistics.median(result.raw_list)
    print(
        f"  endpoint / raw SQL = {endpoint / raw:.2f}x; goal endpoint <= 2 x raw + 1 ms = {2 * raw + 1:.2f} ms: "
        f"{'MET' if endpoint <= 2 * raw + 1 else 'MISSED'}"
    )
    print(
        f"  list's part / its raw SQL = {service / raw_list:.2f}x; within 2 x raw + 1 ms = {2 * raw_list + 1:.2f} ms:"
        f" {'MET' if service <= 2 * raw_list + 1 else 'MISSED'} (the rest is authentication and store context)"
    )


async def explain(runtime: Runtime, dsn: str, client: httpx.AsyncClient, path: str, headers: dict[str, str]) -> None:
    """EXPLAIN ANALYZE of each statement `path` sends (captured with its parameters, replayed through asyncpg)."""
    captured = await capture(runtime, client, path, headers)
    conn = await asyncpg.connect(dsn)
    try:
        print(f"\n=== {path}")
        for _, statement, parameters in captured:
            if not statement.lstrip().upper().startswith("SELECT") or "FROM users" in statement:
                continue
            plan = await conn.fetch(f"EXPLAIN (ANALYZE, BUFFERS) {statement}", *parameters)
            print("--- " + " ".join(statement.split())[:300])
            print("\n".join(row[0] for row in plan))
    finally:
        await conn.close()


async def existing_store(dsn: str) -> tuple[int, int, str, list[int]]:
    """The largest store of a kept bench database: its id, orders, owner's email and CS member ids."""
    conn = await asyncpg.connect(dsn)
    try:
        store_id, n_orders = await conn.fetchrow(
            "SELECT store_id, count(*) FROM orders GROUP BY store_id ORDER BY 2 DESC LIMIT 1"
        )
        email = await conn.fetchval(
            "SELECT u.email FROM users u JOIN store_members m ON m.user_id = u.id"
            " WHERE m.store_id = $1 AND m.role = 'owner'",
            store_id,
        )
        handlers = [
            row[0]
            for row in await conn.fetch(
                "SELECT id FROM store_members WHERE store_id = $1 AND role = 'cs' ORDER BY id", store_id
            )
        ]
    finally:
        await conn.close()
    return int(store_id), int(n_orders), str(email), handlers


@asynccontextmanager
async def bench_runtime(
    database_url: str | None, reuse: bool, keep: bool, kind: str
) -> AsyncIterator[tuple[Runtime, str, str]]:
    """A migrated runtime on `database_url` (else $BOSONLINE_BENCH_DATABASE_URL, else a scratch database
    `bosonline_bench_<kind>_<pid>` created on $BOSONLINE_BENCH_SERVER_URL and dropped at the end unless `keep`), its
    URL and plain DSN; the pool is closed on the way out."""
    scratch: str | None = None
    server = os.environ.get("BOSONLINE_BENCH_SERVER_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    url = database_url or os.environ.get("BOSONLINE_BENCH_DATABASE_URL")
    assert url is not None or not reuse, "--reuse measures the database of --database-url"
    if url is None:
        scratch = f"bosonline_bench_{kind}_{os.getpid()}"
        admin = await asyncpg.connect(plain_dsn(server))
        await admin.execute(f'CREATE DATABASE "{scratch}"')
        await admin.close()
        url = make_url(server).set(database=scratch).render_as_string(hide_password=False)
    assert make_url(url).get_backend_name() == "postgresql", "this bench needs PostgreSQL"
    settings = Settings(
        data_dir=Path(tempfile.mkdtemp(prefix="bosonline-bench-")), database_url=async_url(url), log_level="ERROR"
    )
    runtime = build_runtime(settings)
    try:
        await upgrade(runtime.db)
        yield runtime, url, plain_dsn(url)
    finally:
        await runtime.db.dispose()
        shutil.rmtree(settings.data_dir, ignore_errors=True)
        if scratch is not None and keep:
            print(f"kept {url}")
        elif scratch is not None:
            admin = await asyncpg.connect(plain_dsn(server))
            await admin.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
            await admin.close()
            print(f"dropped {scratch}")


async def the_store(
    client: httpx.AsyncClient, url: str, dsn: str, n_orders: int, reuse: bool
) -> tuple[int, int, str, list[int], dict[str, float]]:
    """The store measured: with `reuse` the largest of the database, else one built with `n_orders` orders. Its id,
    orders, owner's e-mail, CS member ids and the build's timings (none when reused)."""
    if reuse:
        store_id, n_orders, email, handlers = await existing_store(dsn)
        print(f"database: PostgreSQL {make_url(url).database}; reusing store {store_id} ({n_orders:,} orders)")
        return store_id, n_orders, email, handlers, {}
    email = f"bench-{time.time_ns()}@example.com"
    store_id, handlers, variants = await setup(client, email)
    print(f"database: PostgreSQL {make_url(url).database}; building {n_orders:,} orders …")
    build = await bulk_load(dsn, store_id, n_orders, handlers, variants, "Asia/Jakarta")
    return store_id, n_orders, email, handlers, build


def run(main: Callable[..., Awaitable[None]], doc: str | None) -> None:
    """The command line of a large-store bench, then `main(orders, runs, database_url, explain, keep, reuse)`."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (to study plans, --reuse)")
    parser.add_argument("--reuse", action="store_true", help="measure the store already in --database-url")
    args = parser.parse_args()
    asyncio.run(main(args.orders, args.runs, args.database_url, args.explain, args.keep, args.reuse))


async def main(n_orders: int, runs: int, database_url: str | None, show_plans: bool, keep: bool, reuse: bool) -> None:
    instrument_list_service()
    async with bench_runtime(database_url, reuse, keep, "orders") as (runtime, url, dsn):
        app = create_app(runtime=runtime)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench", timeout=600) as client:
            store_id, n_orders, email, handlers, build = await the_store(client, url, dsn, n_orders, reuse)
            tokens = await ok(client.post("/auth/login", json={"email": email, "password": PASSWORD}))
            headers = {"Authorization": f"Bearer {tokens['access_token']}"}
            conn = await asyncpg.connect(dsn)
            try:
                recent = int(await conn.fetchval("SELECT max(id) FROM orders WHERE store_id = $1", store_id))
                phone = str(await conn.fetchval("SELECT customer_phone FROM orders WHERE id = $1", recent - 1000))
                # A rare name (a few orders): found through the trigram index on names (migration 0004).
                rare = str(await conn.fetchval("SELECT customer_name FROM orders WHERE id = $1", recent - 2000))
                today = (datetime.now(UTC) + timedelta(hours=7)).date()
            finally:
                await conn.close()
            month = {"date_from": (today - timedelta(days=29)).isoformat(), "date_to": today.isoformat()}
            local = "0" + phone[2:]
            plus = f"+62 {phone[2:5]}-{phone[5:9]}-{phone[9:]}"
            phone_cases = [
                (f"complete, 08… ({local})", local),
                (f"complete, +62 ({plus})", plus),
                (f"partial, 8 digits ({local[:8]})", local[:8]),
                (f"partial, 6 digits ({local[:6]})", local[:6]),
            ]
            cases: list[tuple[str, str, dict[str, Any]]] = [
                ("GET /health (baseline)", "/health", {}),
                ("Order List ?status=pending", "/store/order", {"status": "pending"}),
                ("Order List (unfiltered)", "/store/order", {}),
                ("Recap Order List", "/store/order/recap", {}),
                ("Recap Order List, 30 days", "/store/order/recap", month),
                *((f"Order List ?q= phone {label}", "/store/order", {"q": q}) for label, q in phone_cases),
                (f"Order List ?q={rare.split()[-2]} {rare.split()[-1]}", "/store/order",
                 {"q": " ".join(rare.split()[-2:])}),
                ("Order List ?q=siti (common name)", "/store/order", {"q": "siti"}),
                ("Detail Order", f"/store/order/{recent - 10}", {}),
                ("Order List, 30 days", "/store/order", month),
                ("Order List, 30 days 10 months ago", "/store/order", {
                    "date_from": (today - timedelta(days=300)).isoformat(),
                    "date_to": (today - timedelta(days=271)).isoformat()}),
                ("Order List ?payment_status=conflict", "/store/order", {"payment_status": "conflict"}),
                ("Order List ?courier=sicepat (counted)", "/store/order", {"courier": "sicepat"}),
                ("Order List ?handler_id&status=shipped", "/store/order", {"handler_id": handlers[0],
                                                                          "status": "shipped"}),
            ]  # fmt: skip
            results = []
            for label, path, params in cases:
                samples, cpu = await timed(lambda p=path, q=params: client.get(p, params=q, headers=headers), runs)
                results.append((label, statistics.median(samples), p95(samples), statistics.median(cpu)))
            first_page = await compare(
                runtime, dsn, client, "Order List, first page, ?status=pending", "/store/order?status=pending",
                headers, runs,
            )  # fmt: skip
            phone_search = []
            for label, q in phone_cases:
                path = "/store/order?" + urlencode({"q": q})
                phone_search.append(
                    await compare(runtime, dsn, client, f"Order List, phone {label}", path, headers, runs)
                )
            download_s = size = rows = 0.0
            if not reuse or n_orders <= 1_000_000:
                # Download Order List of ~100,000 orders (37 days), streamed: once, wall time and size.
                since = {"date_from": (today - timedelta(days=36)).isoformat(), "format": "csv"}
                started = time.perf_counter()
                async with client.stream("POST", "/store/order/download", json=since, headers=headers) as response:
                    assert response.status_code == 200
                    async for chunk in response.aiter_bytes():
                        size += len(chunk)
                        rows += chunk.count(b"\n")
                download_s = time.perf_counter() - started
            if show_plans:
                for path in ("/store/order?status=pending", "/store/order", f"/store/order?q={local}",
                             f"/store/order?q={local[:8]}", f"/store/order?q={local[:6]}",
                             "/store/order/recap"):  # fmt: skip
                    await explain(runtime, dsn, client, path, headers)
        if build:
            print(f"\nbuild ({n_orders:,} orders):")
            for label, seconds in build.items():
                print(f"  {label:<36} {seconds:8.1f} s")
        if download_s:
            print(
                f"\nDownload Order List (csv): {rows - 1:,.0f} orders, {size / 1e6:.1f} MB in {download_s:.1f} s "
                f"({(rows - 1) / download_s:,.0f} orders/s)"
            )
        baseline = results[0][1]
        print(f"\n{'endpoint':<56} {'p50 ms':>8} {'p95 ms':>8} {'x /health':>10} {'cpu ms':>7}   ({runs} runs each)")
        for label, p50, high, cpu in results:
            print(f"{label:<56} {p50:8.1f} {high:8.1f} {p50 / baseline:10.1f} {cpu:7.2f}")
        report(first_page, runs)
        for result in phone_search:
            report(result, runs)
        print("\nPhone search (goal: p95 < 20 ms):")
        for result in phone_search:
            high = p95(result.endpoint)
            print(f"  {result.label:<56} p95 {high:6.1f} ms  {'MET' if high < 20 else 'MISSED'}")


if __name__ == "__main__":
    run(main, __doc__)
