"""Delivery-status webhooks through the app: /webhooks/whatsapp/{integration_id} (Meta signed, gateways by
?secret=), statuses only moving forward, and nothing changing on a bad signature or another store's message."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text, update

from bosonline.followup.dispatch.status_service import apply_waiting_statuses
from bosonline.integrations.whatsapp.status import parse_gateway, parse_meta, verify_meta_signature
from bosonline.kit.clock import FrozenClock, as_utc
from bosonline.models import FollowupChat, FollowupMessage, FollowupStatusInbox, WaIntegration
from bosonline.runtime import Runtime
from tests.factories import seller
from tests.followup.dispatch_helpers import integration as dispatch_integration
from tests.followup.dispatch_helpers import job, row, rows, schedule, setup
from tests.followup.fakes import (
    FakeGateway,
    fonnte_status,
    meta_signature,
    meta_status,
    meta_status_payload,
    starsender_status,
    wablas_status,
)
from tests.orders_support import add_row
from tests.querycount import count_queries

APP_SECRET = "meta-app-secret-" + "x" * 16
TOKEN = "gateway-token-" + "t" * 10
HOOK_SECRET = "hook-secret-" + "y" * 20
_phones = iter(range(10_000_000, 99_999_999))


async def make_integration(
    rt: Runtime,
    store_id: int,
    provider: str = "whatsapp_cloud",
    *,
    phone_number_id: str = "1234567890",
    app_secret: str = APP_SECRET,
) -> WaIntegration:
    credentials: dict[str, Any] = {
        "fonnte": {"token": "t"},
        "wablas": {"token": "t", "server": "tegal"},
        "starsender": {"token": "t"},
        "whatsapp_cloud": {"phone_number_id": phone_number_id, "access_token": "t", "app_secret": app_secret},
    }[provider] | {"webhook_secret": HOOK_SECRET}
    return await add_row(
        rt,
        WaIntegration,
        store_id=store_id,
        name=f"WA {provider}",
        phone_number=f"6281{next(_phones)}",
        provider=provider,
        credentials=rt.secrets.seal(credentials),
    )


async def make_message(
    rt: Runtime,
    integration: WaIntegration | None,
    store_id: int,
    status: str = "sent",
    provider_message_id: str | None = None,
) -> int:
    now = rt.clock.now()
    message = await add_row(
        rt,
        FollowupMessage,
        store_id=store_id,
        step=1,
        template_name="Follow Up 1",
        trigger="order_created",
        channel=integration.provider if integration else "fonnte",
        status=status,
        due_at=now,
        integration_id=integration.id if integration else None,
        phone="6281234567890",
        text="Halo",
        provider_message_id=provider_message_id,
        sent_at=now if status in ("sent",) else None,
    )
    return message.id


async def post_meta(
    client: httpx.AsyncClient,
    integration_id: int,
    statuses: list[dict[str, Any]],
    secret: str = APP_SECRET,
    signature: str | None = None,
    phone_number_id: str = "1234567890",
) -> httpx.Response:
    body = json.dumps(meta_status_payload(statuses, phone_number_id)).encode()
    headers = {"Content-Type": "application/json"}
    if signature != "":
        headers["X-Hub-Signature-256"] = signature or meta_signature(secret, body)
    return await client.post(f"/webhooks/whatsapp/{integration_id}", content=body, headers=headers)


async def store_id(client: httpx.AsyncClient) -> int:
    return int((await seller(client))["store"]["id"])


@pytest.fixture
async def store(client: httpx.AsyncClient) -> int:
    """A seller's store (its id)."""
    return await store_id(client)


async def test_meta_statuses_move_forward(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, store: int):
    meta = await make_integration(rt, store)
    first = await make_message(rt, meta, store, provider_message_id="wamid.A")
    second = await make_message(rt, meta, store, provider_message_id="wamid.B")
    clock.advance(minutes=5)

    response = await post_meta(client, meta.id, [meta_status("wamid.A", "delivered"), meta_status("wamid.B", "read")])

    assert response.status_code == 200, response.text
    assert response.json() == {"data": {"received": 2, "applied": 2}}
    a, b = await row(rt, first), await row(rt, second)
    assert (a.status, as_utc(a.delivered_at), a.read_at) == ("delivered", clock.now(), None)
    assert (b.status, as_utc(b.read_at), b.delivered_at) == ("read", clock.now(), None)  # delivered was skipped
    assert as_utc(a.updated_at) == clock.now()
    assert as_utc(a.sent_at) == clock.now() - timedelta(minutes=5)  # kept


