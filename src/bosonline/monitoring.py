"""GET /metrics: Prometheus's text format (metrics.py says what is in it), for operators only.

Off unless BOSONLINE_METRICS_TOKEN is set (404, as if there were no such route); with it, a scrape must send
`Authorization: Bearer <token>` (401 otherwise). Not in the OpenAPI document: it is not part of the API clients
use, and it answers text, not JSON.

The worker's queues are read here, at scrape time, through the QUEUE_BACKLOG seam (the queries belong to the
domains whose rows they count; wiring.py plugs them in): bounded statements on the claims' own indexes, within
QUEUE_READ_SECONDS. A scrape while the database is down still answers, with bosonline_queue_read_ok 0.
"""

from __future__ import annotations

import asyncio
import hmac
from collections.abc import Awaitable, Callable
from datetime import datetime

import structlog
from fastapi import APIRouter, Request, Response

from bosonline import metrics
from bosonline.errors import NotFound, OpsError, Unauthorized
from bosonline.runtime import Runtime, Seam

log = structlog.get_logger("bosonline.metrics")

QueueBacklog = Callable[[Runtime, datetime], Awaitable[list[metrics.Backlog]]]
QUEUE_BACKLOG: Seam[QueueBacklog] = Seam("queue_backlog")
QUEUE_READ_SECONDS = 5.0

router = APIRouter()


@router.get("/metrics", include_in_schema=False)
async def prometheus_metrics(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    _authorize(runtime, request.headers.get("authorization", ""))
    now = runtime.clock.now()
    body = metrics.exposition(await _backlogs(runtime, now), now)
    return Response(body, media_type=metrics.CONTENT_TYPE)


def _authorize(runtime: Runtime, authorization: str) -> None:
    token = runtime.settings.metrics_token
    if token is None:
        raise NotFound("Not found: no such route")  # the same answer as a path no route matches
    scheme, _, given = authorization.partition(" ")
    expected = token.get_secret_value().encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
        raise Unauthorized("Metrics need the bearer token BOSONLINE_METRICS_TOKEN", code=OpsError.invalid_metrics_token)


async def _backlogs(runtime: Runtime, now: datetime) -> list[metrics.Backlog] | None:
    read = runtime.plugged(QUEUE_BACKLOG)  # not plugged: a runtime not built by wiring, a bug to see at once
    try:
        async with asyncio.timeout(QUEUE_READ_SECONDS):
            return await read(runtime, now)
    except Exception:  # the database is down or slow: the other metrics still matter most then
        log.warning("metrics_queue_read_failed", exc_info=True)
        return None
