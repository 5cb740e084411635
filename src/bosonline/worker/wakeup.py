"""Waking the worker(s) of this process when new work was committed, instead of waiting for the next poll.

Only an optimisation: a worker also polls every `worker_poll_seconds`, and workers of other processes (another
`serve` replica, a `bosonline worker`) are not woken, they poll. Nothing of the work itself lives here: the rows
in the database are the queue.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress

_waiters: set[tuple[asyncio.AbstractEventLoop, asyncio.Event]] = set()


def subscribe(event: asyncio.Event) -> None:
    """Set `event` whenever `notify()` is called (from any thread or event loop of this process)."""
    _waiters.add((asyncio.get_running_loop(), event))


def unsubscribe(event: asyncio.Event) -> None:
    for waiter in [waiter for waiter in _waiters if waiter[1] is event]:
        _waiters.discard(waiter)


def notify() -> None:
    """Wake every subscribed worker of this process (a no-op when none runs here)."""
    try:
        current = asyncio.get_running_loop()
    except RuntimeError:
        current = None
    for loop, event in list(_waiters):
        if loop is current:
            event.set()
        elif not loop.is_closed():
            with suppress(RuntimeError):  # the loop closed in between
                loop.call_soon_threadsafe(event.set)


async def notify_after_commit() -> None:
    """`db.after_commit` callback form of `notify()`."""
    notify()