async def test_out_of_order_and_failed_after_delivered_are_ignored(client: httpx.AsyncClient, rt: Runtime, store: int):
    meta = await make_integration(rt, store)
    read_first = await make_message(rt, meta, store, provider_message_id="wamid.R")
    delivered = await make_message(rt, meta, store, provider_message_id="wamid.D")
    await post_meta(client, meta.id, [meta_status("wamid.R", "read"), meta_status("wamid.D", "delivered")])

    # In one batch and in a later call: a read message stays read, a delivered one is not failed afterwards.
    response = await post_meta(
        client,
        meta.id,
        [
            meta_status("wamid.R", "delivered"),
            meta_status("wamid.R", "sent"),
            meta_status("wamid.D", "failed", errors=[{"code": 131026, "title": "Message undeliverable"}]),
        ],
    )

    assert response.json()["data"] == {"received": 3, "applied": 0}
    assert (await row(rt, read_first)).status == "read"
    assert (await row(rt, delivered)).status == "delivered"


async def test_failed_before_delivery_is_recorded(client: httpx.AsyncClient, rt: Runtime, store: int):
    meta = await make_integration(rt, store)
    message = await make_message(rt, meta, store, provider_message_id="wamid.F")
    error = {"code": 131026, "title": "Message undeliverable", "error_data": {"details": "not on WhatsApp"}}

    await post_meta(client, meta.id, [meta_status("wamid.F", "failed", errors=[error])])

    failed = await row(rt, message)
    assert failed.status == "failed"
    assert failed.error == "131026: Message undeliverable not on WhatsApp"
    await post_meta(client, meta.id, [meta_status("wamid.F", "delivered")])
    assert (await row(rt, message)).status == "failed"


async def test_unknown_send_is_resolved_by_the_echoed_reference(client: httpx.AsyncClient, rt: Runtime, store: int):
    meta = await make_integration(rt, store)
    message = await make_message(rt, meta, store, status="unknown")

    response = await post_meta(client, meta.id, [meta_status("wamid.U", "delivered", reference=str(message))])

    assert response.json()["data"]["applied"] == 1
    resolved = await row(rt, message)
    assert (resolved.status, resolved.provider_message_id) == ("delivered", "wamid.U")
    assert resolved.sent_at is not None and resolved.delivered_at is not None
    # Later statuses find it by its provider id too.
    await post_meta(client, meta.id, [meta_status("wamid.U", "read")])
    assert (await row(rt, message)).status == "read"


async def test_another_stores_message_does_not_change(client: httpx.AsyncClient, rt: Runtime):
    mine, theirs = await store_id(client), await store_id(client)
    meta = await make_integration(rt, mine)
    other_meta = await make_integration(rt, theirs)
    foreign = await make_message(rt, other_meta, theirs, status="unknown", provider_message_id="wamid.X")
    foreign_unknown = await make_message(rt, None, theirs, status="unknown")

    response = await post_meta(
        client,
        meta.id,
        [
            meta_status("wamid.X", "read"),
            meta_status("wamid.Y", "read", reference=str(foreign_unknown)),
            meta_status("wamid.Z", "read", reference="²"),
            meta_status("wamid.Z", "read", reference="9" * 40),
        ],
    )

    assert response.status_code == 200
    assert response.json()["data"]["applied"] == 0
    assert (await row(rt, foreign)).status == "unknown"
    assert (await row(rt, foreign_unknown)).status == "unknown"


