"""Right after start-up the region index may still be building (`serve` builds it in the background): a request that
needs it waits for it and answers what it answers later; a build that fails or outlasts the wait answers 503 in the
envelope, and the next request builds it again."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import httpx
import pytest
from structlog.testing import capture_logs

from bosonline.regions import index as index_module
from bosonline.regions import service
from bosonline.regions.index import IndexBuild, loaded_index, region_index
from bosonline.runtime import Runtime
from tests.checkout.helpers import JAKARTA_DISTRICT, make_checkout_shop
from tests.envelope import assert_error

SEARCH = ("/public/regions", {"q": "sleman"})
LOOKUP = ("/public/regions/34.04.01", {})


def regions_later() -> Iterable[tuple[str, str]]:
    """What the real build reads, in the order it reads it."""
    return index_module._all_regions()  # the build's own source, which the tests wrap


@pytest.fixture
def fresh_build(
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Callable[[Callable[[], Iterable[tuple[str, str]]]], IndexBuild]]:
    """Replaces the process's (already built) index by one not built yet, reading regions from a given source."""
    region_index()  # the expected answers below come from the real index

    def install(source: Callable[[], Iterable[tuple[str, str]]]) -> IndexBuild:
        build = IndexBuild(source)
        monkeypatch.setattr(index_module, "_build", build)
        assert loaded_index() is None
        return build

    yield install


async def answers(client: httpx.AsyncClient, requests: list[tuple[str, dict[str, Any]]]) -> list[httpx.Response]:
    return list(await asyncio.gather(*(client.get(path, params=params) for path, params in requests)))


async def test_requests_wait_for_the_index_and_answer_as_later(
    client: httpx.AsyncClient, rt: Runtime, fresh_build: Callable[..., IndexBuild]
) -> None:
    shop = await make_checkout_shop(client, rt, stock=7)
    rates = (
        f"/public/form/{shop.slug}/rates",
        {"store": shop.subdomain, "district": JAKARTA_DISTRICT, "items": f"{shop.red}:1"},
    )
    requests = [SEARCH, LOOKUP, rates, SEARCH]
    expected = [response.json() for response in await answers(client, requests)]
    assert all(expected) and expected[0]["data"][0]["name"] == "Kabupaten Sleman"

    gate = threading.Event()

    def slow_regions() -> Iterable[tuple[str, str]]:
        assert gate.wait(timeout=30)
        return regions_later()

    build = fresh_build(slow_regions)
    pending = asyncio.ensure_future(answers(client, requests))
    await asyncio.sleep(0.2)
    assert not pending.done(), "the requests cannot answer before the index is built"
    gate.set()
    responses = await pending
    assert [response.status_code for response in responses] == [200] * len(requests), [r.text for r in responses]
    assert [response.json() for response in responses] == expected
    assert loaded_index() is build.index is not None and build.failures == 0


async def test_a_failed_build_answers_503_and_the_next_request_builds_it_again(
    client: httpx.AsyncClient, fresh_build: Callable[..., IndexBuild]
) -> None:
    expected = (await client.get(SEARCH[0], params=SEARCH[1])).json()
    tries = 0

    def broken_once() -> Iterable[tuple[str, str]]:
        nonlocal tries
        tries += 1
        if tries == 1:
            raise OSError("the region data could not be read")
        return regions_later()

    build = fresh_build(broken_once)
    with capture_logs() as logs:
        failed = await client.get(SEARCH[0], params=SEARCH[1])
    assert_error(failed, 503, "service_unavailable")
    assert failed.headers["retry-after"] == "2"
    assert [entry["event"] for entry in logs if entry["log_level"] == "error"] == ["region_index_failed"]
    assert build.failures == 1 and loaded_index() is None

    again = await client.get(SEARCH[0], params=SEARCH[1])
    assert again.status_code == 200 and again.json() == expected
    assert tries == 2


async def test_a_build_slower_than_the_wait_answers_503_not_a_hang(
    client: httpx.AsyncClient, fresh_build: Callable[..., IndexBuild], monkeypatch: pytest.MonkeyPatch
) -> None:
    gate = threading.Event()

    def stuck() -> Iterable[tuple[str, str]]:
        assert gate.wait(timeout=30)
        return regions_later()

    fresh_build(stuck)
    monkeypatch.setattr(service, "WAIT_SECONDS", 0.1)
    assert_error(await client.get(LOOKUP[0]), 503, "service_unavailable")
    gate.set()
    monkeypatch.setattr(service, "WAIT_SECONDS", 30.0)
    answered = await client.get(LOOKUP[0])
    assert answered.status_code == 200 and answered.json()["data"]["name"] == "Gamping"


def test_one_build_for_every_waiter(fresh_build: Callable[..., IndexBuild]) -> None:
    """Started at start-up, asked for by several requests and threads at once: the regions are read once."""
    reads = 0
    gate = threading.Event()

    def counted() -> Iterable[tuple[str, str]]:
        nonlocal reads
        reads += 1
        assert gate.wait(timeout=30)
        return regions_later()

    build = fresh_build(counted)
    service.start_loading()

    async def waiters() -> list[Any]:
        return list(await asyncio.gather(*(build.ready() for _ in range(5))))

    threads = [threading.Thread(target=region_index) for _ in range(3)]
    for thread in threads:
        thread.start()
    gate.set()
    ready = asyncio.run(waiters())
    for thread in threads:
        thread.join(timeout=30)
    assert reads == 1 and all(found is build.index is not None for found in ready)
