"""The worker delivering to a real receiver on 127.0.0.1: signatures, retries, failures, leases, the log."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from bosonline import __version__
from bosonline.app import create_app
from bosonline.models import WebhookDelivery
from bosonline.runtime import Runtime
from bosonline.webhook.delivery import BACKOFF, MAX_ATTEMPTS
from bosonline.webhook.tasks import WebhookJob
from bosonline.wiring import AppWorker as Worker
from tests.factories import bearer, login, seller
from tests.webhook.helpers import add_webhook, attempts, deliveries, emit, variant
from tests.webhook.receiver import Receiver


async def shop_with_webhook(client: httpx.AsyncClient, url: str, **body: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    owner = await seller(client)
    return owner, await add_webhook(client, owner["headers"], url, **body)


async def test_delivery_is_signed_and_logged(client: httpx.AsyncClient, rt: Runtime, receiver: Receiver) -> None:
    owner, webhook = await shop_with_webhook(client, receiver.url)
    await emit(rt, owner["store"]["id"], "order.created", {"id": 5, "customer_name": "Siti Ayu", "total": 99_000})
    async with Worker(rt) as worker:
        assert await worker.run_once() == 1
        assert await worker.run_once() == 0

    [request] = receiver.requests
    [row] = await deliveries(rt)
    assert request.method == "POST" and request.path == "/hook"
    assert request.body == row.body.encode()
    expected = base64.b64encode(hmac.new(webhook["secret"].encode(), request.body, hashlib.sha256).digest()).decode()
    assert hmac.compare_digest(request.headers["x-bosonline-hmac-sha256"], expected)
    assert request.headers["x-bosonline-event"] == "order.created"
    assert request.headers["x-bosonline-delivery"] == row.unique_id == json.loads(request.body)["unique_id"]
    assert request.headers["content-type"] == "application/json"
    assert request.headers["user-agent"] == f"bosonline/{__version__}"
    assert json.loads(request.body)["data"]["customer_name"] == "Siti Ayu"

    assert (row.status, row.attempts, row.last_status_code, row.locked_until) == ("delivered", 1, 200, None)
    assert row.delivered_at == rt.clock.now()
    [attempt] = await attempts(rt, row.id)
    assert (attempt.attempt, attempt.status_code, attempt.error, attempt.response_excerpt) == (1, 200, None, "ok")
    assert attempt.duration_ms >= 0


async def test_retries_with_backoff_then_fails(
    client: httpx.AsyncClient, rt: Runtime, clock: Any, receiver: Receiver
) -> None:
    owner, webhook = await shop_with_webhook(client, receiver.url)
    await emit(rt, owner["store"]["id"])
    receiver.fail_next, receiver.reply = 100, b"boom"
    async with Worker(rt) as worker:
        for attempt, delay in enumerate(BACKOFF, start=1):
            assert await worker.run_once() == 1
            [row] = await deliveries(rt)
            assert (row.status, row.attempts, row.last_status_code, row.last_error) == (
                "pending",
                attempt,
                500,
                "HTTP 500",
            )
            assert row.next_attempt_at == clock.now() + delay
            clock.advance(seconds=delay.total_seconds() - 1)
            assert await worker.run_once() == 0  # not due yet
            clock.advance(seconds=1)
        assert await worker.run_once() == 1  # the last attempt
        clock.advance(days=2)
        assert await worker.run_once() == 0

    [row] = await deliveries(rt)
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
    assert len(receiver.requests) == MAX_ATTEMPTS == 8
    assert {request.body for request in receiver.requests} == {row.body.encode()}  # identical bytes every time
    log = await attempts(rt, row.id)
    assert [(a.attempt, a.status_code, a.error, a.response_excerpt) for a in log] == [
        (n, 500, "HTTP 500", "boom") for n in range(1, 9)
    ]

    # The log through the API, then a manual retry (logged in again: the clock moved past the token's life).
    headers = bearer(await login(client, owner["email"]))
    detail = (await client.get(f"/store/webhook/deliveries/{row.id}", headers=headers)).json()["data"]
    assert detail["status"] == "failed" and detail["next_attempt_at"] is None
    assert detail["body"] == row.body and [a["attempt"] for a in detail["attempt_log"]] == list(range(1, 9))
    failed = await client.get(f"/store/webhook/{webhook['id']}/deliveries?status=failed", headers=headers)
    assert [d["id"] for d in failed.json()["data"]] == [row.id]

    retried = await client.post(f"/store/webhook/deliveries/{row.id}/retry", headers=headers)
    assert retried.status_code == 200, retried.text
    assert retried.json()["data"]["status"] == "pending"
    assert retried.json()["data"]["next_attempt_at"] == clock.now().isoformat().replace("+00:00", "Z")
    again = await client.post(f"/store/webhook/deliveries/{row.id}/retry", headers=headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "delivery_not_failed"
    receiver.fail_next = 0  # the receiver was fixed
    async with Worker(rt) as worker:
        assert await worker.run_once() == 1
    [row] = await deliveries(rt)
    assert (row.status, row.attempts) == ("delivered", 9)
    assert [a.attempt for a in await attempts(rt, row.id)][-1] == 9
    delivered = await client.post(f"/store/webhook/deliveries/{row.id}/retry", headers=headers)
    assert delivered.status_code == 409


async def test_a_manual_retry_after_exhaustion_is_one_attempt(
    client: httpx.AsyncClient, rt: Runtime, receiver: Receiver
) -> None:
    owner, _ = await shop_with_webhook(client, receiver.url)
    await emit(rt, owner["store"]["id"])
    async with rt.db.session() as session:
        await session.execute(update(WebhookDelivery).values(status="failed", attempts=MAX_ATTEMPTS))
        await session.commit()
    [row] = await deliveries(rt)
    receiver.fail_next = 1
    assert (await client.post(f"/store/webhook/deliveries/{row.id}/retry", headers=owner["headers"])).status_code == 200
    async with Worker(rt) as worker:
        assert await worker.run_once() == 1
    [row] = await deliveries(rt)
    assert (row.status, row.attempts, row.last_status_code) == ("failed", MAX_ATTEMPTS + 1, 500)


async def test_inactive_and_deleted_endpoints(client: httpx.AsyncClient, rt: Runtime, receiver: Receiver) -> None:
    owner, webhook = await shop_with_webhook(client, receiver.url)
    headers, store_id = owner["headers"], owner["store"]["id"]
    await emit(rt, store_id)
    await client.patch(f"/store/webhook/{webhook['id']}/status", json={"status": "inactive"}, headers=headers)
    assert await emit(rt, store_id) == 0  # inactive endpoints get no new deliveries
    async with Worker(rt) as worker:
        assert await worker.run_once() == 1
    [row] = await deliveries(rt)
    assert (row.status, row.last_error, row.attempts) == ("failed", "endpoint inactive", 0)
    assert receiver.requests == []

    await client.patch(f"/store/webhook/{webhook['id']}/status", json={"status": "active"}, headers=headers)
    await client.post(f"/store/webhook/deliveries/{row.id}/retry", headers=headers)
    await emit(rt, store_id)
    assert len(await deliveries(rt)) == 2
    await client.delete(f"/store/webhook/{webhook['id']}", headers=headers)
    assert await deliveries(rt) == []  # gone with their endpoint
    async with Worker(rt) as worker:
        assert await worker.run_once() == 0
    assert receiver.requests == []


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        (
            {"status": 302, "extra_headers": {"Location": "http://127.0.0.1:1/elsewhere"}},
            "HTTP 302 (redirects are not followed)",
        ),
        ({"status": 404}, "HTTP 404"),
        ({"hang": True}, "timed out after 0.3 s"),
    ],
)
async def test_failed_answers_are_retried(
    client: httpx.AsyncClient, rt: Runtime, receiver: Receiver, setup: dict[str, Any], error: str
) -> None:
    for name, value in setup.items():
        setattr(receiver, name, value)
    owner, _ = await shop_with_webhook(client, receiver.url)
    await emit(rt, owner["store"]["id"])
    async with Worker(variant(rt, webhook_timeout_seconds=0.3)) as worker:
        assert await worker.run_once() == 1
    [row] = await deliveries(rt)
    assert (row.status, row.attempts, row.last_error) == ("pending", 1, error)
    assert row.next_attempt_at == rt.clock.now() + BACKOFF[0]
    assert len(receiver.requests) == 1


async def test_unreachable_endpoint(client: httpx.AsyncClient, rt: Runtime, receiver: Receiver) -> None:
    url = receiver.url
    await receiver.close()  # nothing listens on the port any more
    owner, _ = await shop_with_webhook(client, url)
    await emit(rt, owner["store"]["id"])
    async with Worker(rt) as worker:
        assert await worker.run_once() == 1
    [row] = await deliveries(rt)
    assert row.status == "pending" and row.last_status_code is None
    assert row.last_error and row.last_error.startswith("ConnectError")
    await receiver.start()  # the fixture closes it


async def test_long_answers_are_cut_to_500_characters(
    client: httpx.AsyncClient, rt: Runtime, receiver: Receiver
) -> None:
    receiver.reply = ("é" * 3000).encode()
    owner, _ = await shop_with_webhook(client, receiver.url)
    await emit(rt, owner["store"]["id"])
    async with Worker(rt) as worker:
        await worker.run_once()
    [row] = await deliveries(rt)
    [attempt] = await attempts(rt, row.id)
    assert row.status == "delivered" and attempt.response_excerpt == "é" * 500


async def test_private_targets_are_refused_at_send_time(
    client: httpx.AsyncClient, rt: Runtime, receiver: Receiver
) -> None:
    """The endpoint was saved when its name was public (here: private targets were allowed); now the worker is
    strict, and refuses to connect rather than reach 127.0.0.1."""
    owner, _ = await shop_with_webhook(client, receiver.url)
    await emit(rt, owner["store"]["id"])
    async with Worker(variant(rt, webhook_allow_private_targets=False)) as worker:
        assert await worker.run_once() == 1
    [row] = await deliveries(rt)
    assert receiver.requests == []
    assert row.status == "pending" and row.last_error == (
        "not sent: 127.0.0.1 is not a public internet address (private, loopback, link-local, reserved or multicast)"
    )
    # Names are resolved and checked on every connection (DNS rebinding): localhost is refused too.
    await client.put(
        f"/store/webhook/{row.webhook_id}",
        json={"url": receiver.url.replace("127.0.0.1", "localhost")},
        headers=owner["headers"],
    )
    rt.clock.advance(seconds=30)  # type: ignore[attr-defined]
    async with Worker(variant(rt, webhook_allow_private_targets=False)) as worker:
        assert await worker.run_once() == 1
    [row] = await deliveries(rt)
    assert receiver.requests == []
    assert row.last_error and row.last_error.startswith("not sent: localhost resolves to ")


async def test_the_guarded_connection_reaches_checked_addresses(
    client: httpx.AsyncClient, rt: Runtime, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The strict worker's own connection path (resolve, check, connect to the checked address), with loopback
    counted as public for once: there is no public address to deliver to in a test."""
    monkeypatch.setattr("bosonline.webhook.targets.is_public", lambda address: address.is_loopback)
    owner, _ = await shop_with_webhook(client, receiver.url.replace("127.0.0.1", "localhost"))
    await emit(rt, owner["store"]["id"])
    async with Worker(variant(rt, webhook_allow_private_targets=False)) as worker:
        assert await worker.run_once() == 1
    [row] = await deliveries(rt)
    assert (row.status, row.last_status_code) == ("delivered", 200)
    assert receiver.requests[0].headers["host"] == f"localhost:{receiver.port}"


