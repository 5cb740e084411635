"""`bosonline serve`'s checks before serving, after its pending migrations: the connection budget (a warning when
every process's full pool would not fit, `connections`), then the start-up line saying where it listens."""

from __future__ import annotations

import asyncio
from typing import Any

import structlog
from sqlalchemy.engine import make_url

from bosonline.config import Settings
from bosonline.connections import check_connection_budget

log = structlog.get_logger("bosonline.serve")


def check_and_announce(settings: Settings, *, host: str, port: int, workers: int) -> None:
    asyncio.run(check_connection_budget(settings, serve_processes=workers))
    log.info("serving", **_where(settings, host, port, workers))


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
