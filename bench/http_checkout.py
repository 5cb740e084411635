"""Checkout over real HTTP on PostgreSQL, against the physical limit of the same work, in one run (issue 15).

    make bench-tools      # once: installs wrk (Debian package)
    .venv/bin/python bench/http_checkout.py [--duration 15] [--warmup 3] [--connections 64] [--threads 2]
                                            [--pg postgresql://postgres@127.0.0.1:5432/postgres]

Creates a scratch database (bosonline_bench_http_<pid>), dropped at the end; starts `bosonline serve --workers 2
--no-worker` on it (log level WARNING, the public and checkout rate limits raised so that the limiter never
refuses); seeds through the HTTP API 10 stores, each with a warehouse, a product with 2 variants and 10,000,000
units of each, a rate card, a bank account, 2 CS, the generated set of follow-up templates and a published form.
Then wrk (bench/http/checkout.lua: every request a distinct buyer phone and a fresh Idempotency-Key, the store's
form in the body) drives each scenario for a warm-up and then the measured duration:

  1. bosonline checkout, one store          2. bosonline checkout, ten stores (requests round-robin)
  3. the reference checkout (bench/http/reference_app.py: the same transaction hand-written in raw asyncpg behind
     a bare FastAPI endpoint, uvicorn with 2 workers, same schema and data), one store and ten stores
  4. a bare FastAPI endpoint with the same body and one INSERT (the issue's old yardstick)
  5. GET /store (authenticated) and GET /health of bosonline
  6. cold start: spawning `bosonline serve` to its first 200 on /health (median of 3)

Each line: completed (2xx) requests/s, p50/p99 latency (wrk), non-2xx answers, timeouts (wrk: answers slower than
--timeout, which wrk leaves out of its latencies), socket errors, and the CPU time per request done of the server
processes (utime+stime of the whole process tree from /proc, children included) and of the database backends
serving it (pg_stat_activity's pids). wrk stops without waiting for the answers in flight: each run is followed by
a wait until the servers are idle, the CPU is read after it, and a checkout run's requests done are the orders its
Idempotency-Keys made (its 2xx plus those in flight). Under each line, the new PostgreSQL connections the servers
opened during the measured run (pg_stat_database.sessions; a pool that churns opens them under bursts, each one
a TCP connect, SSL attempt, authentication and set-up round trips). Before the scenarios of a server, 8 concurrent checkouts
make sure that every worker process has served one (a worker's first checkout loads the region tables).
Then the issue's goals with PASS/FAIL (informative: the machine is shared and noisy; the exit status is 0 whatever
they say), the rows each server wrote per order (the reference must do the same work), and a correctness check of
what the load wrote (exit status 1 when it fails): per wrk run, the orders its keys made are its 2xx answers plus at
most one in-flight request per connection; no key, order number or order is doubled; each store's order counter
equals its orders and the daily counters count every order; every stock row's `reserved` equals the quantities its
order lines and its movements hold. Not run by CI.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx

HERE = Path(__file__).resolve().parent
LUA_CHECKOUT = HERE / "http" / "checkout.lua"
LUA_COUNT = HERE / "http" / "count.lua"
BIN = Path(sys.executable).parent
DEPOK_VILLAGE = "32.76.01.1006"
STOCK = 10_000_000
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- processes and their CPU ------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds: utime+stime+cutime+cstime) of a live process."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw.rsplit(")", 1)[1].split()
    return int(fields[1]), sum(int(x) for x in fields[11:15]) / CLK_TCK


def tree_cpu(root: int) -> dict[int, float]:
    """CPU seconds of `root` and every process below it, by pid."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (found := _stat(int(entry))) is not None:
            stats[int(entry)] = found
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    out, todo = {}, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            out[pid] = stats[pid][1]
            todo += children.get(pid, [])
    return out


def pids_cpu(pids: list[int]) -> dict[int, float]:
    return {pid: found[1] for pid in pids if (found := _stat(pid)) is not None}