async def test_the_sweeper_recovers_a_dead_workers_lease(
    client: httpx.AsyncClient, rt: Runtime, clock: Any, receiver: Receiver
) -> None:
    owner, _ = await shop_with_webhook(client, receiver.url)
    await emit(rt, owner["store"]["id"])
    dead = WebhookJob(rt)
    claimed, inactive, lease_until = await dead.claim(clock.now())  # claims, then "dies" before sending
    assert len(claimed) == 1 and inactive == 0
    [row] = await deliveries(rt)
    assert (row.status, row.locked_until) == ("sending", lease_until)

    async with Worker(rt) as worker:
        assert await worker.run_once() == 0  # claimed rows are nobody else's
        assert await worker.sweep() == 0  # the lease still runs
        clock.advance(seconds=(lease_until - clock.now()).total_seconds() + 1)
        assert await worker.sweep() == 1
        [row] = await deliveries(rt)
        assert (row.status, row.locked_until, row.attempts) == ("pending", None, 1)  # the lost try counts
        assert row.last_error and "lease expired" in row.last_error
        assert await worker.run_once() == 1
    # The dead worker's late report (if it had sent after all) does not overwrite the new outcome.
    outcome = (await dead.send_all(claimed))[0]
    await dead.record(claimed, [outcome], lease_until)
    await dead.aclose()
    [row] = await deliveries(rt)
    assert (row.status, row.attempts) == ("delivered", 2)
    assert [a.attempt for a in await attempts(rt, row.id)] == [2]
    assert len(receiver.requests) == 2  # at least once: receivers dedupe by unique_id