async def test_bad_or_missing_signature_is_401_and_changes_nothing(client: httpx.AsyncClient, rt: Runtime, store: int):
    meta = await make_integration(rt, store)
    message = await make_message(rt, meta, store, provider_message_id="wamid.S")
    statuses = [meta_status("wamid.S", "read")]

    for response in (
        await post_meta(client, meta.id, statuses, secret="not-the-app-secret"),
        await post_meta(client, meta.id, statuses, signature=""),
        await post_meta(client, meta.id, statuses, signature="sha256=" + "0" * 64),
        await post_meta(client, meta.id, statuses, signature="md5=abc"),
    ):
        assert response.status_code == 401, response.text
        assert response.json()["error"]["code"] == "invalid_signature"
    assert (await row(rt, message)).status == "sent"


async def test_gateway_secret_in_the_url(client: httpx.AsyncClient, rt: Runtime, store: int):
    fonnte = await make_integration(rt, store, "fonnte")
    message = await make_message(rt, fonnte, store, provider_message_id="80000001")
    url = f"/webhooks/whatsapp/{fonnte.id}"

    for params in ({}, {"secret": "wrong"}, {"secret": HOOK_SECRET[:-1]}):
        response = await client.post(url, params=params, json=fonnte_status("80000001", "read"))
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "invalid_secret"
    assert (await row(rt, message)).status == "sent"

    response = await client.post(url, params={"secret": HOOK_SECRET}, json=fonnte_status("80000001", "read"))
    assert response.status_code == 200, response.text
    assert (await row(rt, message)).status == "read"


async def test_wablas_and_starsender_statuses(client: httpx.AsyncClient, rt: Runtime, store: int):
    wablas = await make_integration(rt, store, "wablas")
    starsender = await make_integration(rt, store, "starsender")
    w = await make_message(rt, wablas, store, provider_message_id="wablas-1")
    s = await make_message(rt, starsender, store, provider_message_id="ss-1")

    for integration, payload in (
        (wablas, wablas_status("wablas-1", "delivered")),
        (starsender, starsender_status("ss-1", "failed")),
    ):
        response = await client.post(
            f"/webhooks/whatsapp/{integration.id}", params={"secret": HOOK_SECRET}, json=payload
        )
        assert response.status_code == 200, response.text
    assert (await row(rt, w)).status == "delivered"
    assert (await row(rt, s)).status == "failed"