def spent(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds spent between two readings (a process born in between counts from zero)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own session: the server and its workers only
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def spawn(name: str, argv: list[str], env: dict[str, str], port: int, logs: Path) -> Server:
    log = logs / f"{name}.log"
    with log.open("ab") as out:
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return Server(name, port, process, log)


def wait_healthy(server: Server, timeout: float = 120.0) -> float:
    """Seconds until GET /health answers 200 (polled every 20 ms)."""
    started = time.perf_counter()
    with httpx.Client(timeout=1.0) as client:
        while time.perf_counter() - started < timeout:
            if server.process.poll() is not None:
                raise SystemExit(f"{server.name} exited ({server.process.returncode}):\n{_tail(server.log)}")
            try:
                if client.get(f"{server.url}/health").status_code == 200:
                    return time.perf_counter() - started
            except httpx.HTTPError:
                pass
            time.sleep(0.02)
    raise SystemExit(f"{server.name} did not answer /health within {timeout:.0f} s:\n{_tail(server.log)}")


def _tail(log: Path, lines: int = 25) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) + f"\n(whole log: {log})"


# --- the database -------------------------------------------------------------------------------------------------


def query(dsn: str, sql: str, *args: Any) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(dsn)
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    return asyncio.run(run())


def sessions(dsn: str, database: str) -> int:
    """Connections PostgreSQL has accepted to `database` so far (pg_stat_database.sessions, PostgreSQL 14+): a
    backend reports its own at its first idle moment, so the count is current once the servers have settled."""
    rows = query(dsn, "SELECT sessions FROM pg_stat_database WHERE datname = $1", database)
    return int(rows[0]["sessions"])


def backend_pids(dsn: str, database: str) -> list[int]:
    rows = query(dsn, "SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()", database)
    return [row["pid"] for row in rows]


# --- seeding through the API ------------------------------------------------------------------------------------


@dataclass
class Shop:
    subdomain: str
    slug: str
    variants: list[int]
    headers: dict[str, str]

    @property
    def wrk_arg(self) -> str:
        return f"{self.subdomain}:{self.slug}:{self.variants[0]}:{self.variants[1]}"


def _ok(response: httpx.Response, status: int = 200) -> Any:
    if response.status_code != status:
        raise SystemExit(f"seeding: {response.request.method} {response.request.url.path} answered "
                         f"{response.status_code}: {response.text[:500]}")  # fmt: skip
    return response.json()["data"]


def seed(client: httpx.Client, n: int, tag: str) -> Shop:
    email = f"bench-{tag}-{n}@example.com"
    user = _ok(
        client.post(
            "/auth/register",
            json={"name": f"Bench {n}", "email": email, "phone": "081234567890", "password": "rahasia-123"},
        ),
        201,
    )
    headers = {"Authorization": f"Bearer {user['tokens']['access_token']}"}
    subdomain = f"bench{tag}{n}"
    store = {"name": f"Bench {n}", "subdomain": subdomain, "phone": "081234567890"}
    _ok(client.post("/store", json=store, headers=headers), 201)
    warehouse = {
        "name": "Gudang",
        "contact_name": "Bench",
        "contact_phone": "081234567890",
        "address": "Jl. Bench 1",
        "region_code": DEPOK_VILLAGE,
    }
    warehouse_id = _ok(client.post("/profile/warehouse", json=warehouse, headers=headers), 201)["id"]
    product = {
        "name": "Kaos Bench",
        "weight_g": 200,
        "attributes": [{"name": "Warna", "items": ["Merah", "Hitam"]}],
        "variants": [{"options": ["Merah"], "price": 50_000}, {"options": ["Hitam"], "price": 55_000}],
    }
    created = _ok(client.post("/store/product", json=product, headers=headers), 201)
    variants = [v["id"] for v in created["variants"]]
    lines = [{"variant_id": v, "warehouse_id": warehouse_id, "set": STOCK} for v in variants]
    _ok(client.put("/store/inventory", json={"lines": lines}, headers=headers))
    rate = {"courier": "jne", "service": "REG", "pricing": "per_kg", "price": 10_000}
    _ok(client.put("/store/shipping/rates", json={"services": [rate]}, headers=headers))
    account = {"bank_code": "014", "holder_name": "Bench", "account_number": "1234567890"}
    _ok(client.post("/store/rekening", json=account, headers=headers), 201)
    for cs in range(2):
        staff = {"name": f"CS {cs}", "email": f"cs{cs}-{email}", "phone": "081398765432", "role": "cs"}
        _ok(client.post("/store/staff", json=staff | {"password": "rahasia-123"}, headers=headers), 201)
    _ok(client.post(f"/v3/products/{created['id']}/follow-up-chats/generate", headers=headers), 201)
    form = {"title": "Bench", "items": [{"product_id": created["id"]}], "payment_methods": ["bank_transfer", "cod"]}
    slug = _ok(client.post("/store/form", json=form, headers=headers), 201)["slug"]
    return Shop(subdomain, slug, variants, headers)


