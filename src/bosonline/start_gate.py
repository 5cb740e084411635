"""The start gate of `bosonline serve --workers N` (N > 1): its checks and its workers' imports side by side.

Before it serves, `serve` checks the database (pending migrations, applied; the connection budget): ~0.3 s of CPU
in the parent process. Each worker process then imports the app (~1.3 s). One after the other, they add up on the
way to the first answer; so with several workers the parent starts them first and checks meanwhile, and each
worker, once its app is built and before it listens, waits here until the parent says how the checks went:
passed, it serves; failed, it exits with uvicorn's start-up failure code (3), which stops uvicorn's parent, and
`serve` exits 1 with the check's message. One worker runs in the parent's own process: it checks first (the app
needs the same imports), no gate.

The gate is a file in a temporary directory named by BOSONLINE_START_GATE (inherited by the workers): empty while
the checks run, then `open` or `shut`, each written whole (`os.replace`). A worker whose parent is gone (the file
removed, or the worker re-parented) does not wait for ever either.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import structlog

ENV = "BOSONLINE_START_GATE"
OPEN = "open"
SHUT = "shut"
STARTUP_FAILURE = 3  # uvicorn.config.STARTUP_FAILURE: a worker ending with it stops uvicorn's parent process
POLL_SECONDS = 0.01


class Gate:
    """The parent's side: says once how the checks went."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def open(self) -> None:
        self._write(OPEN)

    def shut(self) -> None:
        self._write(SHUT)

    def _write(self, state: str) -> None:
        pending = self.path.with_name(self.path.name + ".new")
        pending.write_text(state, encoding="ascii")
        os.replace(pending, self.path)


@contextmanager
def start_gate() -> Iterator[Gate]:
    """A gate, pending, named in the environment of the processes started meanwhile; removed afterwards."""
    directory = Path(tempfile.mkdtemp(prefix="bosonline-gate-"))
    path = directory / "gate"
    path.write_text("", encoding="ascii")
    os.environ[ENV] = str(path)
    try:
        yield Gate(path)
    finally:
        os.environ.pop(ENV, None)
        shutil.rmtree(directory, ignore_errors=True)


def state(path: Path) -> str | None:
    """`open`, `shut`, or None while pending; `shut` when the file is gone (the parent ended)."""
    try:
        text = path.read_text(encoding="ascii")
    except FileNotFoundError:
        return SHUT
    return text if text in (OPEN, SHUT) else None


def wait_for_gate() -> None:
    """In a worker process: returns when the gate named in the environment is open (at once without one); exits
    with STARTUP_FAILURE when it is shut or the parent process is gone."""
    named = os.environ.get(ENV)
    if not named:
        return
    path, parent = Path(named), os.getppid()
    while (current := state(path)) is None and os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    if current != OPEN:
        structlog.get_logger("bosonline.serve").error("start_checks_failed", hint="serve's message says why")
        sys.exit(STARTUP_FAILURE)
