"""/store/webhook: endpoints CRUD, validation, limits, targets, tenancy and roles."""

from __future__ import annotations

from typing import Any

import httpx

from bosonline.app import create_app
from bosonline.runtime import Runtime
from bosonline.webhook.outbox import EVENTS
from tests.factories import add_staff, bearer, login, seller
from tests.webhook.helpers import add_webhook, deliveries, variant

URL = "https://erp.example.com/hooks/bosonline"


async def test_crud(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    created = await add_webhook(client, headers, URL, description="ERP gudang")
    assert created["url"] == URL and created["status"] == "active"
    assert created["events"] == list(EVENTS)
    assert created["secret"].startswith("whsec_") and len(created["secret"]) >= 32
    assert created["secret_hint"] == created["secret"][-4:]
    webhook_id = created["id"]

    listed = await client.get("/store/webhook", headers=headers)
    assert listed.status_code == 200
    [item] = listed.json()["data"]
    assert item["id"] == webhook_id and "secret" not in item
    assert listed.json()["meta"]["total"] == 1

    detail = await client.get(f"/store/webhook/{webhook_id}", headers=headers)
    assert detail.json()["data"]["secret"] == created["secret"]

    edited = await client.put(
        f"/store/webhook/{webhook_id}",
        json={"url": URL + "/v2", "events": ["order.status_changed", "order.created"]},
        headers=headers,
    )
    assert edited.status_code == 200, edited.text
    data = edited.json()["data"]
    assert data["url"] == URL + "/v2"
    assert data["events"] == ["order.created", "order.status_changed"]  # canonical order
    assert data["description"] is None
    assert data["secret"] == created["secret"]  # kept when left out

    own_secret = "my-own-secret-0123456789"
    edited = await client.put(f"/store/webhook/{webhook_id}", json={"url": URL, "secret": own_secret}, headers=headers)
    assert edited.json()["data"]["secret"] == own_secret

    rotated = await client.post(f"/store/webhook/{webhook_id}/rotate-secret", headers=headers)
    assert rotated.status_code == 200
    assert rotated.json()["data"]["secret"] not in (own_secret, created["secret"])

    off = await client.patch(f"/store/webhook/{webhook_id}/status", json={"status": "inactive"}, headers=headers)
    assert off.json()["data"]["status"] == "inactive"
    bad = await client.patch(f"/store/webhook/{webhook_id}/status", json={"status": "paused"}, headers=headers)
    assert bad.status_code == 422

    deleted = await client.delete(f"/store/webhook/{webhook_id}", headers=headers)
    assert deleted.json()["data"] == {"id": webhook_id, "deleted": True}
    gone = await client.get(f"/store/webhook/{webhook_id}", headers=headers)
    assert gone.status_code == 404 and gone.json()["error"]["message"] == "Record not found"


INVALID: list[tuple[dict[str, Any], str]] = [
    ({"url": "ftp://erp.example.com/hook"}, "url"),
    ({"url": "erp.example.com/hook"}, "url"),
    ({"url": "https://"}, "url"),
    ({"url": "https://user:pass@erp.example.com/hook"}, "url"),
    ({"url": "https://erp.example.com/hook#x"}, "url"),
    ({"url": "https://erp.example.com/a b"}, "url"),
    ({"url": "https://erp.example.com:99999/hook"}, "url"),
    ({"url": "https://erp.example.com/" + "a" * 480}, "url"),
    ({"url": URL, "events": []}, "events"),
    ({"url": URL, "events": ["order.deleted"]}, "events.0"),
    ({"url": URL, "events": ["order.created", "order.created"]}, "events"),
    ({"url": URL, "secret": "short"}, "secret"),
    ({"url": URL, "secret": "has spaces in the secret"}, "secret"),
    ({"url": URL, "secret": "x" * 129}, "secret"),
    ({"url": URL, "description": "d" * 201}, "description"),
    ({"url": URL, "nope": 1}, "nope"),
]


async def test_validation(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    existing = await add_webhook(client, owner["headers"], URL + "/kept")
    for body, field in INVALID:
        created = await client.post("/store/webhook", json=body, headers=owner["headers"])
        assert created.status_code == 422, (body, created.text)
        assert field in created.json()["error"]["fields"], (body, created.json())
        replaced = await client.put(f"/store/webhook/{existing['id']}", json=body, headers=owner["headers"])
        assert replaced.status_code == 422, (body, replaced.text)
    listed = (await client.get("/store/webhook", headers=owner["headers"])).json()["data"]
    assert [(item["id"], item["url"]) for item in listed] == [(existing["id"], URL + "/kept")]


async def test_duplicate_url_and_the_limit_of_ten(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    first = await add_webhook(client, headers, URL)
    again = await client.post("/store/webhook", json={"url": URL}, headers=headers)
    assert again.status_code == 409 and again.json()["error"]["code"] == "webhook_exists"
    other = await add_webhook(client, headers, URL + "/2")
    moved = await client.put(f"/store/webhook/{other['id']}", json={"url": URL}, headers=headers)
    assert moved.status_code == 409 and moved.json()["error"]["code"] == "webhook_exists"
    same = await client.put(f"/store/webhook/{first['id']}", json={"url": URL}, headers=headers)
    assert same.status_code == 200  # its own URL is no conflict

    for n in range(3, 11):
        await add_webhook(client, headers, f"{URL}/{n}")
    eleventh = await client.post("/store/webhook", json={"url": URL + "/11"}, headers=headers)
    assert eleventh.status_code == 409 and eleventh.json()["error"]["code"] == "webhook_limit_reached"
    # Another store has its own ten, and may subscribe the same URL.
    assert (await add_webhook(client, (await seller(client))["headers"], URL))["url"] == URL


async def test_another_stores_records_answer_404(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner, stranger = await seller(client), await seller(client)
    webhook = await add_webhook(client, owner["headers"], URL)
    test = await client.post(f"/store/webhook/{webhook['id']}/test", headers=owner["headers"])
    delivery_id = test.json()["data"]["id"]
    base = f"/store/webhook/{webhook['id']}"
    for method, path, body in [
        ("GET", base, None),
        ("PUT", base, {"url": URL}),
        ("PATCH", base + "/status", {"status": "inactive"}),
        ("POST", base + "/rotate-secret", None),
        ("POST", base + "/test", None),
        ("GET", base + "/deliveries", None),
        ("DELETE", base, None),
        ("GET", f"/store/webhook/deliveries/{delivery_id}", None),
        ("POST", f"/store/webhook/deliveries/{delivery_id}/retry", None),
    ]:
        response = await client.request(method, path, json=body, headers=stranger["headers"])
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["error"]["message"] == "Record not found"
    assert (await client.get(base, headers=owner["headers"])).status_code == 200
    assert len(await deliveries(rt)) == 1


async def test_cs_is_forbidden_and_admin_allowed(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    store_id = owner["store"]["id"]
    cs = await add_staff(client, owner["headers"], role="cs")
    cs_headers = bearer(await login(client, cs["email"]), store_id)
    for method, path in [("GET", "/store/webhook"), ("POST", "/store/webhook")]:
        response = await client.request(method, path, json={"url": URL}, headers=cs_headers)
        assert response.status_code == 403, response.text
    admin = await add_staff(client, owner["headers"], role="admin", phone="081311112222")
    admin_headers = bearer(await login(client, admin["email"]), store_id)
    assert (await add_webhook(client, admin_headers, URL))["url"] == URL


async def test_test_delivery_needs_an_active_webhook(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    webhook = await add_webhook(client, owner["headers"], URL)
    queued = await client.post(f"/store/webhook/{webhook['id']}/test", headers=owner["headers"])
    assert queued.status_code == 202, queued.text
    data = queued.json()["data"]
    assert data["event"] == "webhook.test" and data["status"] == "pending" and data["attempts"] == 0
    await client.patch(f"/store/webhook/{webhook['id']}/status", json={"status": "inactive"}, headers=owner["headers"])
    refused = await client.post(f"/store/webhook/{webhook['id']}/test", headers=owner["headers"])
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "webhook_inactive"
    assert len(await deliveries(rt)) == 1


PRIVATE = [
    "http://127.0.0.1:8000/hook",
    "http://localhost/hook",
    "http://10.1.2.3/hook",
    "http://192.168.1.10/hook",
    "http://172.16.0.1/hook",
    "http://169.254.169.254/latest/meta-data",
    "http://100.64.0.1/hook",
    "http://0.0.0.0/hook",
    "http://224.0.0.1/hook",
    "http://[::1]/hook",
    "http://[fe80::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://2130706433/hook",  # 127.0.0.1 as one number
]


async def test_private_targets_are_refused(rt: Runtime) -> None:
    strict = variant(rt, webhook_allow_private_targets=False)
    transport = httpx.ASGITransport(app=create_app(runtime=strict))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        owner = await seller(client)
        # A public literal address is accepted (nothing is contacted when saving).
        public = await add_webhook(client, owner["headers"], "https://93.184.216.34/hook")
        for url in PRIVATE:
            refused = await client.post("/store/webhook", json={"url": url}, headers=owner["headers"])
            assert refused.status_code == 422, (url, refused.text)
            assert "not a public internet address" in refused.json()["error"]["fields"]["url"], url
            edit = await client.put(f"/store/webhook/{public['id']}", json={"url": url}, headers=owner["headers"])
            assert edit.status_code == 422, (url, edit.text)
