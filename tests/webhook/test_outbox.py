"""WebhookOutbox.emit: rows in the caller's transaction, one per subscribed active endpoint, cheaply."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from bosonline.runtime import Runtime
from bosonline.webhook.outbox import WebhookOutbox
from bosonline.worker import wakeup
from tests.factories import seller
from tests.querycount import count_queries
from tests.webhook.helpers import add_webhook, deliveries, emit

URL = "https://erp.example.com/hook"


async def test_rows_follow_the_transaction(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    store_id = owner["store"]["id"]
    await add_webhook(client, owner["headers"], URL)
    assert await emit(rt, store_id, commit=False) == 1
    assert await deliveries(rt) == []  # rolled back: nothing will ever be sent
    assert await emit(rt, store_id, "order.status_changed", {"id": 7, "status": "confirmed"}) == 1
    [row] = await deliveries(rt)
    assert (row.event, row.status, row.attempts, row.store_id) == ("order.status_changed", "pending", 0, store_id)
    assert row.next_attempt_at == rt.clock.now()


async def test_body_and_one_row_per_subscribed_active_endpoint(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    store_id, headers = owner["store"]["id"], owner["headers"]
    everything = await add_webhook(client, headers, URL + "/all")
    created_only = await add_webhook(client, headers, URL + "/created", events=["order.created"])
    inactive = await add_webhook(client, headers, URL + "/off")
    await client.patch(f"/store/webhook/{inactive['id']}/status", json={"status": "inactive"}, headers=headers)
    other_store = await seller(client)
    await add_webhook(client, other_store["headers"], URL + "/all")

    data = {"id": 42, "customer_name": "Budi Śantoso", "total": 150_000, "items": [{"name": "Kopi Gayo"}]}
    async with rt.db.session() as session:
        outbox = WebhookOutbox(session, store_id, rt.clock.now())
        assert await outbox.emit("order.created", data) == 2
        assert await outbox.emit("order.payment_status_changed", {"id": 42}) == 1
        await session.commit()

    rows = await deliveries(rt)
    assert sorted((row.webhook_id, row.event) for row in rows) == sorted(
        [
            (everything["id"], "order.created"),
            (created_only["id"], "order.created"),
            (everything["id"], "order.payment_status_changed"),
        ]
    )
    assert len({row.unique_id for row in rows}) == 3
    for row in rows:
        body = json.loads(row.body)
        assert list(body) == ["event", "unique_id", "timestamp", "data"]
        assert body["event"] == row.event and body["unique_id"] == row.unique_id
        assert body["timestamp"] == "2026-11-21T03:00:00.000Z"
    created = [row for row in rows if row.event == "order.created"]
    assert json.loads(created[0].body)["data"] == data
    # Compact and UTF-8 as is.
    assert '"customer_name":"Budi Śantoso"' in created[0].body and ": " not in created[0].body


async def test_statement_budget(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    for n in range(3):
        await add_webhook(client, owner["headers"], f"{URL}/{n}")
    quiet = await seller(client)
    async with rt.db.session() as session:
        outbox = WebhookOutbox(session, owner["store"]["id"], rt.clock.now())
        with count_queries(rt) as first:
            assert await outbox.emit("order.created", {"id": 1}) == 3
        with count_queries(rt) as second:
            assert await outbox.emit("order.updated", {"id": 1}) == 3
        silent = WebhookOutbox(session, quiet["store"]["id"], rt.clock.now())
        with count_queries(rt) as none_first:
            assert await silent.emit("order.created", {"id": 2}) == 0
        with count_queries(rt) as none_after:
            assert await silent.emit("order.updated", {"id": 2}) == 0
            assert await silent.emit("order.status_changed", {"id": 2}) == 0
        await session.rollback()
    assert (first.count, second.count, none_first.count, none_after.count) == (2, 1, 1, 0)


async def test_unknown_events_are_a_programming_error(rt: Runtime) -> None:
    async with rt.db.session() as session:
        with pytest.raises(ValueError, match="unknown webhook event"):
            await WebhookOutbox(session, 1, rt.clock.now()).emit("order.exploded", {})


async def test_a_committed_request_wakes_the_worker(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    webhook = await add_webhook(client, owner["headers"], URL)
    woken = asyncio.Event()
    wakeup.subscribe(woken)
    try:
        refused = await client.post("/store/webhook/999999/test", headers=owner["headers"])
        assert refused.status_code == 404 and not woken.is_set()
        queued = await client.post(f"/store/webhook/{webhook['id']}/test", headers=owner["headers"])
        assert queued.status_code == 202
        assert woken.is_set()
    finally:
        wakeup.unsubscribe(woken)
