"""Fixed-window rate limits shared by every process: in Redis when `BOSONLINE_REDIS_URL` is set, else (and while
Redis does not answer) in the database. No process memory holds a count.

A window is `[epoch - epoch % window, +window)` of the runtime's clock, keyed `<bucket>:<client>` plus the window's
start, in either store; a hit over the limit answers the seconds to the window's end (Retry-After).

**A refused or failed request still counts.** The hit is counted before the request's transaction and committed on
its own, so that a 4xx/5xx (which rolls the request's transaction back) does not give an abuser free requests;
folding the counter into the request's transaction would make every invalid request free, and would hold the
counter row's lock until the request commits (every buyer behind one carrier NAT would queue on it).

**Database path: one statement, no transaction of its own.** An `INSERT … ON CONFLICT DO UPDATE … RETURNING hits`
in autocommit (the statement is its own transaction):
- PostgreSQL: on the request's own pooled connection, before the request's BEGIN (SQLAlchemy's asyncpg adapter
  begins lazily, at the first statement; `is_in_transaction()` is checked, and a connection already in a
  transaction counts on a connection of its own instead), sent to asyncpg directly (its prepared-statement cache).
  One round trip; no second checkout, no second pre-ping, no BEGIN/COMMIT. The table is UNLOGGED (migration 0013):
  a commit that wrote only unlogged rows does not wait for the WAL flush, which is what `SET LOCAL
  synchronous_commit = off` bought before (a crash empties the counters: harmless).
- SQLite: the request's write session takes the database's one write lock at its first statement (BEGIN
  IMMEDIATE), so the counter uses a pooled connection of its own, and runs first (`rate_limited` is a route
  dependency): one autocommit statement, never waiting on the request's own lock.

**Redis path** (`BOSONLINE_REDIS_URL`): one `EVALSHA` of a 3-line script (INCR, and EXPIRE on a window's first
hit), one round trip, with a deadline (`BOSONLINE_REDIS_TIMEOUT_SECONDS`) around every call and no client retries.
Redis configured but not answering: the hit is counted in the database instead (fail open to the database counter,
never to "no limit"), with a `rate_limit_redis_unavailable` warning and `bosonline_rate_limit_fallbacks_total`;
Redis is tried again after `REDIS_RETRY_SECONDS` (until then requests do not wait on it). During an outage a
client's counts are split between the two stores, so it may get up to twice its limit in the window of the switch.

Why our own script and not the `limits` library (5.8): measured, it costs the same (below), but its fixed window
starts at a client's first hit and lives on Redis's clock, so Retry-After costs two more round trips (GET + TTL)
and tests cannot move time with the runtime's clock; its `redis` extra pins redis-py below 8; and it brings three
packages for the 3-line script above. Its moving window keeps one list entry per request (120 per client per
minute) for what a fixed window's boundary burst (at most 2× the limit over two windows) does not warrant here.

Numbers (`bench/ratelimit.py --rounds 5`, 2 cores under a load average of ~12 from other work, so wall times are
loose; PostgreSQL 15 and Redis 7 on 127.0.0.1, 4 concurrent tasks; per counted hit, beyond the request's own
transaction; CPU of this process and wall time per hit; median of 5 interleaved rounds; one run):

    PostgreSQL                                   CPU µs   wall µs   CPU / before   wall / before
    before: own session + transaction             1466      6658       1.00×          1.00×
    now: one autocommit statement (asyncpg)        201      1665       0.14×          0.25×
    now: the same on a LOGGED table                246      3500       0.17×          0.53×
    Redis: EVALSHA (ours)                          243       363       0.17×          0.05×
    Redis: `limits` FixedWindowRateLimiter         264      3236       0.18×          0.49×
    SQLite
    before: own session + transaction             1556      6782       1.00×          1.00×
    now: one autocommit statement                  910      2800       0.59×          0.41×

(An earlier run with the PostgreSQL statement sent through SQLAlchemy's `Connection.execute`: 288 µs of CPU against
1406 before, 0.20×; the driver call saves ~90 µs more.)

Decision: the database path is now as cheap in CPU as Redis (0.14× vs 0.17× of before) and costs one round trip
on a connection the request holds anyway (before: a second checkout, its pre-ping, BEGIN, SET LOCAL, the upsert,
COMMIT); Redis takes the counting off the database entirely (the lowest wall time, no writes), so it is used where
it is configured, and the database is the default and the fallback.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import structlog
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bosonline.db import Database

if TYPE_CHECKING:
    from redis.asyncio import Redis

log = structlog.get_logger("bosonline.ratelimit")

REDIS_RETRY_SECONDS = 5.0  # after a failed Redis call, count in the database for this long before trying again
_CLEANUP_EVERY_SECONDS = 300
_DEAD_CONNECTION_RETRIES = 3  # dropped connections given up in a row before the count fails (the pool renews them)
_KEEP_SECONDS = 3600

# The same text on SQLite (3.35+) and PostgreSQL; `text()` compiles once per process.
_COUNT = text(
    "INSERT INTO rate_limit_windows (key, window_start, hits) VALUES (:key, :window_start, 1) "
    "ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_windows.hits + 1 RETURNING hits"
)
_COUNT_POSTGRES = (
    "INSERT INTO rate_limit_windows (key, window_start, hits) VALUES ($1, $2, 1) "
    "ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_limit_windows.hits + 1 RETURNING hits"
)
_FORGET = text("DELETE FROM rate_limit_windows WHERE window_start < :before")
_FORGET_POSTGRES = "DELETE FROM rate_limit_windows WHERE window_start < $1"
_REDIS_COUNT = """
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return hits
"""


def client_key(address: str) -> str:
    """What every per-client limit counts under: an IPv4 address as it is (IPv4-mapped IPv6 unwrapped to it), an
    IPv6 address as its /64 network, since one subscriber is routinely given a whole /64 and can pick any address
    in it. Anything that is not an IP address (a test client's name) is its own key."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


def redis_client(url: str, *, timeout_seconds: float) -> Redis:
    """A Redis client that gives up quickly: short socket timeouts and no retries (a retry would double the
    deadline a request waits; the database counter is the fallback).

    redis-py is imported here, not with this module: only a process given BOSONLINE_REDIS_URL uses it, and its
    import costs every server process ~50 ms of CPU on the way to its first answer (lazy imports: start-up only)."""
    from redis.asyncio import Redis
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff

    return Redis.from_url(
        url,
        socket_timeout=timeout_seconds,
        socket_connect_timeout=timeout_seconds,
        retry=Retry(NoBackoff(), 0),
        max_connections=64,
    )


class RateLimits:
    """The runtime's rate-limit counters: `hit` counts one request and says whether it is over its limit."""

    def __init__(
        self,
        db: Database,
        *,
        redis_url: str | None = None,
        redis_timeout_seconds: float = 0.25,
        redis_prefix: str = "bosonline:rl:",
        on_fallback: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.redis = redis_client(redis_url, timeout_seconds=redis_timeout_seconds) if redis_url else None
        self._redis_failures: tuple[type[Exception], ...] = (OSError, TimeoutError)
        if self.redis is not None:
            from redis.exceptions import RedisError  # lazy, as in redis_client

            self._redis_failures = (RedisError, OSError, TimeoutError)
        self.redis_timeout_seconds = redis_timeout_seconds
        self.redis_prefix = redis_prefix
        self._redis_count = self.redis.register_script(_REDIS_COUNT) if self.redis is not None else None
        self._redis_down_until = 0.0
        self._on_fallback = on_fallback or (lambda: None)
        self._last_cleanup = 0.0  # housekeeping cadence only, no request state

    async def hit(
        self, key: str, *, limit: int, window_seconds: int, now: datetime, session: AsyncSession | None = None
    ) -> int | None:
        """Counts one request under `key` (committed at once, whatever becomes of the request); answers the seconds
        until the window ends when it is over `limit`. `session`, the request's own, lets PostgreSQL count on its
        connection before its transaction begins."""
        epoch = int(now.timestamp())
        window_start = epoch - epoch % window_seconds
        key = key[:120]
        hits = await self._count_in_redis(key, window_start, window_seconds)
        if hits is None:
            hits = await self._count_in_database(key, window_start, session)
        if hits > limit:
            return window_start + window_seconds - epoch
        return None

    async def close(self) -> None:
        if self.redis is not None:
            await self.redis.aclose()

    async def _count_in_redis(self, key: str, window_start: int, window_seconds: int) -> int | None:
        """The window's count after this hit, or None when Redis is not configured or did not answer in time."""
        if self._redis_count is None or time.monotonic() < self._redis_down_until:
            if self._redis_count is not None:
                self._on_fallback()
            return None
        try:
            async with asyncio.timeout(self.redis_timeout_seconds):
                hits = await self._redis_count(keys=[f"{self.redis_prefix}{key}:{window_start}"], args=[window_seconds])
        except self._redis_failures as exc:
            self._redis_down_until = time.monotonic() + REDIS_RETRY_SECONDS
            log.warning(
                "rate_limit_redis_unavailable",
                error=type(exc).__name__,
                detail=str(exc)[:200],
                counting_in="database",
                retry_in_seconds=REDIS_RETRY_SECONDS,
            )
            self._on_fallback()
            return None
        return int(hits)

    async def _count_in_database(self, key: str, window_start: int, session: AsyncSession | None) -> int:
        if session is not None and not self.db.sqlite:
            found = await self._count_on_request_connection(session, key, window_start)
            if found is not None:
                return found
        params = {"key": key, "window_start": window_start}
        async with self.db.engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            hits = int((await autocommit.execute(_COUNT, params)).scalar_one())
            await self._forget_old_windows(window_start, autocommit)
        return hits

    async def _count_on_request_connection(self, session: AsyncSession, key: str, window_start: int) -> int | None:
        """The count, on the request's own connection before its BEGIN; None when that connection is already in a
        transaction. The request's first statement: a connection the server dropped (there is no pre-ping, db.py)
        is given up and the count sent on the next one, as `db.retried_if_first` does for SQLAlchemy's statements
        (the driver's own errors do not pass through SQLAlchemy, which would otherwise give a 500)."""
        for attempt in range(_DEAD_CONNECTION_RETRIES + 1):
            connection = await session.connection()  # asyncpg: no BEGIN yet, it is sent with the first statement
            driver = (await connection.get_raw_connection()).driver_connection
            if driver is None or driver.is_in_transaction():
                return None
            try:
                if not driver.is_closed():
                    # Outside a transaction asyncpg runs a statement on its own (autocommit), before the request's
                    # BEGIN; straight to the driver (its statement cache): a tenth of SQLAlchemy's CPU per call.
                    hits = int(await driver.fetchval(_COUNT_POSTGRES, key, window_start))
                    if self._cleanup_due():  # on the same connection, still before the request's BEGIN
                        await driver.execute(_FORGET_POSTGRES, window_start - _KEEP_SECONDS)
                    return hits
            except Exception:
                if not driver.is_closed() or attempt == _DEAD_CONNECTION_RETRIES:
                    raise
            if attempt == _DEAD_CONNECTION_RETRIES:
                break
            # As SQLAlchemy does on a disconnect: this connection and every pooled one older than it are replaced
            # (the server dropped them together, as a rule), not given back to the next requests.
            raw = await connection.get_raw_connection()
            self.db.engine.sync_engine.pool._invalidate(raw, None, _checkin=False)
            await connection.invalidate()
            await session.rollback()  # the next `session.connection()` checks out another one
        raise ConnectionError("no live database connection for the rate limit's count")

    def _cleanup_due(self) -> bool:
        """Whether this process deletes old windows now (once every few minutes); the time is taken when it does."""
        if time.monotonic() - self._last_cleanup < _CLEANUP_EVERY_SECONDS:
            return False
        self._last_cleanup = time.monotonic()
        return True

    async def _forget_old_windows(self, window_start: int, connection: AsyncConnection | None = None) -> None:
        """Deletes windows older than an hour, once every few minutes per process."""
        if not self._cleanup_due():
            return
        if connection is not None:
            await connection.execute(_FORGET, {"before": window_start - _KEEP_SECONDS})
            return
        async with self.db.engine.connect() as own:
            autocommit = await own.execution_options(isolation_level="AUTOCOMMIT")
            await autocommit.execute(_FORGET, {"before": window_start - _KEEP_SECONDS})