# --- load -------------------------------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    done: int = 0  # requests whose work was done: the 2xx, and for checkouts the orders of those in flight at the end
    ok: int = 0
    refused: int = 0
    seconds: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    timeouts: int = 0
    socket_errors: int = 0
    server_cpu_s: float = 0.0
    db_cpu_s: float = 0.0
    connections: int = 0  # new PostgreSQL connections during the measured run (the servers' pools opened them)
    sample: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.ok / self.seconds if self.seconds else 0.0

    def cpu_ms(self, cpu: float) -> float:
        return cpu * 1000 / self.done if self.done else float("nan")


@dataclass
class Bench:
    args: argparse.Namespace
    admin_dsn: str
    dsn: str
    database: str
    runs: int = 10  # run numbers 10–99 keep phones and keys of every wrk run apart
    # (run, 2xx, server name) of every checkout run
    checkout_runs: list[tuple[int, int, str]] = field(default_factory=list)

    def wrk(
        self, url: str, script: Path, duration: float, extra: list[str], headers: list[str] | None = None
    ) -> dict[str, Any]:
        argv = ["wrk", "-t", str(self.args.threads), "-c", str(self.args.connections), "-d", f"{duration:g}s"]
        argv += ["--timeout", f"{self.args.timeout:g}s", "-s", str(script)]
        for header in headers or []:
            argv += ["-H", header]
        argv += [url, "--", *extra]
        done = subprocess.run(argv, check=False, capture_output=True, text=True, timeout=duration + 120)
        line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH ")), None)
        if line is None:
            raise SystemExit(f"wrk gave no summary (exit {done.returncode}): {done.stdout}\n{done.stderr}")
        return json.loads(line[6:])  # type: ignore[no-any-return]

    def load(
        self,
        name: str,
        server: Server,
        path: str,
        shops: list[Shop] | None,
        headers: list[str] | None = None,
    ) -> Result:
        """A warm-up run, then the measured run with CPU readings around it."""

        def one(duration: float) -> tuple[dict[str, Any], int]:
            self.runs += 1
            if self.runs > 99:
                raise SystemExit("more than 90 wrk runs: phones and keys would repeat")
            if shops is None:
                return self.wrk(server.url + path, LUA_COUNT, duration, [], headers), self.runs
            extra = [str(self.runs), path, *(shop.wrk_arg for shop in shops)]
            summary = self.wrk(server.url + path, LUA_CHECKOUT, duration, extra, headers)
            if path == "/public/checkout":
                self.checkout_runs.append((self.runs, summary["ok"], server.name))
            return summary, self.runs

        one(self.args.warmup)
        self.settle(server)
        pids = backend_pids(self.admin_dsn, self.database)
        server_before, db_before = tree_cpu(server.process.pid), pids_cpu(pids)
        sessions_before = sessions(self.admin_dsn, self.database)
        summary, run = one(self.args.duration)
        # wrk stops without waiting for the answers in flight: the servers finish them before the CPU is read, and
        # for checkouts the work done is the orders the run's keys made (its 2xx plus those in flight).
        self.settle(server)
        # a pool may have opened connections during the run: their backends count from zero
        server_after = tree_cpu(server.process.pid)
        db_after = pids_cpu(sorted(set(pids) | set(backend_pids(self.admin_dsn, self.database))))
        opened = sessions(self.admin_dsn, self.database) - sessions_before
        done = summary["ok"]
        if shops is not None and path == "/public/checkout":
            try:
                (row,) = query(
                    self.dsn, "SELECT count(order_id) AS n FROM checkout_keys WHERE key LIKE $1", f"bench-{run}-%"
                )
                done = max(done, row["n"])
            except asyncpg.PostgresError as exc:  # the keys live elsewhere now: per 2xx, and say so
                print(f"      (orders per run unknown: {exc}; CPU per 2xx answer instead)")
        return Result(
            name=name,
            done=done,
            ok=summary["ok"],
            refused=summary["refused"],
            seconds=summary["duration_us"] / 1e6,
            p50_ms=summary["p50_us"] / 1000,
            p99_ms=summary["p99_us"] / 1000,
            timeouts=summary["timeouts"],
            socket_errors=summary["connect_errors"] + summary["read_errors"] + summary["write_errors"],
            server_cpu_s=spent(server_before, server_after),
            db_cpu_s=spent(db_before, db_after),
            connections=opened,
            sample=summary["sample"],
        )

    def settle(self, server: Server, longest: float = 120.0) -> None:
        """Waits until the server's processes use less than 5 % of a core and no backend of the database is active
        (the requests left in flight by wrk are done), twice in a row."""
        quiet, started = 0, time.perf_counter()
        while quiet < 2 and time.perf_counter() - started < longest:
            before = sum(tree_cpu(server.process.pid).values())
            time.sleep(0.25)
            busy = (sum(tree_cpu(server.process.pid).values()) - before) / 0.25 > 0.05
            active = query(
                self.admin_dsn,
                """SELECT count(*) AS n FROM pg_stat_activity
                    WHERE datname = $1 AND state = 'active' AND pid <> pg_backend_pid()""",
                self.database,
            )[0]["n"]
            quiet = 0 if busy or active else quiet + 1

    def prime(self, server: Server, path: str, shops: list[Shop], count: int = 8) -> None:
        """`count` concurrent requests, waited for: every worker process has served one before the warm-up (a
        worker's first checkout loads the region tables and fills the statement caches: seconds on a busy machine)."""
        self.runs += 1
        run = self.runs

        def send(n: int) -> int:
            shop = shops[n % len(shops)]
            body = {
                "form": shop.slug,
                "store": shop.subdomain,
                "items": [{"variant_id": shop.variants[0], "quantity": 1}],
                "name": f"Pembeli {n}",
                "phone": f"0812{run:02d}0{n:06d}",
                "region_code": "32.76.01",
                "address": "Jl. Margonda Raya 1",
                "courier": "jne",
                "courier_service": "REG",
                "payment_method": "cod",
            }
            with httpx.Client(timeout=300) as client:
                headers = {"Idempotency-Key": f"bench-{run:02d}-0-{n}"}
                return client.post(server.url + path, json=body, headers=headers).status_code

        with ThreadPoolExecutor(count) as pool:
            statuses = list(pool.map(send, range(count)))
        if any(not 200 <= status < 300 for status in statuses):
            raise SystemExit(f"priming {server.name} {path}: answers {statuses}: see {server.log}")
        if path == "/public/checkout":
            self.checkout_runs.append((run, len(statuses), server.name))


