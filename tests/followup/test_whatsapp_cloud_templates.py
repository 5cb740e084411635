"""Meta WhatsApp Cloud against its fake Graph API (tests/followup/fakes.py): approved message templates sent as
Meta documents them, the account's approved templates listed through Meta's cursor paging (the adapter and
GET /store/wa-integration/{id}/templates), error 131047's clear failure, and the Graph API version setting."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bosonline.app import create_app
from bosonline.integrations.whatsapp.base import OUTSIDE_WINDOW_ERROR, OutgoingMessage, TemplateMessage
from bosonline.integrations.whatsapp.whatsapp_cloud import TEMPLATE_PAGE, TEMPLATE_PAGES, WhatsAppCloudAdapter
from bosonline.runtime import Runtime
from tests.conftest import test_settings as make_settings
from tests.factories import seller
from tests.followup.fakes import FakeGateway
from tests.followup.integration_helpers import DEFAULT_CREDENTIALS, add_integration

TOKEN = DEFAULT_CREDENTIALS["whatsapp_cloud"]["access_token"]
WABA_ID = "102290129340398"
CREDENTIALS = {**DEFAULT_CREDENTIALS["whatsapp_cloud"], "waba_id": WABA_ID}


@pytest.fixture
async def meta() -> AsyncIterator[FakeGateway]:
    async with FakeGateway("whatsapp_cloud", token=TOKEN) as fake:
        yield fake


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def cloud(http: httpx.AsyncClient, tmp_path: Path, base_url: str, **settings: Any) -> WhatsAppCloudAdapter:
    values = make_settings(
        tmp_path,
        "sqlite+aiosqlite:///:memory:",
        wa_send_timeout_seconds=2,
        whatsapp_cloud_base_url=base_url,
        **settings,
    )
    return WhatsAppCloudAdapter(CREDENTIALS, "6281200000000", http, values)


def approved(index: int, **fields: Any) -> dict[str, Any]:
    """One template as Meta's message_templates edge answers it."""
    return {
        "name": f"pengingat_bayar_{index:04d}",
        "language": "id",
        "status": "APPROVED",
        "category": "UTILITY",
        "parameter_format": "POSITIONAL",
        "components": [
            {"type": "HEADER", "format": "IMAGE", "example": {"header_handle": ["https://scontent.example/h"]}},
            {
                "type": "BODY",
                "text": "Halo {{1}}, pesanan {{2}} sebesar {{3}} menunggu pembayaran. Terima kasih {{1}}!",
            },
            {"type": "FOOTER", "text": "Toko Fake"},
        ],
        "id": str(900_000 + index),
        **fields,
    }


async def test_a_template_goes_as_meta_documents_it(meta: FakeGateway, http: httpx.AsyncClient, tmp_path: Path):
    message = OutgoingMessage(
        to="6281234567890",
        text="the follow-up's own text (not sent outside the window)",
        image_url="https://cdn.example.com/promo.jpg",
        reference="77",
        template=TemplateMessage(
            name="pengingat_bayar",
            language="id",
            body=("Siti Aminah", "1 × Kaos (Merah)\n2 × Kopi", "Rp109.913", ""),
            header_image="https://cdn.example.com/promo.jpg",
        ),
    )

    result = await cloud(http, tmp_path, meta.base_url).send(message)

    assert result.outcome == "sent", result
    [sent] = meta.messages
    assert sent.path == "/v25.0/1234567890/messages"
    assert sent.fields == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "type": "template",
        "template": {
            "name": "pengingat_bayar",
            "language": {"code": "id"},
            "components": [
                {
                    "type": "header",
                    "parameters": [{"type": "image", "image": {"link": "https://cdn.example.com/promo.jpg"}}],
                },
                {
                    "type": "body",
                    "parameters": [
                        {"type": "text", "text": "Siti Aminah"},
                        # Meta refuses line breaks in a parameter; an empty one is refused too.
                        {"type": "text", "text": "1 × Kaos (Merah) · 2 × Kopi"},
                        {"type": "text", "text": "Rp109.913"},
                        {"type": "text", "text": "-"},
                    ],
                },
            ],
        },
        "biz_opaque_callback_data": "77",
    }


