"""GET /health (liveness: the process answers; nothing else is checked) and GET /health/ready (readiness: the
database answers within `readiness_timeout_seconds` and is at this version's latest migration).

A load balancer sends traffic to ready processes only; an orchestrator restarts a process only when it is not
live. A database outage makes every process unready, never "dead": restarting them would not bring it back.

The region index, built in the background after start-up, is not part of readiness: a request that needs it in
its first second waits for it and answers right (or 503 after a bounded wait), and a build that keeps failing
should cost the region routes, not take every route of every process out of the load balancer.
"""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from bosonline import __version__
from bosonline.errors import OpsError, ServiceUnavailable, error_responses
from bosonline.kit.schemas import Envelope
from bosonline.runtime import Runtime
from bosonline.schema_revision import current_revision, head_revision

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    status: str = Field(examples=["ok"])
    version: str


class ReadyOut(BaseModel):
    status: str = Field(examples=["ready"])
    database: str = Field(examples=["ok"])
    migration: str = Field(description="The database's migration revision, the latest this version has.")
    version: str


@router.head("/health", include_in_schema=False)  # load balancers often probe with HEAD
@router.get("/health", summary="Liveness: the process answers (the database is not checked)", operation_id="health")
async def health() -> Envelope[HealthOut]:
    return Envelope(data=HealthOut(status="ok", version=__version__))


@router.head("/health/ready", include_in_schema=False)
@router.get(
    "/health/ready",
    summary="Readiness: the database answers and is at the latest migration",
    operation_id="health_ready",
    responses=error_responses(OpsError.database_unreachable, OpsError.migrations_pending),
)
async def ready(request: Request) -> Envelope[ReadyOut]:
    runtime: Runtime = request.app.state.runtime
    try:
        async with asyncio.timeout(runtime.settings.readiness_timeout_seconds):
            current = await current_revision(runtime.db)
    except Exception as exc:  # any failure to reach the database within the timeout means "not ready"
        raise ServiceUnavailable("Database unreachable", code=OpsError.database_unreachable) from exc
    head = head_revision()
    if current != head:
        raise ServiceUnavailable(
            f"The database is at migration {current or 'none'}, this version needs {head}: run `bosonline migrate`",
            code=OpsError.migrations_pending,
        )
    return Envelope(data=ReadyOut(status="ready", database="ok", migration=str(head), version=__version__))
