"""/store/wa-integration: CRUD, sealed credentials, validation, limits, owners, tenancy, roles, check-status."""

from __future__ import annotations

import json
import socket
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bosonline.app import create_app
from bosonline.integrations.whatsapp.base import CREDENTIAL_FIELDS, PROVIDERS, WEBHOOK_SECRET
from bosonline.kit.crypto import SecretBox
from bosonline.models.followup import FollowupChat, WaIntegration
from bosonline.runtime import Runtime
from tests.envelope import assert_error
from tests.factories import add_staff, bearer, login, seller
from tests.followup.integration_helpers import DEFAULT_CREDENTIALS, add_integration, new_phone
from tests.webhook.helpers import variant

BASE = "/store/wa-integration"


async def _row(rt: Runtime, integration_id: int) -> WaIntegration:
    async with rt.db.session(write=False) as session:
        row = await session.scalar(select(WaIntegration).where(WaIntegration.id == integration_id))
        assert row is not None
        return row


def _secret_of(rt: Runtime, row: WaIntegration) -> dict[str, Any]:
    return rt.secrets.open(row.credentials)


def _body(**fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "CS Putri",
        "phone_number": new_phone(),
        "provider": "fonnte",
        "credentials": dict(DEFAULT_CREDENTIALS["fonnte"]),
    }
    body.update(fields)
    return body


# -- create / read ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_create_each_provider_seals_and_masks(client: httpx.AsyncClient, rt: Runtime, provider: str) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    credentials = DEFAULT_CREDENTIALS[provider]
    response = await client.post(
        BASE,
        json={
            "name": "  Nomor Utama  ",
            "phone_number": "+62 812-3456-7890",
            "provider": provider,
            "credentials": credentials,
        },
        headers=headers,
    )
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    assert data["name"] == "Nomor Utama"
    assert (data["phone_number"], data["phone_number_e164"]) == ("081234567890", "6281234567890")
    assert data["provider"] == provider
    assert data["pacing_per_minute"] == 10 and data["is_active"] is True
    assert data["owner"] is None and data["last_check"] is None
    assert data["credentials_readable"] is True
    assert set(data["credentials"]) == set(CREDENTIAL_FIELDS[provider])
    for key, value in credentials.items():
        expected = "••••" + value[-4:] if len(value) >= 12 else "••••"
        assert data["credentials"][key] == expected

    row = await _row(rt, data["id"])
    sealed = _secret_of(rt, row)
    secret = sealed.pop(WEBHOOK_SECRET)
    assert sealed == credentials  # decrypt round trip
    assert len(secret) >= 32
    for value in credentials.values():
        assert value not in row.credentials  # the column is not the plain secret
    if provider == "whatsapp_cloud":
        assert data["status_webhook_url"] == f"/webhooks/whatsapp/{data['id']}"
        assert data["verify_token"] == secret
    else:
        assert data["status_webhook_url"] == f"/webhooks/whatsapp/{data['id']}?secret={secret}"
        assert data["verify_token"] is None

    listed = await client.get(BASE, headers=headers)
    detail = await client.get(f"{BASE}/{data['id']}", headers=headers)
    assert listed.json()["data"] == [data] and detail.json()["data"] == data
    for body in (response.text, listed.text, detail.text):
        for value in credentials.values():
            if len(value) >= 12:
                assert value not in body, "a raw credential leaked into an answer"


async def test_absolute_webhook_url_with_public_base_url(rt: Runtime) -> None:
    app = create_app(runtime=variant(rt, public_base_url="https://shop.example.com/"))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        owner = await seller(client)
        fonnte = await add_integration(client, owner["headers"])
        cloud = await add_integration(client, owner["headers"], provider="whatsapp_cloud")
    assert fonnte["status_webhook_url"].startswith(f"https://shop.example.com/webhooks/whatsapp/{fonnte['id']}?secret=")
    assert cloud["status_webhook_url"] == f"https://shop.example.com/webhooks/whatsapp/{cloud['id']}"