async def test_a_template_without_variables_has_no_components(
    meta: FakeGateway, http: httpx.AsyncClient, tmp_path: Path
):
    message = OutgoingMessage(
        to="6281234567890", text="x", template=TemplateMessage(name="hello_world", language="en_US")
    )
    assert (await cloud(http, tmp_path, meta.base_url).send(message)).outcome == "sent"
    assert meta.messages[0].template == {"name": "hello_world", "language": {"code": "en_US"}}


async def test_a_text_header_parameter(meta: FakeGateway, http: httpx.AsyncClient, tmp_path: Path):
    template = TemplateMessage(name="status_pesanan", language="id", body=("INV/1",), header_text="Siti\tAminah")
    await cloud(http, tmp_path, meta.base_url).send(OutgoingMessage(to="6281234567890", text="x", template=template))
    assert meta.messages[0].template == {
        "name": "status_pesanan",
        "language": {"code": "id"},
        "components": [
            {"type": "header", "parameters": [{"type": "text", "text": "Siti · Aminah"}]},
            {"type": "body", "parameters": [{"type": "text", "text": "INV/1"}]},
        ],
    }


async def test_131047_fails_with_the_error_the_cs_understands(
    meta: FakeGateway, http: httpx.AsyncClient, tmp_path: Path
):
    meta.reject_next, meta.reject_code = 1, 131047

    result = await cloud(http, tmp_path, meta.base_url).send(OutgoingMessage(to="6281234567890", text="Halo"))

    assert result.outcome == "failed"
    assert result.error is not None and result.error.startswith(OUTSIDE_WINDOW_ERROR)
    assert "di luar jendela 24 jam: pilih template Meta" in result.error and "131047" in result.error


@pytest.mark.parametrize(
    ("settings", "path"),
    [
        ({}, "/v25.0/"),  # the default: a version Meta supports until July 2028 (v21.0 is retired in January 2027)
        ({"whatsapp_cloud_api_version": "v26.0"}, "/v26.0/"),
        ({"base_suffix": "/v23.0"}, "/v23.0/"),  # an old-style base with its version is used as it is
    ],
)
async def test_the_graph_api_version_is_a_setting(
    settings: dict[str, Any], path: str, meta: FakeGateway, http: httpx.AsyncClient, tmp_path: Path
):
    base = meta.base_url + settings.pop("base_suffix", "")
    adapter = cloud(http, tmp_path, base, **settings)

    assert (await adapter.send(OutgoingMessage(to="6281234567890", text="Halo"))).outcome == "sent"
    assert (await adapter.check()).ok

    assert all(request.path.startswith(path) for request in meta.requests), [r.path for r in meta.requests]


def test_the_version_setting_is_validated(tmp_path: Path):
    with pytest.raises(ValueError, match="whatsapp_cloud_api_version"):
        make_settings(tmp_path, "sqlite+aiosqlite:///:memory:", whatsapp_cloud_api_version="latest")


async def test_listing_follows_metas_cursor_paging(meta: FakeGateway, http: httpx.AsyncClient, tmp_path: Path):
    meta.templates = [approved(i) for i in range(TEMPLATE_PAGE * 2 + 30)]
    meta.templates.insert(5, approved(9999, status="PENDING", name="belum_disetujui"))

    listing = await cloud(http, tmp_path, meta.base_url).list_templates()

    assert listing.error is None and listing.complete
    assert [t.name for t in listing.templates] == [f"pengingat_bayar_{i:04d}" for i in range(TEMPLATE_PAGE * 2 + 30)]
    first = listing.templates[0]
    assert (first.language, first.category, first.body_parameters, first.header_format) == ("id", "UTILITY", 3, "IMAGE")
    assert first.body.startswith("Halo {{1}}, pesanan {{2}}")
    calls = [request for request in meta.requests if request.path.endswith("/message_templates")]
    assert [request.path for request in calls] == [f"/v25.0/{WABA_ID}/message_templates"] * 3
    assert calls[0].query == {
        "status": "APPROVED",
        "fields": "name,language,status,category,components,parameter_format",
        "limit": "100",
    }
    assert [request.query.get("after") for request in calls] == [None, "MTAw", "MjAw"]  # Meta's `after` cursors
    assert all(request.headers["authorization"] == f"Bearer {TOKEN}" for request in calls)


