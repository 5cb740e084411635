"""What GET /metrics says of the dispatcher: its queue (due rows, the oldest's wait) read at scrape time, and the
sends by provider and outcome."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from bosonline.kit.clock import FrozenClock
from bosonline.runtime import Runtime
from tests.followup.dispatch_helpers import job, schedule, setup
from tests.followup.fakes import FakeGateway
from tests.scrape import enable_metrics, scrape, value

SENDS = "bosonline_whatsapp_sends_total"


async def test_queue_and_sends_of_the_dispatcher(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway, monkeypatch: pytest.MonkeyPatch
) -> None:
    enable_metrics(rt, monkeypatch)
    s = await setup(client, rt, fonnte, n=3)
    due = clock.now() - timedelta(minutes=10)
    await schedule(rt, s.template, order_ids=[order.id for order in s.orders[:2]], due_at=due)
    await schedule(rt, s.template, order_ids=[s.orders[2].id], due_at=clock.now() + timedelta(hours=1))  # not yet
    before = await scrape(client)
    assert value(before, "bosonline_queue_read_ok") == 1
    assert value(before, "bosonline_queue_due", job="followups") == 2
    assert value(before, "bosonline_queue_oldest_due_age_seconds", job="followups") == 600
    assert value(before, "bosonline_queue_due_capped", job="followups") == 0

    fonnte.fail_next, fonnte.fail_status = 1, 503  # provider busy: certainly not sent, retried later
    followups = job(s.rt)
    try:
        assert await followups.run_once() == 2
    finally:
        await followups.aclose()
    after = await scrape(client)
    assert (
        value(after, SENDS, provider="fonnte", outcome="sent") - value(before, SENDS, provider="fonnte", outcome="sent")
        == 1
    )
    assert (
        value(after, SENDS, provider="fonnte", outcome="retry")
        - value(before, SENDS, provider="fonnte", outcome="retry")
        == 1
    )
    assert value(after, "bosonline_queue_due", job="followups") == 0  # the retry waits for its backoff
    assert value(after, "bosonline_queue_oldest_due_age_seconds", job="followups") == 0