def report(result: Result) -> None:
    print(
        f"  {result.name:<40} {result.rate:8.0f}/s  p50 {result.p50_ms:7.1f} ms  p99 {result.p99_ms:7.1f} ms  "
        f"non-2xx {result.refused:5d}  timeouts {result.timeouts:4d}  socket errors {result.socket_errors:3d}  "
        f"CPU/req server {result.cpu_ms(result.server_cpu_s):6.2f} ms  db {result.cpu_ms(result.db_cpu_s):5.2f} ms",
        flush=True,
    )
    per_1000 = result.connections * 1000 / result.done if result.done else float("nan")
    print(f"      new PostgreSQL connections {result.connections} ({per_1000:.1f} per 1,000 requests done)")
    if result.sample:
        print(f"      first non-2xx: {result.sample[:200]}")


# --- correctness --------------------------------------------------------------------------------------------------


def verify(bench: Bench) -> list[str]:
    """What the load wrote is what the answers said (see the module docstring); returns the failures. A query the
    schema no longer fits is a failure too, naming the error: the bench must then learn the new schema."""
    try:
        return _verify(bench)
    except asyncpg.PostgresError as exc:
        return [f"cannot verify on this schema ({type(exc).__name__}: {exc}): update verify() in {__file__}"]


def _verify(bench: Bench) -> list[str]:
    problems: list[str] = []
    dsn = bench.dsn
    per_run = {
        int(row["run"]): int(row["orders"])
        for row in query(
            dsn,
            """SELECT split_part(key, '-', 2) AS run, count(order_id) AS orders FROM checkout_keys
                WHERE key LIKE 'bench-%' GROUP BY 1""",
        )
    }
    in_flight = 0
    for run, ok, _ in bench.checkout_runs:
        orders = per_run.get(run, 0)
        if not ok <= orders <= ok + bench.args.connections:
            problems.append(f"wrk run {run}: {ok} 2xx answers but {orders} orders in the database")
        in_flight += orders - ok
    total_ok = sum(ok for _, ok, _ in bench.checkout_runs)
    (totals,) = query(
        dsn,
        """SELECT (SELECT count(*) FROM orders) AS orders,
                  (SELECT count(*) FROM checkout_keys WHERE order_id IS NOT NULL) AS keyed,
                  (SELECT count(*) FROM (SELECT 1 FROM orders GROUP BY store_id, number HAVING count(*) > 1) d)
                      AS doubled_numbers,
                  (SELECT count(*) FROM (SELECT 1 FROM checkout_keys WHERE order_id IS NOT NULL
                                          GROUP BY order_id HAVING count(*) > 1) d) AS doubled_keys,
                  (SELECT count(*) FROM store_settings s
                    WHERE s.order_seq <> (SELECT count(*) FROM orders o WHERE o.store_id = s.store_id)) AS bad_seq,
                  (SELECT sum(quantity) FROM order_lines) AS ordered,
                  (SELECT sum(orders) FROM order_daily_stats) AS counted""",
    )
    print(
        f"  orders {totals['orders']} = 2xx answers {total_ok} + {in_flight} in flight when wrk stopped "
        f"(wrk does not wait for them; at most {bench.args.connections} per run); units ordered {totals['ordered']}"
    )
    if totals["orders"] != totals["keyed"]:
        problems.append(f"{totals['orders']} orders but {totals['keyed']} keys with an order")
    if totals["orders"] != sum(per_run.values()):
        problems.append(f"{totals['orders']} orders but the bench's keys made {sum(per_run.values())}")
    if totals["counted"] != totals["orders"]:
        problems.append(f"the daily counters count {totals['counted']} orders, the orders table has {totals['orders']}")
    if totals["doubled_numbers"]:
        problems.append(f"{totals['doubled_numbers']} order numbers used twice in a store")
    if totals["doubled_keys"]:
        problems.append(f"{totals['doubled_keys']} orders claimed by two keys")
    if totals["bad_seq"]:
        problems.append(f"{totals['bad_seq']} stores whose order counter differs from their orders")
    stock = query(
        dsn,
        """SELECT s.variant_id, s.reserved,
                  (SELECT coalesce(sum(l.quantity), 0) FROM order_lines l
                    WHERE l.variant_id = s.variant_id AND l.warehouse_id = s.warehouse_id) AS ordered,
                  (SELECT coalesce(sum(m.delta_reserved), 0) FROM inventory_movements m
                    WHERE m.variant_id = s.variant_id AND m.warehouse_id = s.warehouse_id) AS moved
             FROM stocks s""",
    )
    for row in stock:
        if not row["reserved"] == row["ordered"] == row["moved"]:
            problems.append(
                f"variant {row['variant_id']}: reserved {row['reserved']}, ordered {row['ordered']}, "
                f"movements {row['moved']}"
            )
    print(f"  stock rows checked: {len(stock)} (reserved = ordered quantities = movements)")
    same_work(bench)
    return problems


