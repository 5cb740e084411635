"""An app of its own for a test that needs other settings than the session's (another database, a timeout)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from bosonline.app import create_app
from bosonline.config import Settings
from bosonline.runtime import Runtime
from bosonline.wiring import build_runtime


@asynccontextmanager
async def app_client(settings: Settings) -> AsyncIterator[tuple[httpx.AsyncClient, Runtime]]:
    runtime = build_runtime(settings)
    transport = httpx.ASGITransport(app=create_app(runtime=runtime))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            yield http, runtime
    finally:
        await runtime.db.dispose()