async def test_listing_is_bounded(meta: FakeGateway, http: httpx.AsyncClient, tmp_path: Path):
    meta.templates = [approved(i) for i in range(TEMPLATE_PAGE * TEMPLATE_PAGES + 1)]

    listing = await cloud(http, tmp_path, meta.base_url).list_templates()

    assert len(listing.templates) == TEMPLATE_PAGE * TEMPLATE_PAGES and not listing.complete
    assert len(meta.requests) == TEMPLATE_PAGES


async def test_listing_with_a_refused_token_says_so(meta: FakeGateway, http: httpx.AsyncClient, tmp_path: Path):
    adapter = cloud(http, tmp_path, meta.base_url)
    adapter.credentials["access_token"] = "expired"

    listing = await adapter.list_templates()

    assert listing.templates == [] and listing.error is not None and "unauthorized" in listing.error


# --- through the API --------------------------------------------------------------------------------------------


def _runtime(rt: Runtime, meta: FakeGateway) -> Runtime:
    return dataclasses.replace(rt, settings=rt.settings.model_copy(update=meta.settings_overrides()))


async def test_the_integration_lists_its_accounts_templates(rt: Runtime, meta: FakeGateway):
    meta.templates = [approved(1), approved(2, language="en_US", category="MARKETING", components=[])]
    app = create_app(runtime=_runtime(rt, meta))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        headers = (await seller(client))["headers"]
        made = await add_integration(client, headers, provider="whatsapp_cloud", credentials=CREDENTIALS)
        assert made["credentials"]["waba_id"].endswith(WABA_ID[-4:])  # masked like the others

        response = await client.get(f"/store/wa-integration/{made['id']}/templates", headers=headers)

    assert response.status_code == 200, response.text
    assert response.json()["data"] == {
        "templates": [
            {
                "name": "pengingat_bayar_0001",
                "language": "id",
                "category": "UTILITY",
                "body": approved(1)["components"][1]["text"],
                "body_parameters": 3,
                "header_format": "IMAGE",
                "parameter_format": "POSITIONAL",
            },
            {
                "name": "pengingat_bayar_0002",
                "language": "en_US",
                "category": "MARKETING",
                "body": "",
                "body_parameters": 0,
                "header_format": None,
                "parameter_format": "POSITIONAL",
            },
        ],
        "complete": True,
    }


async def edit_cloud(
    client: httpx.AsyncClient, headers: dict[str, str], made: dict[str, Any], credentials: dict[str, str]
) -> httpx.Response:
    """PUT /store/wa-integration/{id}: the same whatsapp_cloud number, these credentials given (the others stay)."""
    body = {"name": made["name"], "phone_number": made["phone_number"], "provider": "whatsapp_cloud"}
    return await client.put(
        f"/store/wa-integration/{made['id']}", json={**body, "credentials": credentials}, headers=headers
    )


async def test_listing_needs_a_cloud_integration_with_its_account_id(rt: Runtime, meta: FakeGateway):
    app = create_app(runtime=_runtime(rt, meta))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
        headers = (await seller(client))["headers"]
        old = await add_integration(client, headers, provider="whatsapp_cloud")  # made before waba_id existed
        fonnte = await add_integration(client, headers)

        no_account = await client.get(f"/store/wa-integration/{old['id']}/templates", headers=headers)
        not_cloud = await client.get(f"/store/wa-integration/{fonnte['id']}/templates", headers=headers)
        bad_id = await edit_cloud(client, headers, old, {"waba_id": "WABA-1"})
        added = await edit_cloud(client, headers, old, {"waba_id": WABA_ID})
        meta.token = "another-token"
        refused_token = await client.get(f"/store/wa-integration/{old['id']}/templates", headers=headers)

    assert (no_account.status_code, no_account.json()["error"]["code"]) == (409, "waba_id_missing")
    assert (not_cloud.status_code, not_cloud.json()["error"]["code"]) == (409, "not_whatsapp_cloud")
    assert bad_id.status_code == 422 and "waba_id must be the digits" in bad_id.json()["error"]["fields"]["credentials"]
    assert added.status_code == 200, added.text
    # A token Meta no longer accepts: the answer says so.
    assert (refused_token.status_code, refused_token.json()["error"]["code"]) == (502, "meta_templates_unavailable")
    assert "unauthorized" in refused_token.json()["error"]["message"]
