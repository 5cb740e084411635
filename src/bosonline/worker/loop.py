"""The background worker: a small list of jobs run in one loop.

Each job claims its due rows from the database, does the slow outside work without a transaction open, and
records the outcome (see webhook/tasks.py). The loop knows no job: the entry point hands it the app's jobs
(bosonline/wiring.py), so the worker sits below the domains whose jobs it runs. Any number of workers may run against PostgreSQL (claims use
`FOR UPDATE SKIP LOCKED`); on SQLite exactly one runs (the one inside `bosonline serve`, or `bosonline worker`).

A job is any object with:
    name: str
    async run_once() -> int      one batch; how many rows it handled (a full batch means: run again at once)
    async sweep() -> int         recover rows a dead worker left claimed (lease expired)
    async aclose() -> None       release what it holds (HTTP clients)
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import suppress
from types import TracebackType
from typing import Protocol, Self

import structlog

from bosonline.runtime import Runtime
from bosonline.worker.wakeup import subscribe, unsubscribe

log = structlog.get_logger("bosonline.worker")

SWEEP_EVERY = 12  # cycles: about once a minute at the default 5 s poll
_ERROR_PAUSE_SECONDS = 5.0  # after a failed cycle (database unreachable), before the next


class Job(Protocol):
    name: str

    async def run_once(self) -> int: ...

    async def sweep(self) -> int: ...

    async def aclose(self) -> None: ...


class Worker:
    """`async with Worker(runtime, jobs) as worker:` then `await worker.run_once()` (tests, `bosonline worker --once`)
    or `await worker.run(stop_event)` (until the event is set)."""

    def __init__(self, runtime: Runtime, jobs: Sequence[Job]) -> None:
        self.rt = runtime
        self.jobs: list[Job] = list(jobs)
        self._wake = asyncio.Event()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        for job in self.jobs:
            try:
                await job.aclose()
            except Exception:
                log.exception("worker_job_close_failed", job=job.name)

    async def run_once(self) -> int:
        """One cycle of every job; returns how many rows they handled in total."""
        return sum([await job.run_once() for job in self.jobs])

    async def sweep(self) -> int:
        return sum([await job.sweep() for job in self.jobs])

    def wake(self) -> None:
        """Run the next cycle now instead of after the poll interval."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Cycles until `stop` is set; a cycle in progress finishes first (graceful stop)."""
        poll = self.rt.settings.worker_poll_seconds
        full = self.rt.settings.worker_batch_size
        subscribe(self._wake)
        log.info("worker_started", jobs=[job.name for job in self.jobs], poll_seconds=poll)
        cycle = 0
        try:
            while not stop.is_set():
                self._wake.clear()
                pause = poll
                try:
                    if cycle % SWEEP_EVERY == 0:
                        await self.sweep()
                    handled = await self._cycle(full)
                    if handled:
                        continue  # a job had a full batch: more may be due already
                except Exception:
                    log.exception("worker_cycle_failed")
                    pause = max(poll, _ERROR_PAUSE_SECONDS)
                finally:
                    cycle += 1
                await _wait_any(stop, self._wake, pause)
        finally:
            unsubscribe(self._wake)
            log.info("worker_stopped")

    async def _cycle(self, full: int) -> bool:
        """One run_once of every job; True when some job handled a full batch."""
        busy = False
        for job in self.jobs:
            try:
                busy = await job.run_once() >= full or busy
            except Exception:  # one failing job must not starve the others
                log.exception("worker_job_failed", job=job.name)
        return busy


async def _wait_any(stop: asyncio.Event, wake: asyncio.Event, timeout: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wake.wait())]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
        for waiter in waiters:
            with suppress(asyncio.CancelledError):
                await waiter


async def run_until_stopped(runtime: Runtime, stop: asyncio.Event, jobs: Sequence[Job]) -> None:
    """The worker's whole life: run until `stop`, then release its resources."""
    async with Worker(runtime, jobs) as worker:
        await worker.run(stop)
