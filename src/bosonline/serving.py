"""What `bosonline serve` does around uvicorn: our JSON logs for uvicorn's own loggers, the metrics directory that
lets one scrape see every worker process, the checks before serving (the caller's, then the connection budget), and
a start-up line saying where it listens. With several workers the checks run while the workers import the app,
behind a start gate (`start_gate`).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import structlog
from sqlalchemy.engine import make_url

from bosonline.config import Settings
from bosonline.connections import check_connection_budget
from bosonline.logging import configure_logging, uvicorn_log_config
from bosonline.start_gate import Gate, start_gate

log = structlog.get_logger("bosonline.serve")

# prometheus_client reads it when first imported: set before uvicorn starts the app (and its worker processes).
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


@contextmanager
def serving(
    settings: Settings, *, host: str, port: int, workers: int, checks: Callable[[], None]
) -> Iterator[dict[str, Any]]:
    """Around `uvicorn.run(...)`: yields the options uvicorn needs for our logs. `checks` (pending migrations) and
    the connection budget run first with one worker; with several, beside `uvicorn.run` and its workers' imports,
    and what they raise is raised when uvicorn has stopped (its workers never served: see `start_gate`)."""
    configure_logging(settings.log_level, settings.log_format)
    options = {
        "log_config": uvicorn_log_config(settings.log_level, settings.log_format),
        "log_level": settings.log_level.lower(),
    }

    def check() -> None:
        checks()
        asyncio.run(check_connection_budget(settings, serve_processes=workers))

    with _metrics_dir(settings, workers):
        if workers == 1:
            check()
            log.info("serving", **_where(settings, host, port, workers))
            yield options
            return
        with start_gate() as gate, _beside(check, gate):
            log.info("serving", **_where(settings, host, port, workers))
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


def _where(settings: Settings, host: str, port: int, workers: int) -> dict[str, Any]:
    url = make_url(settings.effective_database_url)
    # A browser cannot open the wildcard address: the docs link names this machine instead.
    browsable = "localhost" if host in ("0.0.0.0", "::", "") else host
    origin = f"http://[{browsable}]:{port}" if ":" in browsable else f"http://{browsable}:{port}"
    return {
        "host": host,
        "port": port,
        "url": origin,
        "docs": f"{origin}/docs",
        "workers": workers,
        "background_worker": settings.run_worker,
        "database": url.get_backend_name(),
        # Where, never who: no user name or password.
        "database_at": url.database
        if url.get_backend_name() == "sqlite"
        else f"{url.host}:{url.port or 5432}/{url.database}",
        "metrics": settings.metrics_token is not None,
    }
