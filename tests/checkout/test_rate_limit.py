"""Per-client rate limits (kit/ratelimit.py): shared by every app instance through the database or Redis, counted
before the request's transaction (a refused or failed request still counts), the database counter is one
statement and no transaction of its own, and a Redis that does not answer hands the count to the database."""

from __future__ import annotations

import asyncio
import json
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from redis.asyncio import Redis
from sqlalchemy import select

from bosonline.app import create_app
from bosonline.kit.ratelimit import RateLimits
from bosonline.models import RateLimitWindow
from bosonline.runtime import Runtime
from bosonline.wiring import build_runtime
from tests.checkout.helpers import CheckoutShop, make_checkout_shop, place
from tests.conftest import test_settings as settings_for_tests
from tests.envelope import assert_error
from tests.querycount import count_queries, on_the_wire

REDIS_URL = os.environ.get("BOSONLINE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
DEAD_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: refused at once


@pytest.fixture
async def redis_url() -> AsyncIterator[str]:
    client = Redis.from_url(REDIS_URL, socket_timeout=1, socket_connect_timeout=1)
    try:
        await client.ping()
    except Exception as exc:  # noqa: BLE001 — any failure means: no Redis to test against
        pytest.skip(f"Redis not reachable at {REDIS_URL} (BOSONLINE_TEST_REDIS_URL): {exc}")
    finally:
        await client.aclose()
    yield REDIS_URL


@asynccontextmanager
async def second_instance(rt: Runtime, database_url: str, data_dir: Path) -> AsyncIterator[Runtime]:
    """Another app instance on the same database (what a second process is), with the same clock."""
    other = build_runtime(settings_for_tests(data_dir, database_url), clock=rt.clock)
    try:
        yield other
    finally:
        await other.rate_limits.close()
        await other.db.dispose()


def client_of(runtime: Runtime, ip: str) -> httpx.AsyncClient:
    app = create_app(runtime=runtime)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(ip, 4321)), base_url="http://test")


async def windows(rt: Runtime) -> dict[str, int]:
    async with rt.db.session(write=False) as session:
        rows = await session.execute(select(RateLimitWindow.key, RateLimitWindow.hits))
        return {str(row[0]): int(row[1]) for row in rows}


@contextmanager
def public_limit(*runtimes: Runtime, per_minute: int) -> Iterator[None]:
    for runtime in runtimes:
        runtime.settings.public_rate_limit_per_minute = per_minute
    try:
        yield
    finally:
        for runtime in runtimes:
            runtime.settings.public_rate_limit_per_minute = 100_000


URL = "/public/form/promo?store=nowhere"  # 404: no such store; counted all the same


async def test_two_instances_sharing_the_database_share_one_budget(
    rt: Runtime, app: Any, database_url: str, tmp_path: Path
) -> None:
    async with second_instance(rt, database_url, tmp_path) as other:
        with public_limit(rt, other, per_minute=4):
            one, two = client_of(rt, "198.51.100.20"), client_of(other, "198.51.100.20")
            async with one, two:
                codes = [(await (one if n % 2 else two).get(URL)).status_code for n in range(5)]
                assert codes == [404, 404, 404, 404, 429]
                assert_error(await one.get(URL), 429, "too_many_requests")
                assert_error(await two.get(URL), 429, "too_many_requests")
    assert await windows(rt) == {"public:198.51.100.20": 7}  # the refused ones count too


async def test_two_instances_sharing_redis_share_one_budget(
    rt: Runtime, database_url: str, tmp_path: Path, redis_url: str
) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"  # tests run in parallel: keys of their own
    own = rt.rate_limits
    # A loaded test machine may be slower than the production deadline (its own test below): no fallback here.
    rt.rate_limits = RateLimits(rt.db, redis_url=redis_url, redis_prefix=prefix, redis_timeout_seconds=5)
    try:
        async with second_instance(rt, database_url, tmp_path) as other:
            other.rate_limits = RateLimits(other.db, redis_url=redis_url, redis_prefix=prefix, redis_timeout_seconds=5)
            with public_limit(rt, other, per_minute=3):
                one, two = client_of(rt, "198.51.100.21"), client_of(other, "198.51.100.21")
                async with one, two:
                    codes = [(await (one if n % 2 else two).get(URL)).status_code for n in range(4)]
                    assert codes == [404, 404, 404, 429]
                    refused = await one.get(URL)
                    assert_error(refused, 429, "too_many_requests")
                    assert 1 <= int(refused.headers["Retry-After"]) <= 60
                    assert (await client_of(other, "198.51.100.22").get(URL)).status_code == 404  # its own budget
                    rt.clock.advance(seconds=60)  # type: ignore[attr-defined]  # the runtime's clock picks the window
                    assert (await two.get(URL)).status_code == 404
            await other.rate_limits.close()
        assert await windows(rt) == {}  # counted in Redis only
        keys = [key async for key in rt.rate_limits.redis.scan_iter(f"{prefix}*")]  # type: ignore[union-attr]
        assert len(keys) == 3
        assert 0 < await rt.rate_limits.redis.ttl(keys[0]) <= 60  # type: ignore[union-attr]
        await rt.rate_limits.redis.delete(*keys)  # type: ignore[union-attr]
    finally:
        await rt.rate_limits.close()
        rt.rate_limits = own


