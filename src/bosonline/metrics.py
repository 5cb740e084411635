"""Prometheus metrics: what is counted, and how one scrape sees every process.

Samples are written where things happen: requests by the access middleware (middleware.py), WhatsApp sends and
webhook deliveries by the worker's jobs, the database pool by its checkout/checkin/connect events (`watch_pool`). The
worker's queues are not counted here: a scrape reads them from the database (`Backlog`, monitoring.py), so they
are right whichever process runs the worker, and a stopped worker shows as a growing queue.

Several processes (`serve --workers N`, and `bosonline worker` processes on the same host): prometheus_client's
multiprocess mode. With PROMETHEUS_MULTIPROC_DIR set before the process starts, every process writes its samples to
files in that directory and a scrape, whichever process answers it, adds them all up (gauges of live processes
only: a process removes its files when it stops, and a scrape removes those of processes that died).
`bosonline serve --workers N` (N > 1) makes a fresh directory when none is given (serving.py).
"""

from __future__ import annotations

import contextlib
import os
import re
import weakref
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from prometheus_client.registry import Collector
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import Pool, QueuePool

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4  # what generate_latest writes
# Requests to a path no route matches share one label value: ids and probes must not make new series.
UNMATCHED_ROUTE = "<unmatched>"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUEST_SECONDS = Histogram(
    "bosonline_http_request_duration_seconds",
    "Time to answer an HTTP request, by method, route template (/store/order/{order_id}) and status class (2xx).",
    ["method", "route", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
IN_FLIGHT = Gauge("bosonline_http_requests_in_flight", "HTTP requests being answered now.", multiprocess_mode="livesum")
POOL_SIZE = Gauge(
    "bosonline_db_pool_size",
    "Connections the database pools may keep (pool size, all processes); on PostgreSQL, the most they open.",
    multiprocess_mode="livesum",
)
POOL_CHECKED_OUT = Gauge(
    "bosonline_db_pool_checked_out",
    "Database connections in use now (taken from the pools, all processes).",
    multiprocess_mode="livesum",
)
POOL_OVERFLOW = Gauge(
    "bosonline_db_pool_overflow",
    "Database connections open beyond the pool size now (all processes): always 0 on PostgreSQL, whose pools have "
    "no overflow (requests wait once checked_out reaches the size); SQLite's file pool may open up to its maximum.",
    multiprocess_mode="livesum",
)
POOL_MAX_OVERFLOW = Gauge(
    "bosonline_db_pool_max_overflow",
    "Connections a pool may open beyond its size (all processes): 0 on PostgreSQL.",
    multiprocess_mode="livesum",
)
CONNECTIONS_OPENED = Counter(
    "bosonline_db_connections_opened",
    "New database connections the pools opened (all processes). PostgreSQL, after warm-up: only to replace one the "
    "server closed or one past its age (pool_recycle); a rate that follows the load is a pool that churns.",
)
WHATSAPP_SENDS = Counter(
    "bosonline_whatsapp_sends",
    "WhatsApp follow-up sends by provider and outcome: sent, retry (certainly not sent, tried again later), failed "
    "(refused), unknown (may have gone out: never repeated).",
    ["provider", "outcome"],
)
RATE_LIMIT_FALLBACKS = Counter(
    "bosonline_rate_limit_fallbacks",
    "Rate-limit hits counted in the database because the configured Redis did not answer (kit/ratelimit.py).",
)
WEBHOOK_DELIVERIES = Counter(
    "bosonline_webhook_deliveries",
    "Webhook delivery attempts by outcome: delivered, retry (failed, tried again later), failed (given up, or the "
    "endpoint is inactive).",
    ["outcome"],
)


def status_class(status: int) -> str:
    return f"{status // 100}xx"


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUEST_SECONDS.labels(method if method in METHODS else "other", route, status_class(status)).observe(seconds)


def count_whatsapp_sends(outcomes: Iterable[tuple[str, str]]) -> None:
    """One increment per (provider, outcome) of a batch."""
    for provider, outcome in outcomes:
        WHATSAPP_SENDS.labels(provider, outcome).inc()


def count_webhook_deliveries(outcomes: Iterable[str]) -> None:
    for outcome in outcomes:
        WEBHOOK_DELIVERIES.labels(outcome).inc()


# --- the database pool -----------------------------------------------------------------------------------------


_watched: weakref.WeakSet[Pool] = weakref.WeakSet()


def watch_pool(engine: AsyncEngine) -> None:
    """Keep the pool gauges of this process current, from the pool's events. One watched pool per process (the
    app's); SQLite's file pool is a QueuePool too and reports the same."""
    pool = engine.sync_engine.pool
    if isinstance(pool, QueuePool) and pool not in _watched:  # NullPool (other dialects): nothing is pooled
        _watched.add(pool)
        _PoolWatch(pool)


class _PoolWatch:
    """Counts connections in use and open from the pool's events, as they happen. (The pool's own counters lag:
    its checkin event fires before the connection is back, and before an overflow connection is closed.)"""

    def __init__(self, pool: QueuePool) -> None:
        self.size = pool.size()
        self.checked_out = pool.checkedout()
        self.open = pool.checkedin() + pool.checkedout()
        POOL_SIZE.set(self.size)
        POOL_MAX_OVERFLOW.set(pool._max_overflow)
        self.publish()
        for name, step in (("checkout", (1, 0)), ("checkin", (-1, 0)), ("connect", (0, 1)), ("close", (0, -1))):
            event.listen(pool, name, self._counter(*step))
        event.listen(pool, "close_detached", self._counter(0, -1))
        event.listen(pool, "connect", lambda *_: CONNECTIONS_OPENED.inc())

    def _counter(self, in_use: int, opened: int) -> Callable[..., None]:
        def count(*_: Any) -> None:
            self.checked_out += in_use
            self.open += opened
            self.publish()

        return count

    def publish(self) -> None:
        POOL_CHECKED_OUT.set(self.checked_out)
        POOL_OVERFLOW.set(max(0, self.open - self.size))


# --- the worker's queues (read at scrape time) -----------------------------------------------------------------


BACKLOG_CAP = 10_000  # due rows counted per job and scrape: past it, "at least this many" is enough to alert on


@dataclass(frozen=True)
class Backlog:
    """A job's due rows: how many (counted up to a cap: `capped` says it was reached) and the oldest's due time."""

    job: str
    due: int
    oldest_due_at: datetime | None
    capped: bool = False

    @classmethod
    def counted(cls, job: str, found: tuple[int, datetime | None], cap: int = BACKLOG_CAP) -> Backlog:
        """From a query that counted up to `cap` + 1 rows (more than `cap`: capped)."""
        count, oldest = found
        return cls(job, min(count, cap), oldest, capped=count > cap)


class _Backlogs(Collector):
    def __init__(self, backlogs: list[Backlog] | None, now: datetime) -> None:
        self.backlogs = backlogs
        self.now = now

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "bosonline_queue_read_ok", "1 when this scrape could read the worker's queues from the database."
        )
        up.add_metric([], 0 if self.backlogs is None else 1)
        yield up
        if self.backlogs is None:
            return
        due = GaugeMetricFamily(
            "bosonline_queue_due",
            "Rows due now per worker job (followups, webhooks), counted up to a cap (see ..._capped).",
            labels=["job"],
        )
        capped = GaugeMetricFamily(
            "bosonline_queue_due_capped",
            "1 when the due count reached its cap: there are at least that many.",
            labels=["job"],
        )
        age = GaugeMetricFamily(
            "bosonline_queue_oldest_due_age_seconds",
            "How long the oldest due row has waited past its due time (0 when none is due).",
            labels=["job"],
        )
        for backlog in self.backlogs:
            due.add_metric([backlog.job], backlog.due)
            capped.add_metric([backlog.job], int(backlog.capped))
            waited = (self.now - backlog.oldest_due_at).total_seconds() if backlog.oldest_due_at else 0.0
            age.add_metric([backlog.job], max(0.0, waited))
        yield due
        yield capped
        yield age


# --- the exposition ----------------------------------------------------------------------------------------------


def multiprocess_dir() -> Path | None:
    value = os.environ.get(MULTIPROC_ENV)
    return Path(value) if value else None


def exposition(backlogs: list[Backlog] | None, now: datetime) -> bytes:
    """The text a scrape gets: every process's samples (multiprocess mode) or this process's, then the queues
    (`None`: they could not be read)."""
    directory = multiprocess_dir()
    if directory is None:
        samples = generate_latest(REGISTRY)
    else:
        forget_dead_processes(directory)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(directory))
        samples = generate_latest(registry)
    queues = CollectorRegistry()
    queues.register(_Backlogs(backlogs, now))
    return samples + generate_latest(queues)


_LIVE_GAUGE_FILE = re.compile(r"gauge_live\w+?_(\d+)\.db")


def forget_dead_processes(directory: Path) -> None:
    """Remove the live-gauge files of processes that are gone (killed, so they could not remove them): their
    in-flight requests and pool connections must not add up forever. Counters stay: they are history."""
    for path in directory.glob("gauge_live*.db"):
        match = _LIVE_GAUGE_FILE.fullmatch(path.name)
        if match and not _alive(int(match.group(1))):
            mark_process_dead(int(match.group(1)), str(directory))


def process_stopped() -> None:
    """A stopping process removes its live gauges (multiprocess mode; nothing to do otherwise)."""
    directory = multiprocess_dir()
    if directory is not None:
        mark_process_dead(os.getpid(), str(directory))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process with that pid: leave its files alone
    return True


@contextlib.contextmanager
def in_flight() -> Iterator[None]:
    IN_FLIGHT.inc()
    try:
        yield
    finally:
        IN_FLIGHT.dec()
