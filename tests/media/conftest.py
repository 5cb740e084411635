"""Media tests talk to an app whose body limit is the production default (6 MiB), so that uploads up to the
5 MB image limit (and just over it) reach the upload endpoint instead of the app-wide 1 MiB test limit."""

from __future__ import annotations

import pytest
from fastapi import FastAPI

from bosonline.app import create_app
from bosonline.runtime import Runtime

PRODUCTION_BODY_LIMIT = 6 * 1024 * 1024


@pytest.fixture(scope="session")
def app(runtime: Runtime) -> FastAPI:
    """Overrides the suite's app (tests/conftest.py) for the media tests; the suite's `client` talks to it."""
    settings = runtime.settings.model_copy(update={"max_body_bytes": PRODUCTION_BODY_LIMIT})
    return create_app(settings, runtime=runtime)