async def test_a_delivery_that_always_kills_its_worker_ends_failed(
    client: httpx.AsyncClient, rt: Runtime, clock: Any, receiver: Receiver
) -> None:
    owner, _ = await shop_with_webhook(client, receiver.url)
    await emit(rt, owner["store"]["id"])
    for _ in range(MAX_ATTEMPTS):
        dead = WebhookJob(rt)
        _, _, lease_until = await dead.claim(clock.now())  # claims, then "dies" before recording
        await dead.aclose()
        clock.advance(seconds=(lease_until - clock.now()).total_seconds() + 1)
        assert await dead.sweep() == 1
    [row] = await deliveries(rt)
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)


async def test_a_receivers_answer_with_control_bytes_is_logged(
    client: httpx.AsyncClient, rt: Runtime, receiver: Receiver
) -> None:
    """A NUL byte in the answer (PostgreSQL refuses it in text) must not stop the outcome being recorded."""
    receiver.fail_next, receiver.reply = 1, b'boom\x00\x01 {"ok": false}\n'
    owner, _ = await shop_with_webhook(client, receiver.url)
    await emit(rt, owner["store"]["id"])
    async with Worker(rt) as worker:
        assert await worker.run_once() == 1
    [row] = await deliveries(rt)
    assert (row.status, row.attempts, row.last_status_code) == ("pending", 1, 500)
    [attempt] = await attempts(rt, row.id)
    assert attempt.response_excerpt == 'boom\ufffd\ufffd {"ok": false}'
    assert receiver.requests[0].headers["accept-encoding"] == "identity"