async def test_list_pagination_and_filters(client: httpx.AsyncClient, rt: Runtime) -> None:
    headers = (await seller(client))["headers"]
    made = [await add_integration(client, headers, provider=p) for p in ("fonnte", "wablas", "fonnte")]
    await add_integration(client, headers, is_active=False, pacing_per_minute=0)
    first = await client.get(BASE, params={"limit": 2}, headers=headers)
    assert [i["id"] for i in first.json()["data"]] == [made[0]["id"], made[1]["id"]]
    assert first.json()["meta"]["total"] == 4
    cursor = first.json()["meta"]["next_cursor"]
    second = await client.get(BASE, params={"limit": 2, "cursor": cursor}, headers=headers)
    assert len(second.json()["data"]) == 2 and second.json()["meta"]["next_cursor"] is None
    fonnte = await client.get(BASE, params={"provider": "fonnte", "is_active": "true"}, headers=headers)
    assert [i["id"] for i in fonnte.json()["data"]] == [made[0]["id"], made[2]["id"]]
    inactive = await client.get(BASE, params={"is_active": "false"}, headers=headers)
    assert [i["pacing_per_minute"] for i in inactive.json()["data"]] == [0]
    assert_error(await client.get(BASE, params={"provider": "telegram"}, headers=headers), 422, "validation_error")
    assert_error(await client.get(BASE, params={"cursor": "nonsense!"}, headers=headers), 422, "validation_error")


# -- validation -------------------------------------------------------------------------------------------------

INVALID: list[tuple[dict[str, Any], str]] = [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 101}, "name"),
    ({"name": "a\x00b"}, "name"),
    ({"name": None}, "name"),
    ({"phone_number": "0211234567"}, "phone_number"),  # a Jakarta landline
    ({"phone_number": "12345"}, "phone_number"),
    ({"phone_number": "+1 202 555 0100"}, "phone_number"),
    ({"phone_number": "0812" + "9" * 30}, "phone_number"),
    ({"provider": "telegram"}, "provider"),
    ({"provider": "manual"}, "provider"),
    ({"credentials": {}}, "credentials"),
    ({"credentials": {"token": ""}}, "credentials"),
    ({"credentials": {"token": "x" * 501}}, "credentials.token"),
    ({"credentials": {"token": "abc\ndef"}}, "credentials"),
    # Printable but not ASCII: a token goes into an HTTP header or URL, where it could never work.
    ({"credentials": {"token": "tokén-rahasia"}}, "credentials"),
    ({"credentials": {"token": "token\u00a0copied"}}, "credentials"),
    (
        {
            "provider": "whatsapp_cloud",
            "credentials": {"phone_number_id": "123", "access_token": "EAAG…", "app_secret": "s"},
        },
        "credentials",
    ),
    ({"credentials": {"token": 12345}}, "credentials.token"),
    ({"credentials": {"token": "tok", "server": "tegal"}}, "credentials"),  # not a fonnte key
    ({"credentials": {"token": "tok", "webhook_secret": "mine"}}, "credentials"),
    ({"credentials": "tok"}, "credentials"),
    ({"provider": "wablas", "credentials": {"token": "tok"}}, "credentials"),
    ({"provider": "wablas", "credentials": {"token": "tok", "server": "Tegal.evil.com"}}, "credentials"),
    ({"provider": "wablas", "credentials": {"token": "tok", "server": "a" * 41}}, "credentials"),
    ({"provider": "wablas", "credentials": {"token": "tok", "server": "-tegal"}}, "credentials"),
    ({"provider": "wablas", "credentials": {"token": "tok", "server": "tegal-"}}, "credentials"),
    (
        {
            "provider": "whatsapp_cloud",
            "credentials": {"phone_number_id": "12ab", "access_token": "t", "app_secret": "s"},
        },
        "credentials",
    ),
    ({"provider": "whatsapp_cloud", "credentials": {"phone_number_id": "123", "access_token": "t"}}, "credentials"),
    ({"pacing_per_minute": -1}, "pacing_per_minute"),
    ({"pacing_per_minute": 601}, "pacing_per_minute"),
    ({"pacing_per_minute": "fast"}, "pacing_per_minute"),
    ({"is_active": "maybe"}, "is_active"),
    ({"owner_member_id": 0}, "owner_member_id"),
    ({"owner_member_id": 2**53 + 1}, "owner_member_id"),
    ({"owner_member_id": 987654}, "owner_member_id"),  # no such member
    ({"surprise": 1}, "surprise"),
]


