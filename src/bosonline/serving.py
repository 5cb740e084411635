"""What `bosonline serve` does around uvicorn: our JSON logs for uvicorn's own loggers, the metrics directory that
lets one scrape see every worker process, and the checks before serving (`serve_checks`). With several workers the
checks run while the workers import the app, behind a start gate (`start_gate`): so this module, imported before
the workers start, imports nothing the checks need (SQLAlchemy, the database drivers: ~0.25 s of CPU).
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from bosonline.config import Settings
from bosonline.logging import configure_logging, uvicorn_log_config
from bosonline.start_gate import Gate, start_gate

# prometheus_client reads it when first imported: set before uvicorn starts the app (and its worker processes).
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


@contextmanager
def serving(settings: Settings, *, workers: int, checks: Callable[[], None]) -> Iterator[dict[str, Any]]:
    """Around `uvicorn.run(...)`: yields the options uvicorn needs for our logs. `checks` (`serve_checks`) run first
    with one worker (the app then needs the same imports); with several, beside `uvicorn.run` and its workers'
    imports, and what they raise is raised when uvicorn has stopped (its workers never served: `start_gate`)."""
    configure_logging(settings.log_level, settings.log_format)
    options = {
        "log_config": uvicorn_log_config(settings.log_level, settings.log_format),
        "log_level": settings.log_level.lower(),
    }
    with _metrics_dir(settings, workers):
        if workers == 1:
            checks()
            yield options
            return
        with start_gate() as gate, _beside(checks, gate):
            yield options


@contextmanager
def _beside(check: Callable[[], None], gate: Gate) -> Iterator[None]:
    """Runs `check` in a thread meanwhile, then opens or shuts `gate`; at the end, waits for it (a migration is not
    cut short) and raises what it raised."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            check()
        except BaseException as exc:  # noqa: BLE001 - typer.Exit (message printed) or anything else: re-raised below
            failed.append(exc)
            gate.shut()
        else:
            gate.open()

    thread = threading.Thread(target=run, name="bosonline-serve-checks")
    thread.start()
    try:
        yield
    finally:
        thread.join()
    if failed:
        raise failed[0]


@contextmanager
def _metrics_dir(settings: Settings, workers: int) -> Iterator[None]:
    """Several worker processes and metrics on, but no PROMETHEUS_MULTIPROC_DIR given: a fresh one for this run,
    removed after it (one given is the operator's: shared with `bosonline worker` processes, left as it is)."""
    given = os.environ.get(MULTIPROC_ENV)
    if given:
        os.makedirs(given, exist_ok=True)  # prometheus_client writes into it, it does not create it
    if workers == 1 or settings.metrics_token is None or given:
        yield
        return
    directory = tempfile.mkdtemp(prefix="bosonline-metrics-")
    os.environ[MULTIPROC_ENV] = directory
    try:
        yield
    finally:
        os.environ.pop(MULTIPROC_ENV, None)
        shutil.rmtree(directory, ignore_errors=True)