async def test_delivery_log_pages_newest_first(client: httpx.AsyncClient, rt: Runtime, receiver: Receiver) -> None:
    owner, webhook = await shop_with_webhook(client, receiver.url)
    for n in range(5):
        await emit(rt, owner["store"]["id"], data={"id": n})
    rows = await deliveries(rt)
    receiver.fail_next = 2
    async with Worker(variant(rt, worker_batch_size=2)) as worker:
        assert await worker.run_once() == 2  # the two oldest fail
        assert await worker.run_once() == 2
        assert await worker.run_once() == 1
    url = f"/store/webhook/{webhook['id']}/deliveries"
    first = (await client.get(url + "?limit=3", headers=owner["headers"])).json()
    assert [d["id"] for d in first["data"]] == [row.id for row in rows][::-1][:3]
    second = (
        await client.get(url, params={"limit": 3, "cursor": first["meta"]["next_cursor"]}, headers=owner["headers"])
    ).json()
    assert [d["id"] for d in second["data"]] == [rows[1].id, rows[0].id]
    assert second["meta"]["next_cursor"] is None
    pending = (await client.get(url + "?status=pending", headers=owner["headers"])).json()["data"]
    assert [d["id"] for d in pending] == [rows[1].id, rows[0].id]
    assert pending[0]["last_error"] == "HTTP 500"
    bad = await client.get(url + "?status=lost", headers=owner["headers"])
    assert bad.status_code == 422


async def test_the_embedded_worker_delivers_right_after_commit(
    client: httpx.AsyncClient, rt: Runtime, receiver: Receiver
) -> None:
    """`serve` runs the worker in the app's lifespan; a committed request wakes it (no waiting for the poll)."""
    owner, webhook = await shop_with_webhook(client, receiver.url)
    app = create_app(runtime=variant(rt, run_worker=True, worker_poll_seconds=300))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            queued = await http.post(f"/store/webhook/{webhook['id']}/test", headers=owner["headers"])
            assert queued.status_code == 202
            await receiver.wait_for(1)
    # Stopping the app let the worker finish its cycle: the answer is recorded.
    [row] = await deliveries(rt)
    assert (row.status, row.event, row.attempts) == ("delivered", "webhook.test", 1)
    assert json.loads(receiver.requests[0].body)["unique_id"] == row.unique_id


@pytest.mark.postgres_only
async def test_concurrent_workers_never_send_a_delivery_twice(
    client: httpx.AsyncClient, rt: Runtime, receiver: Receiver
) -> None:
    owner, _ = await shop_with_webhook(client, receiver.url)
    for n in range(30):
        await emit(rt, owner["store"]["id"], data={"id": n})
    small = variant(rt, worker_batch_size=4)

    async def drain(worker: Worker) -> int:
        handled = 0
        while count := await worker.run_once():
            handled += count
        return handled

    async with Worker(small) as one, Worker(small) as two, Worker(small) as three:
        totals = await asyncio.gather(drain(one), drain(two), drain(three))
    assert sum(totals) == 30
    ids = [json.loads(request.body)["unique_id"] for request in receiver.requests]
    assert len(ids) == len(set(ids)) == 30
    assert {row.status for row in await deliveries(rt)} == {"delivered"}


def test_backoff_schedule() -> None:
    assert [delay.total_seconds() for delay in BACKOFF] == [30, 120, 600, 1800, 3600, 10800, 21600]
    assert MAX_ATTEMPTS == 8
    assert sum(BACKOFF, timedelta()) == timedelta(hours=10, minutes=42, seconds=30)