async def test_a_refused_or_failed_request_still_counts(client: httpx.AsyncClient, rt: Runtime) -> None:
    """The request's transaction rolls back on a 4xx; the hit, committed before it began, stays."""
    shop: CheckoutShop = await make_checkout_shop(client, rt)
    rt.settings.checkout_rate_limit_per_minute = 3
    try:
        too_many = [{"variant_id": shop.red, "quantity": 31}]  # 30 in stock
        assert_error(await place(client, shop, items=too_many, payment_method="cod"), 409, "out_of_stock")
        assert (await place(client, shop, payment_method="bogus")).status_code == 422
        assert (await place(client, shop, payment_method="cod")).status_code == 201
        assert_error(await place(client, shop, payment_method="cod"), 429, "too_many_requests")
    finally:
        rt.settings.checkout_rate_limit_per_minute = 100_000
    assert await windows(rt) == {"checkout:203.0.113.7": 4}


async def test_the_limiter_costs_the_request_one_statement_and_no_transaction(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    """A public read that answers 404 at once: the request's own lookup and the counter's upsert, nothing else.
    Before step 8 the counter opened a session of its own: BEGIN IMMEDIATE (SQLite), or a pre-ping, BEGIN,
    SET LOCAL synchronous_commit and COMMIT (PostgreSQL), besides its upsert. On PostgreSQL the upsert goes straight
    to asyncpg, which SQLAlchemy does not see: the next test watches the wire."""
    await client.get(URL)  # a process's first hit also deletes old windows (then every 5 minutes): not measured
    with count_queries(rt) as log:
        assert (await client.get(URL)).status_code == 404
    counter = [sql for sql in log.statements if "rate_limit_windows" in sql]
    assert len(counter) == (1 if rt.db.sqlite else 0), log.statements
    assert all(sql.lstrip().startswith("INSERT") for sql in counter), log.statements
    assert log.count == len(counter) + 1, log.statements  # + the request's own lookup of the store's form
    assert not any("synchronous_commit" in sql for sql in log.statements), log.statements
    begins = [sql for sql in log.statements if sql.lstrip().upper().startswith("BEGIN")]
    assert len(begins) == (1 if rt.db.sqlite else 0), log.statements  # SQLite: the request's own (read) BEGIN


@pytest.mark.postgres_only
async def test_postgres_counts_on_the_requests_connection_before_its_transaction(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    """What reaches the server, in order: SQLAlchemy's statements (once executed) and what asyncpg is asked
    directly (its query log: the counter's upsert, BEGIN, COMMIT, ROLLBACK). One connection, the counter's statement
    first, on its own (one round trip), then the request's: a read request (this GET) on PostgreSQL runs without a
    transaction (db.Database.request_session), so no BEGIN, COMMIT or ROLLBACK at all."""
    await client.get(URL)  # a process's first hit also deletes old windows (then every 5 minutes): not measured
    async with on_the_wire(rt, statements=True) as sent:
        assert (await client.get(URL)).status_code == 404
    assert len({connection for connection, _ in sent}) == 1, sent
    words = [query.strip().split()[0].upper().rstrip(";") for _, query in sent]
    assert words[0] == "INSERT" and "rate_limit_windows" in sent[0][1], sent  # the counter, in autocommit
    assert words[1:] == ["SELECT"], sent  # then the request's lookup of the store's form (a 404), outside a transaction


async def test_redis_down_counts_in_the_database(
    rt: Runtime, tmp_path: Path, database_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Configured but refusing connections: the limit still holds, counted in the database, with one warning (Redis
    is not asked again for a while) and the fallback metric."""
    metric = "bosonline_rate_limit_fallbacks_total"
    before = REGISTRY.get_sample_value(metric) or 0.0
    other = build_runtime(settings_for_tests(tmp_path, database_url, redis_url=DEAD_REDIS), clock=rt.clock)
    try:
        capsys.readouterr()
        with public_limit(other, per_minute=2):
            async with client_of(other, "198.51.100.30") as http:
                codes = [(await http.get(URL)).status_code for _ in range(3)]
        assert codes == [404, 404, 429]
    finally:
        await other.rate_limits.close()
        await other.db.dispose()
    assert await windows(rt) == {"public:198.51.100.30": 3}
    logs = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    warnings = [line for line in logs if line["event"] == "rate_limit_redis_unavailable"]
    assert len(warnings) == 1 and warnings[0]["counting_in"] == "database", logs
    assert (REGISTRY.get_sample_value(metric) or 0.0) - before == 3


async def test_redis_that_does_not_answer_meets_the_deadline(rt: Runtime) -> None:
    """A Redis that accepts the connection and never answers (a hung server): the call is cut at the deadline and
    the hit counted in the database."""
    silent: list[asyncio.StreamWriter] = []

    async def hang(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        silent.append(writer)

    server = await asyncio.start_server(hang, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    fallbacks: list[int] = []
    limits = RateLimits(
        rt.db,
        redis_url=f"redis://127.0.0.1:{port}/0",
        redis_timeout_seconds=0.05,
        on_fallback=lambda: fallbacks.append(1),
    )
    try:
        now = rt.clock.now()
        assert await limits.hit("public:hung", limit=1, window_seconds=60, now=now) is None
        assert await limits.hit("public:hung", limit=1, window_seconds=60, now=now) is not None
    finally:
        await limits.close()
        for writer in silent:
            writer.close()
        server.close()
        await server.wait_closed()
    assert fallbacks == [1, 1]
    assert await windows(rt) == {"public:hung": 2}


class RedisLink:
    """A TCP link to the real Redis that can be cut (connections dropped, new ones refused) and restored on the same
    port: what a Redis restart or a network outage looks like to the app."""

    def __init__(self, target: str) -> None:
        address = target.split("//", 1)[1].split("/", 1)[0]
        self.host, port = address.rsplit(":", 1)
        self.target_port = int(port)
        self.port = 0
        self.server: asyncio.Server | None = None
        self.open: list[asyncio.StreamWriter] = []

    async def up(self) -> None:
        self.server = await asyncio.start_server(self._forward, "127.0.0.1", self.port)
        self.port = self.server.sockets[0].getsockname()[1]

    async def down(self) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.open:
            writer.close()
        await self.server.wait_closed()
        self.open.clear()

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(self.host, self.target_port)
        self.open += [writer, upstream_writer]

        async def pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.close()

        await asyncio.gather(pipe(reader, upstream_writer), pipe(upstream_reader, writer))


async def test_redis_is_used_again_once_it_is_back(
    rt: Runtime, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """During an outage the hits go to the database; after the retry pause, the next hit finds Redis again and
    counts there (one budget: a window counted partly in each place is not merged, so the limit may let a few more
    through once, never fewer)."""
    monkeypatch.setattr("bosonline.kit.ratelimit.REDIS_RETRY_SECONDS", 0.2)
    link = RedisLink(redis_url)
    await link.up()
    prefix = f"test:{uuid.uuid4().hex}:"
    fallbacks: list[int] = []
    limits = RateLimits(
        rt.db,
        redis_url=f"redis://127.0.0.1:{link.port}/0",
        redis_prefix=prefix,
        redis_timeout_seconds=0.5,
        on_fallback=lambda: fallbacks.append(1),
    )
    now = rt.clock.now()

    async def hit() -> None:
        assert await limits.hit("public:flaky", limit=100, window_seconds=60, now=now) is None

    try:
        await hit()  # Redis up
        await link.down()
        await hit()  # refused: counted in the database, Redis paused
        await hit()  # within the pause: straight to the database, Redis not asked
        await link.up()
        await asyncio.sleep(0.3)  # the pause is over
        await hit()  # Redis again
        await hit()
        assert limits.redis is not None
        keys = [key async for key in limits.redis.scan_iter(f"{prefix}*")]
        assert len(keys) == 1
        assert int(await limits.redis.get(keys[0])) == 3  # before the outage, and the two after
        await limits.redis.delete(*keys)
    finally:
        await limits.close()
        await link.down()
    assert fallbacks == [1, 1]
    assert await windows(rt) == {"public:flaky": 2}