async def test_validation(client: httpx.AsyncClient, rt: Runtime) -> None:
    headers = (await seller(client))["headers"]
    for change, field in INVALID:
        response = await client.post(BASE, json=_body(**change), headers=headers)
        assert_error(response, 422, "validation_error", fields=[field], case=change)
    for missing in ("name", "phone_number", "provider", "credentials"):
        body = _body()
        del body[missing]
        assert_error(await client.post(BASE, json=body, headers=headers), 422, "validation_error", fields=[missing])
    assert_error(
        await client.post(BASE, content=b"{", headers={**headers, "content-type": "application/json"}),
        400,
        "invalid_json",
    )
    async with rt.db.session(write=False) as session:
        assert await session.scalar(select(WaIntegration.id)) is None  # nothing was written


async def test_limits_of_values_are_accepted(client: httpx.AsyncClient) -> None:
    headers = (await seller(client))["headers"]
    token = "T" * 500
    made = await add_integration(
        client, headers, name="n" * 100, pacing_per_minute=600, credentials={"token": f"  {token}  "}
    )
    assert made["credentials"] == {"token": "••••TTTT"} and made["pacing_per_minute"] == 600
    wablas = await add_integration(client, headers, provider="wablas", credentials={"token": "t", "server": "solo-2"})
    assert wablas["credentials"] == {"token": "••••", "server": "••••"}
    longest = await add_integration(client, headers, provider="wablas", credentials={"token": "t", "server": "a" * 40})
    assert longest["credentials"]["server"] == "••••aaaa"
    zero = await add_integration(client, headers, pacing_per_minute=0, phone_number="6281399990000")
    assert zero["pacing_per_minute"] == 0 and zero["phone_number"] == "081399990000"


# -- conflicts --------------------------------------------------------------------------------------------------