def same_work(bench: Bench) -> None:
    """Rows written per order by each server: the reference must do the work bosonline does (a difference is
    printed, not failed: the reference may lag behind a new table the checkout writes)."""
    server_of = {run: name for run, _, name in bench.checkout_runs}
    keyed = """SELECT order_id, split_part(key, '-', 2)::int AS run FROM checkout_keys
                WHERE order_id IS NOT NULL AND key LIKE 'bench-%'"""
    counts: dict[str, dict[str, int]] = {}
    for label, table in (
        ("orders", "orders x ON x.id"),
        ("lines", "order_lines x ON x.order_id"),
        ("events", "order_events x ON x.order_id"),
        ("movements", "inventory_movements x ON x.order_id"),
        ("follow-ups", "followup_messages x ON x.order_id"),
        ("webhooks", "webhook_deliveries x ON x.order_id"),
    ):
        try:
            rows = query(
                bench.dsn,
                f"WITH k AS ({keyed}) SELECT k.run, count(*) AS n FROM k JOIN {table} = k.order_id GROUP BY 1",
            )
        except asyncpg.PostgresError as exc:  # a table renamed or gone: say so, keep going
            print(f"  rows per order: {label}: {exc}")
            continue
        for row in rows:
            side = counts.setdefault(server_of.get(row["run"], "?"), {})
            side[label] = side.get(label, 0) + row["n"]
    for side, found in sorted(counts.items()):
        orders = found.get("orders", 0) or 1
        each = ", ".join(f"{label} {n / orders:.2f}" for label, n in found.items() if label != "orders")
        print(f"  rows per order, {side:<10} ({found.get('orders', 0)} orders): {each}")