async def test_irrelevant_events_and_malformed_json(client: httpx.AsyncClient, rt: Runtime, store: int):
    fonnte = await make_integration(rt, store, "fonnte")
    url = f"/webhooks/whatsapp/{fonnte.id}?secret={HOOK_SECRET}"

    incoming = {"device": "628120", "sender": "628123", "message": "halo kak", "name": "Putri"}
    assert (await client.post(url, json=incoming)).json() == {"data": {"received": 0, "applied": 0}}
    assert (await client.post(url, json=[1, "x", None])).status_code == 200
    assert (await client.post(url, json=fonnte_status("unknown-id", "read"))).json()["data"]["applied"] == 0

    response = await client.post(url, content=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_json"
    for body in (b"\xff\xfe", b"[" * 200_000, b'{"id": 1' + b"0" * 5000 + b"}"):
        response = await client.post(url, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, body[:20]


async def test_oversized_body_is_413(client: httpx.AsyncClient, rt: Runtime, store: int):
    fonnte = await make_integration(rt, store, "fonnte")
    body = b'{"x":"' + b"a" * (1024 * 1024 + 10) + b'"}'
    response = await client.post(f"/webhooks/whatsapp/{fonnte.id}?secret={HOOK_SECRET}", content=body)
    assert response.status_code == 413


async def test_unknown_integration_is_404(client: httpx.AsyncClient, rt: Runtime):
    response = await client.post("/webhooks/whatsapp/987654321", json={})
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Record not found"
    assert (await client.get("/webhooks/whatsapp/987654321", params={"hub.mode": "subscribe"})).status_code == 404
    assert (await client.post("/webhooks/whatsapp/abc", json={})).status_code == 422


async def test_meta_verification_handshake(client: httpx.AsyncClient, rt: Runtime, store: int):
    meta = await make_integration(rt, store)
    url = f"/webhooks/whatsapp/{meta.id}"

    ok = await client.get(
        url, params={"hub.mode": "subscribe", "hub.verify_token": HOOK_SECRET, "hub.challenge": "1158201444"}
    )
    assert ok.status_code == 200
    assert ok.text == "1158201444"
    assert ok.headers["content-type"].startswith("text/plain")

    for params in (
        {"hub.mode": "subscribe", "hub.verify_token": "wrong", "hub.challenge": "1"},
        {"hub.mode": "unsubscribe", "hub.verify_token": HOOK_SECRET, "hub.challenge": "1"},
        {"hub.mode": "subscribe", "hub.challenge": "1"},
    ):
        response = await client.get(url, params=params)
        assert response.status_code == 403, params
        assert response.json()["error"]["code"] == "verification_failed"


async def test_a_batch_of_updates_costs_few_queries(client: httpx.AsyncClient, rt: Runtime, store: int):
    meta = await make_integration(rt, store)
    for index in range(30):
        await make_message(rt, meta, store, provider_message_id=f"wamid.{index}")
    statuses = [meta_status(f"wamid.{index}", "delivered") for index in range(30)]

    with count_queries(rt) as counted:
        response = await post_meta(client, meta.id, statuses)

    assert response.json()["data"]["applied"] == 30
    assert counted.count <= 6, counted.statements


# -- parsing (no app) ------------------------------------------------------------------------------------------
def test_meta_parsing_is_lenient_about_shape():
    assert parse_meta(None) == [] and parse_meta({"entry": "x"}) == [] and parse_meta([]) == []
    payload = meta_status_payload(
        [
            meta_status("wamid.1", "sent", reference="12"),
            {"id": "wamid.2", "status": ["read"]},
            {"id": "wamid.3", "status": "deleted"},
            {"status": "read"},
            "garbage",
        ]
    )
    payload["entry"][0]["changes"].append({"field": "messages", "value": {"messages": [{"id": "in", "text": {}}]}})
    [update] = parse_meta(payload)
    assert (update.message_id, update.status, update.reference) == ("wamid.1", "sent", "12")


def test_gateway_parsing_maps_words():
    parsed = parse_gateway(
        {
            "data": [
                {"id": "1", "status": "DELIVERED"},
                {"message_id": 2, "state": "read"},
                {"id": "3", "status": "pending"},
                {"id": "4", "ack": 3},
                {"id": "5", "status": "reject", "note": "number not on WhatsApp"},
                {"id": True, "status": "read"},
            ]
        }
    )
    assert [(u.message_id, u.status) for u in parsed] == [
        ("1", "delivered"),
        ("2", "read"),
        ("4", "read"),
        ("5", "failed"),
    ]
    assert parsed[-1].error == "number not on WhatsApp"


def test_signature_check():
    body = b'{"a":1}'
    assert verify_meta_signature("s", body, meta_signature("s", body))
    assert verify_meta_signature("s", body, meta_signature("s", body).upper().replace("SHA256=", "sha256="))
    assert not verify_meta_signature("s", body + b" ", meta_signature("s", body))
    assert not verify_meta_signature("", body, meta_signature("", body))
    assert not verify_meta_signature("s", body, None)


# -- Meta: one callback URL per app, several numbers ------------------------------------------------------------
async def test_meta_statuses_are_routed_by_phone_number_id(client: httpx.AsyncClient, rt: Runtime):
    store, other_store = await store_id(client), await store_id(client)
    first = await make_integration(rt, store, phone_number_id="1111111111")
    second = await make_integration(rt, store, phone_number_id="2222222222")  # same Meta app: same app secret
    other_app = await make_integration(rt, store, phone_number_id="3333333333", app_secret="another-app-" + "z" * 20)
    elsewhere = await make_integration(rt, other_store, phone_number_id="4444444444")
    on_first = await make_message(rt, first, store, provider_message_id="wamid.1")
    on_second = await make_message(rt, second, store, provider_message_id="wamid.2")
    on_other_app = await make_message(rt, other_app, store, provider_message_id="wamid.3")
    on_elsewhere = await make_message(rt, elsewhere, other_store, provider_message_id="wamid.4")
    body = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "WABA",
                "changes": [
                    meta_status_payload([meta_status(wamid, "read")], number)["entry"][0]["changes"][0]
                    for wamid, number in (
                        ("wamid.1", "1111111111"),
                        ("wamid.2", "2222222222"),
                        ("wamid.3", "3333333333"),
                        ("wamid.4", "4444444444"),
                        ("wamid.1", "5555555555"),
                    )
                ],
            }
        ],
    }
    raw = json.dumps(body).encode()

    # The app's one callback URL is the first number's; the call is signed with the app's secret.
    response = await client.post(
        f"/webhooks/whatsapp/{first.id}",
        content=raw,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": meta_signature(APP_SECRET, raw)},
    )

    assert response.status_code == 200, response.text
    assert response.json()["data"] == {"received": 5, "applied": 2}
    assert (await row(rt, on_first)).status == "read"
    assert (await row(rt, on_second)).status == "read"
    # Another app's number (its secret did not sign this) and another store's number are not touched.
    assert (await row(rt, on_other_app)).status == "sent"
    assert (await row(rt, on_elsewhere)).status == "sent"


