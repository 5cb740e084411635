"""Work a request starts but does not wait for (a password reset e-mail): run after the response, in this process.

Not a queue: a task that a stopping or crashing process had not finished is lost, which suits work a user can
simply ask for again. Work that must survive a restart goes through an outbox row and the worker instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import structlog

log = structlog.get_logger("bosonline.background")


class Background:
    """At most `concurrency` tasks run at once (each may hold a database connection); past `max_pending` waiting
    or running, new work is refused and logged instead of piling up in memory."""

    def __init__(self, *, concurrency: int = 4, max_pending: int = 1_000) -> None:
        self.max_pending = max_pending
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()

    def spawn(self, work: Callable[[], Awaitable[None]], *, name: str) -> bool:
        """Start `work()` soon; False (and a log line) when too much is pending already."""
        if len(self._tasks) >= self.max_pending:
            log.warning("background_work_refused", task=name, pending=len(self._tasks))
            return False
        task = asyncio.create_task(self._run(work, name), name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return True

    async def _run(self, work: Callable[[], Awaitable[None]], name: str) -> None:
        async with self._slots:
            try:
                await work()
            except Exception:  # nobody awaits this task: a failure must at least be seen
                log.exception("background_work_failed", task=name)

    @property
    def pending(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float | None = None) -> bool:
        """Wait until no work is pending (or `timeout` passed): tests, and a server that stops. True when done."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout is None else loop.time() + timeout
        while self._tasks:
            left = None if deadline is None else deadline - loop.time()
            if left is not None and left <= 0:
                return False
            await asyncio.wait(set(self._tasks), timeout=left)
        return True