async def test_unique_phone_per_store_and_limit(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    await add_integration(client, headers, phone_number="081234567890")
    for form in ("081234567890", "6281234567890", "+62 812-3456-7890"):
        duplicate = await client.post(BASE, json=_body(phone_number=form), headers=headers)
        assert_error(duplicate, 409, "wa_integration_exists", fields=["phone_number"], case=form)
    # Another store may use the same number.
    other = await seller(client)
    await add_integration(client, other["headers"], phone_number="081234567890")

    for _ in range(19):
        await add_integration(client, headers)
    over = await client.post(BASE, json=_body(), headers=headers)
    assert_error(over, 409, "wa_integration_limit_reached")
    listed = await client.get(BASE, params={"limit": 100}, headers=headers)
    assert listed.json()["meta"]["total"] == 20


# -- owner CS ---------------------------------------------------------------------------------------------------


async def test_owner_member(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    cs = await add_staff(client, headers, name="Putri CS")
    made = await add_integration(client, headers, owner_member_id=cs["id"])
    assert made["owner"] == {"id": cs["id"], "name": "Putri CS"}

    # Another store's member, an inactive one and a removed one are refused.
    stranger = await add_staff(client, (await seller(client))["headers"])
    inactive = await add_staff(client, headers, name="Sari")
    assert (
        await client.patch(f"/store/staff/{inactive['id']}/status", json={"status": "inactive"}, headers=headers)
    ).status_code == 200
    removed = await add_staff(client, headers, name="Dewi")
    assert (await client.delete(f"/store/staff/{removed['id']}", headers=headers)).status_code == 200
    for member in (stranger, inactive, removed):
        refused = await client.post(BASE, json=_body(owner_member_id=member["id"]), headers=headers)
        assert_error(refused, 422, "validation_error", fields=["owner_member_id"], case=member["name"])
        edit = await client.put(
            f"{BASE}/{made['id']}",
            json={**_body(phone_number=made["phone_number"]), "owner_member_id": member["id"]},
            headers=headers,
        )
        assert_error(edit, 422, "validation_error", fields=["owner_member_id"])

    # Once the owner CS is removed from the store the integration shows no owner (and serves nobody's orders).
    assert (await client.delete(f"/store/staff/{cs['id']}", headers=headers)).status_code == 200
    detail = await client.get(f"{BASE}/{made['id']}", headers=headers)
    assert detail.json()["data"]["owner"] is None


# -- edit -------------------------------------------------------------------------------------------------------


async def test_put_partial_credentials_provider_change_and_rotation(client: httpx.AsyncClient, rt: Runtime) -> None:
    headers = (await seller(client))["headers"]
    made = await add_integration(
        client, headers, provider="wablas", credentials={"token": "wablas-original-token", "server": "tegal"}
    )
    url = f"{BASE}/{made['id']}"
    secret = _secret_of(rt, await _row(rt, made["id"]))[WEBHOOK_SECRET]
    base = {"name": "Renamed", "phone_number": made["phone_number"], "provider": "wablas"}

    # Omitted: kept; other fields replaced (defaults where left out).
    kept = await client.put(url, json={**base, "pacing_per_minute": 30, "is_active": False}, headers=headers)
    assert kept.status_code == 200, kept.text
    data = kept.json()["data"]
    assert data["name"] == "Renamed" and data["pacing_per_minute"] == 30 and data["is_active"] is False
    sealed = _secret_of(rt, await _row(rt, made["id"]))
    assert sealed == {"token": "wablas-original-token", "server": "tegal", WEBHOOK_SECRET: secret}
    assert data["status_webhook_url"].endswith(f"?secret={secret}")

    # Partial: the given key replaces that key only.
    partial = await client.put(url, json={**base, "credentials": {"server": "texas"}}, headers=headers)
    assert partial.status_code == 200, partial.text
    sealed = _secret_of(rt, await _row(rt, made["id"]))
    assert sealed == {"token": "wablas-original-token", "server": "texas", WEBHOOK_SECRET: secret}
    assert partial.json()["data"]["pacing_per_minute"] == 10  # PUT replaces: left out is the default

    # Bad partial values and unknown keys are 422.
    for bad in ({"server": "Not A Label"}, {"app_secret": "x"}, {"token": ""}):
        refused = await client.put(url, json={**base, "credentials": bad}, headers=headers)
        assert_error(refused, 422, "validation_error", fields=["credentials"], case=bad)

    # Changing provider needs the new provider's full credentials, naming the missing ones.
    cloud = {**base, "provider": "whatsapp_cloud"}
    missing = await client.put(url, json=cloud, headers=headers)
    error = assert_error(missing, 422, "validation_error")
    assert set(error["fields"]) == {"credentials.phone_number_id", "credentials.access_token", "credentials.app_secret"}
    half = await client.put(url, json={**cloud, "credentials": {"phone_number_id": "555"}}, headers=headers)
    assert set(assert_error(half, 422, "validation_error")["fields"]) == {
        "credentials.access_token",
        "credentials.app_secret",
    }
    changed = await client.put(
        url, json={**cloud, "credentials": DEFAULT_CREDENTIALS["whatsapp_cloud"]}, headers=headers
    )
    assert changed.status_code == 200, changed.text
    sealed = _secret_of(rt, await _row(rt, made["id"]))
    assert sealed == {**DEFAULT_CREDENTIALS["whatsapp_cloud"], WEBHOOK_SECRET: secret}  # wablas keys are gone
    assert changed.json()["data"]["verify_token"] == secret
    assert changed.json()["data"]["status_webhook_url"] == f"/webhooks/whatsapp/{made['id']}"

    # Rotation: a new secret, credentials untouched.
    rotated = await client.put(url, json={**cloud, "rotate_webhook_secret": True}, headers=headers)
    assert rotated.status_code == 200, rotated.text
    sealed = _secret_of(rt, await _row(rt, made["id"]))
    assert sealed[WEBHOOK_SECRET] != secret and rotated.json()["data"]["verify_token"] == sealed[WEBHOOK_SECRET]
    assert {k: v for k, v in sealed.items() if k != WEBHOOK_SECRET} == DEFAULT_CREDENTIALS["whatsapp_cloud"]

    # The number is unique on edit too; keeping one's own number is fine.
    other = await add_integration(client, headers)
    taken = await client.put(url, json={**cloud, "phone_number": other["phone_number"]}, headers=headers)
    assert_error(taken, 409, "wa_integration_exists", fields=["phone_number"])
    for bad_body in (
        {**cloud, "phone_number": "0211234567"},
        {**cloud, "pacing_per_minute": 601},
        {**cloud, "rotate_webhook_secret": "yes please"},
        {"name": "only a name"},
    ):
        assert_error(await client.put(url, json=bad_body, headers=headers), 422, "validation_error", case=bad_body)
    assert_error(
        await client.put(f"{BASE}/987654", json=cloud, headers=headers), 404, "not_found", message="Record not found"
    )
    for text in (json.dumps(made), rotated.text, changed.text, partial.text, kept.text):
        for value in ("wablas-original-token", "EAAG-cloud-access-token-0001", "meta-app-secret-000000001"):
            assert value not in text


async def test_unreadable_credentials(client: httpx.AsyncClient, rt: Runtime) -> None:
    headers = (await seller(client))["headers"]
    made = await add_integration(client, headers)
    # Sealed with a key the server does not have (as if the encryption keys were changed).
    foreign = SecretBox(["Vx8-Vf0bcEmhz8xeNtdrQLZ2Eg1Kt_cQnmQ8ZaGz6dU="]).seal({"token": "lost-token-0000"})
    async with rt.db.session() as session:
        row = await session.get(WaIntegration, made["id"])
        assert row is not None
        row.credentials = foreign
        await session.commit()
    url = f"{BASE}/{made['id']}"
    detail = (await client.get(url, headers=headers)).json()["data"]
    assert detail["credentials_readable"] is False and detail["credentials"] == {}
    assert detail["status_webhook_url"] is None
    checked = await client.post(f"{url}/check-status", headers=headers)
    error = assert_error(checked, 409, "credentials_unreadable")
    assert "enter them again" in error["message"]
    body = {"name": "x", "phone_number": made["phone_number"], "provider": "fonnte"}
    assert_error(await client.put(url, json=body, headers=headers), 409, "credentials_unreadable")
    fixed = await client.put(url, json={**body, "credentials": {"token": "new-fonnte-token-1"}}, headers=headers)
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["data"]["credentials_readable"] is True
    sealed = _secret_of(rt, await _row(rt, made["id"]))
    assert sealed["token"] == "new-fonnte-token-1" and sealed[WEBHOOK_SECRET]


# -- delete -----------------------------------------------------------------------------------------------------


async def test_delete_detaches_templates(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    made = await add_integration(client, headers)
    keep = await add_integration(client, headers)
    async with rt.db.session() as session:
        for name, integration_id in (("FU 1", made["id"]), ("FU 2", made["id"]), ("FU 3", keep["id"])):
            session.add(
                FollowupChat(
                    store_id=owner["store"]["id"], name=name, wa_integration_id=integration_id, provider="fonnte"
                )
            )
        await session.commit()
    deleted = await client.delete(f"{BASE}/{made['id']}", headers=headers)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {"data": {"id": made["id"], "deleted": True, "templates_detached": 2}}
    assert_error(await client.get(f"{BASE}/{made['id']}", headers=headers), 404, "not_found")
    assert_error(await client.delete(f"{BASE}/{made['id']}", headers=headers), 404, "not_found")
    async with rt.db.session(write=False) as session:
        rows = (
            await session.execute(select(FollowupChat.name, FollowupChat.wa_integration_id).order_by(FollowupChat.name))
        ).all()
    assert [tuple(r) for r in rows] == [("FU 1", None), ("FU 2", None), ("FU 3", keep["id"])]
    # The number is free again.
    await add_integration(client, headers, phone_number=made["phone_number"])


async def test_provider_change_refused_while_templates_use_the_number(client: httpx.AsyncClient, rt: Runtime) -> None:
    """A template sends through its number with its own provider: the number's provider may not change under it
    (409 naming how many templates use it); other edits may."""
    owner = await seller(client)
    headers = owner["headers"]
    made = await add_integration(client, headers)
    other = await add_integration(client, headers)
    async with rt.db.session() as session:
        for name in ("FU 1", "FU 2"):
            session.add(
                FollowupChat(store_id=owner["store"]["id"], name=name, wa_integration_id=made["id"], provider="fonnte")
            )
        await session.commit()
    url = f"{BASE}/{made['id']}"
    base = {"name": "Nomor Utama", "phone_number": made["phone_number"]}
    wablas = {**base, "provider": "wablas", "credentials": DEFAULT_CREDENTIALS["wablas"]}
    error = assert_error(
        await client.put(url, json=wablas, headers=headers), 409, "wa_integration_in_use", fields=["provider"]
    )
    assert "2 follow-up chat templates" in error["message"]
    row = await _row(rt, made["id"])
    assert (row.provider, row.name, _secret_of(rt, row)["token"]) == ("fonnte", "WA fonnte", "fonnte-device-token-0001")
    renamed = await client.put(url, json={**base, "provider": "fonnte", "pacing_per_minute": 20}, headers=headers)
    assert renamed.status_code == 200, renamed.text

    async with rt.db.session() as session:  # one template moved to another number
        chat = await session.scalar(select(FollowupChat).where(FollowupChat.name == "FU 1"))
        assert chat is not None
        chat.wa_integration_id = other["id"]
        await session.commit()
    error = assert_error(await client.put(url, json=wablas, headers=headers), 409, "wa_integration_in_use")
    assert "1 follow-up chat template uses" in error["message"]
    async with rt.db.session() as session:
        chat = await session.scalar(select(FollowupChat).where(FollowupChat.name == "FU 2"))
        assert chat is not None
        chat.wa_integration_id = other["id"]
        await session.commit()
    changed = await client.put(url, json=wablas, headers=headers)
    assert changed.status_code == 200 and changed.json()["data"]["provider"] == "wablas", changed.text
    put = (await client.get("/openapi.json")).json()["paths"][f"{BASE}/{{integration_id}}"]["put"]
    assert "wa_integration_in_use" in put["description"] and "wa_integration_in_use" in json.dumps(put["responses"])


# -- roles and tenancy ------------------------------------------------------------------------------------------


async def test_cs_forbidden_admin_allowed_other_store_404(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    made = await add_integration(client, headers)
    url = f"{BASE}/{made['id']}"
    body = _body(phone_number=made["phone_number"])

    cs = await add_staff(client, headers, role="cs")
    cs_headers = bearer(await login(client, cs["email"]), owner["store"]["id"])
    for method, path, payload in (
        ("GET", BASE, None),
        ("POST", BASE, _body()),
        ("GET", url, None),
        ("PUT", url, body),
        ("DELETE", url, None),
        ("POST", f"{url}/check-status", None),
    ):
        response = await client.request(method, path, json=payload, headers=cs_headers)
        assert_error(response, 403, "permission_denied", case=(method, path))

    admin = await add_staff(client, headers, role="admin")
    admin_headers = bearer(await login(client, admin["email"]), owner["store"]["id"])
    assert (await client.get(url, headers=admin_headers)).status_code == 200
    await add_integration(client, admin_headers)

    other = (await seller(client))["headers"]
    for method, path, payload in (
        ("GET", url, None),
        ("PUT", url, body),
        ("DELETE", url, None),
        ("POST", f"{url}/check-status", None),
    ):
        response = await client.request(method, path, json=payload, headers=other)
        assert_error(response, 404, "not_found", message="Record not found", case=(method, path))
    assert (await client.get(BASE, headers=other)).json()["data"] == []
    assert (await client.get(url, headers=headers)).json()["data"]["name"] == made["name"]  # untouched

    for bad in ("0", "-1", str(2**53 + 1), "abc"):
        response = await client.get(f"{BASE}/{bad}", headers=headers)
        assert response.status_code in (404, 422), (bad, response.text)
    assert_error(await client.get(f"{BASE}/{2**53 + 1}", headers=headers), 422, "validation_error")
    assert_error(await client.get(BASE), 401, "unauthorized")


async def test_documented_at_docs(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    paths = spec["paths"]
    operations = [
        paths[BASE]["get"],
        paths[BASE]["post"],
        paths[f"{BASE}/{{integration_id}}"]["get"],
        paths[f"{BASE}/{{integration_id}}"]["put"],
        paths[f"{BASE}/{{integration_id}}"]["delete"],
        paths[f"{BASE}/{{integration_id}}/check-status"]["post"],
    ]
    for operation in operations:
        assert operation["summary"] and operation["description"]
    text = json.dumps(operations)
    for fact in ("phone_number_id", "access_token", "app_secret", "device token", "per minute", "banned"):
        assert fact in text, fact


# -- check-status against the fake gateways ---------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_check_status(rt: Runtime, provider: str) -> None:
    from tests.followup.fakes import FakeGateway

    credentials = DEFAULT_CREDENTIALS[provider]
    token = credentials.get("access_token") or credentials["token"]
    async with FakeGateway(provider, token=token) as gateway:
        overrides: dict[str, Any] = {**gateway.settings_overrides(), "wa_send_timeout_seconds": 2.0}
        app = create_app(runtime=variant(rt, **overrides))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            headers = (await seller(client))["headers"]
            good = await add_integration(client, headers, provider=provider)
            wrong = await add_integration(
                client,
                headers,
                provider=provider,
                credentials={**credentials, ("access_token" if provider == "whatsapp_cloud" else "token"): "nope"},
            )
            url = f"{BASE}/{good['id']}"

            connected = await client.post(f"{url}/check-status", headers=headers)
            assert connected.status_code == 200, connected.text
            result = connected.json()["data"]
            assert result["status"] == "connected" and result["ok"] is True, result
            assert gateway.requests, "the adapter asked the fake gateway"
            detail = (await client.get(url, headers=headers)).json()["data"]
            assert detail["last_check"]["status"] == "connected"
            assert detail["last_check"]["checked_at"] == result["checked_at"]
            assert detail["updated_at"] == good["updated_at"]  # a check is not an edit

            gateway.connected = False
            disconnected = (await client.post(f"{url}/check-status", headers=headers)).json()["data"]
            # Meta has no device to disconnect: its fake answers an error about the phone number id instead.
            expected = "error" if provider == "whatsapp_cloud" else "disconnected"
            assert disconnected["ok"] is False and disconnected["status"] == expected, disconnected
            assert disconnected["detail"]

            refused = await client.post(f"{BASE}/{wrong['id']}/check-status", headers=headers)
            assert refused.status_code == 200, refused.text
            assert refused.json()["data"]["status"] == "unauthorized" and refused.json()["data"]["ok"] is False
            for value in credentials.values():
                if len(value) >= 12:
                    assert value not in refused.text and value not in connected.text
    assert not gateway.messages, "a check sends no message"

    app = create_app(runtime=variant(rt, **{f"{provider}_base_url": _gone_url(provider)}))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        unreachable = await client.post(f"{BASE}/{good['id']}/check-status", headers=headers)
        assert unreachable.status_code == 200, unreachable.text
        assert unreachable.json()["data"]["status"] == "unreachable" and unreachable.json()["data"]["ok"] is False
        detail = (await client.get(f"{BASE}/{good['id']}", headers=headers)).json()["data"]
        assert detail["last_check"]["status"] == "unreachable"


def _gone_url(provider: str) -> str:
    origin = f"http://127.0.0.1:{_closed_port()}"
    return origin + "/v21.0" if provider == "whatsapp_cloud" else origin


async def test_check_status_times_out_within_the_send_deadline(rt: Runtime) -> None:
    from tests.followup.fakes import FakeGateway

    async with FakeGateway("fonnte", token=DEFAULT_CREDENTIALS["fonnte"]["token"], hang_next=1) as gateway:
        app = create_app(runtime=variant(rt, fonnte_base_url=gateway.base_url, wa_send_timeout_seconds=0.3))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            headers = (await seller(client))["headers"]
            made = await add_integration(client, headers)
            checked = await client.post(f"{BASE}/{made['id']}/check-status", headers=headers)
            assert checked.status_code == 200, checked.text
            assert checked.json()["data"]["status"] == "unreachable"