async def test_meta_status_of_the_urls_own_number_or_without_metadata_stays_with_it(
    client: httpx.AsyncClient, rt: Runtime, store: int
):
    meta = await make_integration(rt, store, phone_number_id="1111111111")
    message = await make_message(rt, meta, store, provider_message_id="wamid.A")
    payload = meta_status_payload([meta_status("wamid.A", "delivered")])
    del payload["entry"][0]["changes"][0]["value"]["metadata"]
    raw = json.dumps(payload).encode()

    response = await client.post(
        f"/webhooks/whatsapp/{meta.id}",
        content=raw,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": meta_signature(APP_SECRET, raw)},
    )
    assert response.json()["data"]["applied"] == 1
    await post_meta(client, meta.id, [meta_status("wamid.A", "read")], phone_number_id="1111111111")
    assert (await row(rt, message)).status == "read"


# -- gateway statuses that arrive before the dispatcher recorded the send ---------------------------------------
async def inbox(rt: Runtime) -> list[tuple[int, str, str]]:
    async with rt.db.session(write=False) as session:
        found = await session.execute(
            select(
                FollowupStatusInbox.integration_id, FollowupStatusInbox.provider_message_id, FollowupStatusInbox.status
            ).order_by(FollowupStatusInbox.id)
        )
        return [tuple(item) for item in found.all()]  # type: ignore[misc]


@pytest.mark.parametrize("provider", ["fonnte", "wablas", "starsender"])
async def test_a_status_posted_while_sending_is_applied_when_recorded(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, provider: str
):
    status_of = {"fonnte": fonnte_status, "wablas": wablas_status, "starsender": starsender_status}[provider]
    async with FakeGateway(provider, token=TOKEN) as gateway:
        s = await setup(client, rt, gateway)
        wa = await dispatch_integration(rt, s.wa)
        async with rt.db.session() as session:  # setup() makes a fonnte number: this test's provider instead
            await session.execute(
                update(WaIntegration)
                .where(WaIntegration.id == s.wa)
                .values(
                    provider=provider,
                    credentials=rt.secrets.seal(
                        {"token": TOKEN, "server": "tegal", "webhook_secret": "hook-secret"}
                        if provider == "wablas"
                        else {"token": TOKEN, "webhook_secret": "hook-secret"}
                    ),
                )
            )
            await session.execute(
                update(FollowupChat).where(FollowupChat.id == s.template.id).values(provider=provider)
            )
            await session.commit()
        [message_id] = await schedule(rt, s.template, order_ids=[s.orders[0].id], channel=provider)
        followups = job(s.rt)
        try:
            batch = await followups.claim(clock.now())
            results = await followups.send_all(batch.claimed)
            [result] = results
            assert result.outcome == "sent" and result.message_id == gateway.messages[0].id
            assert (await row(rt, message_id)).status == "sending"

            # The gateway reports delivery, then the read, before the dispatcher records the batch.
            clock.advance(seconds=2)
            url = f"/webhooks/whatsapp/{wa.id}"
            for state in ("delivered", "read"):
                posted = await client.post(
                    url, params={"secret": "hook-secret"}, json=status_of(result.message_id, state)
                )
                assert posted.json() == {"data": {"received": 1, "applied": 0}}, posted.text
            assert (await row(rt, message_id)).status == "sending"
            assert await inbox(rt) == [(wa.id, result.message_id, "delivered"), (wa.id, result.message_id, "read")]

            clock.advance(seconds=1)
            await followups.record(batch, results)
        finally:
            await followups.aclose()

    done = await row(rt, message_id)
    assert (done.status, done.provider_message_id, done.error) == ("read", result.message_id, None)
    assert as_utc(done.sent_at) == clock.now() and as_utc(done.read_at) == clock.now()
    assert await inbox(rt) == []


