"""GET /health: 200 when the database answers, 503 when it does not."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from bosonline import __version__
from bosonline.errors import CommonError, error_body, error_responses
from bosonline.kit.schemas import Envelope

router = APIRouter(tags=["health"])


class HealthOut(BaseModel):
    status: str
    database: str
    version: str


@router.head("/health", include_in_schema=False)  # load balancers often probe with HEAD
@router.get(
    "/health",
    summary="Liveness and database reachability",
    operation_id="health",
    responses=error_responses(CommonError.service_unavailable),
)
async def health(request: Request) -> Envelope[HealthOut]:
    try:
        await request.app.state.runtime.db.ping()
    except Exception:  # noqa: BLE001 — any failure to reach the database means "not ready"
        # FastAPI takes the annotation as the response model and sends a Response returned instead as it is.
        return JSONResponse(  # type: ignore[return-value]
            error_body(CommonError.service_unavailable, "Database unreachable"), status_code=503
        )
    return Envelope(data=HealthOut(status="ok", database="ok", version=__version__))
