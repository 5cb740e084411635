"""Media tests talk to an app whose body limit is the production default (6 MiB), so that uploads up to the
5 MB image limit (and just over it) reach the upload endpoint instead of the app-wide 1 MiB test limit."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from bosonline.app import create_app
from bosonline.runtime import Runtime

PRODUCTION_BODY_LIMIT = 6 * 1024 * 1024


@pytest.fixture(scope="session")
def media_app(runtime: Runtime) -> FastAPI:
    settings = runtime.settings.model_copy(update={"max_body_bytes": PRODUCTION_BODY_LIMIT})
    return create_app(settings, runtime=runtime)


@pytest.fixture
async def client(rt: Runtime, media_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    app = media_app
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 4321))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http
