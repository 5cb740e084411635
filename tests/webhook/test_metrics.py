"""What GET /metrics says of webhook deliveries: the queue read at scrape time, attempts by outcome."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bosonline.runtime import Runtime
from bosonline.wiring import AppWorker as Worker
from tests.factories import seller
from tests.scrape import enable_metrics, scrape, value
from tests.webhook.helpers import add_webhook, emit
from tests.webhook.receiver import Receiver

DELIVERIES = "bosonline_webhook_deliveries_total"


async def test_queue_and_outcomes_of_webhook_deliveries(
    client: httpx.AsyncClient, rt: Runtime, clock: Any, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    enable_metrics(rt, monkeypatch)
    owner = await seller(client)
    await add_webhook(client, owner["headers"], receiver.url)
    await emit(rt, owner["store"]["id"])
    clock.advance(seconds=90)
    await emit(rt, owner["store"]["id"])
    clock.advance(seconds=30)
    before = await scrape(client)
    assert value(before, "bosonline_queue_due", job="webhooks") == 2
    assert value(before, "bosonline_queue_oldest_due_age_seconds", job="webhooks") == 120

    receiver.fail_next = 1
    async with Worker(rt) as worker:
        assert await worker.run_once() == 2
    after = await scrape(client)

    def added(outcome: str) -> float:
        return value(after, DELIVERIES, outcome=outcome) - value(before, DELIVERIES, outcome=outcome)

    assert (added("delivered"), added("retry"), added("failed")) == (1, 1, 0)
    assert value(after, "bosonline_queue_due", job="webhooks") == 0  # the retry waits for its backoff