async def test_recording_costs_one_query_more_when_nothing_waits(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock
):
    async with FakeGateway("fonnte", token=TOKEN) as gateway:
        s = await setup(client, rt, gateway, n=3)
        ids = await schedule(rt, s.template, order_ids=[order.id for order in s.orders])
        followups = job(s.rt)
        try:
            batch = await followups.claim(clock.now())
            results = await followups.send_all(batch.claimed)
            with count_queries(rt) as counted:
                await followups.record(batch, results)
        finally:
            await followups.aclose()
    assert counted.count <= 2, counted.statements  # the results, and one look into the inbox
    assert [message.status for message in await rows(rt, FollowupMessage.id.in_(ids))] == ["sent"] * 3


async def test_unmatched_gateway_statuses_are_kept_a_day(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, store: int
):
    fonnte = await make_integration(rt, store, "fonnte")
    meta = await make_integration(rt, store)
    url = f"/webhooks/whatsapp/{fonnte.id}"

    await client.post(url, params={"secret": HOOK_SECRET}, json=fonnte_status("typed-on-the-phone", "read"))
    await post_meta(client, meta.id, [meta_status("wamid.not-ours", "read")])  # Meta echoes our id: never kept
    assert await inbox(rt) == [(fonnte.id, "typed-on-the-phone", "read")]

    clock.advance(days=1, seconds=1)
    await client.post(url, params={"secret": HOOK_SECRET}, json=fonnte_status("another", "delivered"))
    assert await inbox(rt) == [(fonnte.id, "another", "delivered")]

    # A status that arrives after the send was recorded applies at once; nothing is kept.
    message = await make_message(rt, fonnte, store, provider_message_id="80000009")
    response = await client.post(url, params={"secret": HOOK_SECRET}, json=fonnte_status("80000009", "delivered"))
    assert response.json()["data"]["applied"] == 1
    assert (await row(rt, message)).status == "delivered"
    assert await inbox(rt) == [(fonnte.id, "another", "delivered")]


async def test_a_status_racing_the_recording_waits_for_it(client: httpx.AsyncClient, rt: Runtime, is_postgres: bool):
    """PostgreSQL: the webhook's lookup runs while the dispatcher's recording transaction is open (it has looked
    into the inbox already): the webhook waits for that transaction instead of keeping a status nobody reads.
    (SQLite runs one write transaction at a time: no such interleaving.)"""
    if not is_postgres:
        pytest.skip("PostgreSQL only")
    store = await store_id(client)
    fonnte = await make_integration(rt, store, "fonnte")
    message = await make_message(rt, fonnte, store, status="sending")
    url = f"/webhooks/whatsapp/{fonnte.id}"
    async with rt.db.session() as recording:
        await recording.execute(
            update(FollowupMessage)
            .where(FollowupMessage.id == message)
            .values(status="sent", provider_message_id="80000001", sent_at=rt.clock.now())
        )
        assert await apply_waiting_statuses(recording, [(fonnte, "80000001")], rt.clock.now()) == 0
        webhook = asyncio.create_task(
            client.post(url, params={"secret": HOOK_SECRET}, json=fonnte_status("80000001", "delivered"))
        )
        async with rt.db.engine.connect() as watcher, asyncio.timeout(10):
            while not await watcher.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                    "AND datname = current_database()"
                )
            ):
                assert not webhook.done(), webhook.result().text
                await watcher.rollback()
                await asyncio.sleep(0.01)  # polling for the webhook to block on the lock, bounded above
        await recording.commit()
    response = await webhook
    assert response.json()["data"] == {"received": 1, "applied": 1}, response.text
    assert (await row(rt, message)).status == "delivered"
    assert await inbox(rt) == []