# --- the run ----------------------------------------------------------------------------------------------------


def goal(label: str, value: float, target: str, passed: bool, unit: str = "") -> None:
    print(f"  {label:<52} {value:9.2f}{unit:<3} goal {target:<8} {'PASS' if passed else 'FAIL'}")


def git_commit() -> str:
    done = subprocess.run(
        ["git", "-C", str(HERE), "log", "-1", "--format=%h %s"], check=False, capture_output=True, text=True
    )
    return done.stdout.strip()[:100] or "unknown"


@contextmanager
def scratch_database(admin_dsn: str, keep: bool) -> Iterator[str]:
    name = f"bosonline_bench_http_{os.getpid()}"
    query(admin_dsn, f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        if keep:
            print(f'database kept: {name} (drop it with: DROP DATABASE "{name}")')
        else:
            query(admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres", help="an admin DSN")
    parser.add_argument("--duration", type=float, default=15.0, help="seconds measured per scenario")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds of the same load before each")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--timeout", type=float, default=5.0, help="wrk: answers slower than this are timeouts (not in latencies)"
    )
    parser.add_argument("--stores", type=int, default=10)
    parser.add_argument("--keep-logs", action="store_true", help="keep the servers' logs (printed path)")
    parser.add_argument("--keep-database", action="store_true", help="do not drop the scratch database")
    parser.add_argument(
        "--only",
        choices=["reads"],
        help="reads: only GET /store (authenticated) and GET /health, and their goal (one store seeded)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print(
            "wrk is missing: `make bench-tools` (as root: apt-get install -y wrk, Debian's package) installs it",
            file=sys.stderr,
        )
        return 2

    print(f"bench/http_checkout.py  {time.strftime('%Y-%m-%d %H:%M:%S %Z')}  commit {git_commit()}")
    wrk_version = subprocess.run(["wrk", "--version"], check=False, capture_output=True, text=True).stdout.splitlines()[
        0
    ]
    print(f"load generator: {wrk_version.strip()}; {args.connections} connections, {args.threads} threads, "
          f"{args.warmup:g} s warm-up + {args.duration:g} s per scenario, timeout {args.timeout:g} s")  # fmt: skip
    print(f"machine: {os.cpu_count()} CPUs, load average at start {os.getloadavg()}", flush=True)

    logs = Path(tempfile.mkdtemp(prefix="bosonline-bench-http-"))
    with scratch_database(args.pg, args.keep_database) as database:
        dsn = args.pg.rsplit("/", 1)[0] + f"/{database}"
        bench = Bench(args, args.pg, dsn, database)
        servers: list[Server] = []
        try:
            problems = run(bench, logs, servers)
        finally:
            for server in servers:
                server.stop()
    print(f"machine load average at end {os.getloadavg()}")
    if args.keep_logs:
        print(f"server logs: {logs}")
    else:
        shutil.rmtree(logs, ignore_errors=True)
    if problems:
        print("CORRECTNESS FAILED:\n  " + "\n  ".join(problems))
        return 1
    print("correctness: OK")
    return 0


def run(bench: Bench, logs: Path, servers: list[Server]) -> list[str]:
    args = bench.args
    env = os.environ | {
        "BOSONLINE_DATABASE_URL": bench.dsn.replace("postgresql://", "postgresql+asyncpg://", 1),
        "BOSONLINE_DATA_DIR": str(logs / "data"),
        "BOSONLINE_LOG_LEVEL": "WARNING",
        "BOSONLINE_PUBLIC_RATE_LIMIT_PER_MINUTE": "100000",
        "BOSONLINE_CHECKOUT_RATE_LIMIT_PER_MINUTE": "100000",
    }
    serve = [str(BIN / "bosonline"), "serve", "--workers", "2", "--no-worker", "--host", "127.0.0.1", "--port"]
    subprocess.run([str(BIN / "bosonline"), "migrate"], env=env, check=True, capture_output=True)

    port = free_port()
    bosonline = spawn("bosonline", [*serve, str(port)], env, port, logs)
    servers.append(bosonline)
    wait_healthy(bosonline)
    started = time.perf_counter()
    tag = str(int(time.time()) % 100_000)
    with httpx.Client(base_url=bosonline.url, timeout=60) as client:
        shops = [seed(client, n, tag) for n in range(1 if args.only == "reads" else args.stores)]
    print(f"seeded {len(shops)} stores through the API in {time.perf_counter() - started:.1f} s", flush=True)

    results: dict[str, Result] = {}
    if args.only == "reads":
        print("\nscenarios (2xx answers/s, wrk latency, refusals; CPU per request done: server processes, database backends):")  # fmt: skip
        reads(bench, bosonline, shops, results)
        bosonline.stop()
        print("\ngoals (issue 15; informative, the machine is shared):")
        store_goal(results)
        return []
    bench.prime(bosonline, "/public/checkout", shops)
    print(
        "\nscenarios (2xx answers/s, wrk latency, refusals; CPU per request done: server processes, database backends):"
    )
    for key, name, chosen in (
        ("one", "bosonline checkout, one store", shops[:1]),
        ("ten", "bosonline checkout, ten stores", shops),
    ):
        results[key] = bench.load(name, bosonline, "/public/checkout", chosen)
        report(results[key])
    reads(bench, bosonline, shops, results)
    bosonline.stop()

    query(
        bench.dsn,
        """CREATE TABLE IF NOT EXISTS bench_one_insert (id bigserial PRIMARY KEY, phone text NOT NULL,
                        name text NOT NULL, key text NOT NULL, created_at timestamptz NOT NULL)""",
    )
    port = free_port()
    uvicorn = [str(BIN / "uvicorn"), "--app-dir", str(HERE / "http"), "reference_app:app", "--workers", "2"]
    uvicorn += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]
    reference = spawn("reference", uvicorn, os.environ | {"BENCH_DSN": bench.dsn}, port, logs)
    servers.append(reference)
    wait_healthy(reference)
    bench.prime(reference, "/public/checkout", shops)
    bench.prime(reference, "/one-insert", shops)
    for key, name, chosen in (
        ("ref_one", "reference checkout, one store", shops[:1]),
        ("ref_ten", "reference checkout, ten stores", shops),
    ):
        results[key] = bench.load(name, reference, "/public/checkout", chosen)
        report(results[key])
    results["insert"] = bench.load("bare FastAPI, same body, one INSERT", reference, "/one-insert", shops)
    report(results["insert"])
    reference.stop()

    cold = []
    for attempt in range(3):
        port = free_port()
        server = spawn(f"cold-{attempt}", [*serve, str(port)], env, port, logs)
        servers.append(server)
        cold.append(wait_healthy(server))
        server.stop()
    cold_start = statistics.median(cold)
    print(f"  {'cold start: spawn to first 200 on /health':<40} median {cold_start:.2f} s of "
          + ", ".join(f"{c:.2f}" for c in cold))  # fmt: skip

    one, ten, ref_one, ref_ten = results["one"], results["ten"], results["ref_one"], results["ref_ten"]
    print(f"\n  reference CPU per checkout (server): one store {ref_one.cpu_ms(ref_one.server_cpu_s):.2f} ms, ten stores "
          f"{ref_ten.cpu_ms(ref_ten.server_cpu_s):.2f} ms; one INSERT {results['insert'].rate:.0f}/s; bosonline "
          f"ten stores = {ten.rate / results['insert'].rate if results['insert'].rate else 0:.3f} x one INSERT")  # fmt: skip
    print("\ngoals (issue 15; informative, the machine is shared):")
    ratio_ten = ten.rate / ref_ten.rate if ref_ten.rate else 0.0
    ratio_one = one.rate / ref_one.rate if ref_one.rate else 0.0
    goal("bosonline / reference checkout, ten stores", ratio_ten, ">= 0.5", ratio_ten >= 0.5, "x")
    goal("bosonline / reference checkout, one store", ratio_one, ">= 0.5", ratio_one >= 0.5, "x")
    goal("checkouts/s, ten stores", ten.rate, ">= 300", ten.rate >= 300, "/s")
    cpu = ten.cpu_ms(ten.server_cpu_s)
    goal("server CPU per checkout, ten stores", cpu, "<= 4", cpu <= 4, "ms")
    spread = one.rate / ten.rate if ten.rate else 0.0
    goal(
        f"one store / ten stores (timeouts: {one.timeouts})", spread, ">= 0.8", spread >= 0.8 and not one.timeouts, "x"
    )
    store_goal(results)
    goal("cold start (median of 3)", cold_start, "<= 2", cold_start <= 2, "s")

    print("\ncorrectness after the load:")
    return verify(bench)


def reads(bench: Bench, bosonline: Server, shops: list[Shop], results: dict[str, Result]) -> None:
    """GET /store as the first store's seller, then GET /health, on the same server."""
    auth = [f"Authorization: {shops[0].headers['Authorization']}"]
    results["store"] = bench.load("GET /store (authenticated)", bosonline, "/store", None, auth)
    report(results["store"])
    results["health"] = bench.load("GET /health", bosonline, "/health", None)
    report(results["health"])


def store_goal(results: dict[str, Result]) -> None:
    store_cost = results["health"].rate / results["store"].rate if results["store"].rate else float("inf")
    goal("GET /store cost / GET /health cost (throughput)", store_cost, "<= 2", store_cost <= 2, "x")


if __name__ == "__main__":
    sys.exit(main())
