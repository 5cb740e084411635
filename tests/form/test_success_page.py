"""Custom Success Page (create, replace) and Edit Success Page (load): modes, defaults, placeholders, URLs."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bosonline.form.success import DEFAULT_SUCCESS_MESSAGE, DEFAULT_WHATSAPP_TEXT
from bosonline.kit.placeholders import PLACEHOLDERS
from tests.envelope import assert_error, assert_validation
from tests.form.helpers import Shop, create_form, make_shop


@pytest.fixture
async def shop(client: httpx.AsyncClient) -> Shop:
    return await make_shop(client)


@pytest.fixture
async def url(client: httpx.AsyncClient, shop: Shop) -> str:
    form = await create_form(client, shop)
    return f"/store/form/{form['id']}/success-page"


async def test_default_page_until_customized(client: httpx.AsyncClient, shop: Shop, url: str) -> None:
    response = await client.get(url, headers=shop.headers)
    assert response.status_code == 200
    page = response.json()["data"]
    assert page["mode"] == "message" and page["is_custom"] is False
    assert page["message"] == DEFAULT_SUCCESS_MESSAGE and page["whatsapp_text"] == DEFAULT_WHATSAPP_TEXT
    assert page["redirect_url"] is None
    assert page["placeholders"] == [{"name": name, "description": why} for name, why in PLACEHOLDERS.items()]
    for name in ("customer_name", "order_number", "total", "payment_method"):
        assert "{{" + name + "}}" in DEFAULT_SUCCESS_MESSAGE


async def test_create_then_conflict_then_replace(client: httpx.AsyncClient, shop: Shop, url: str) -> None:
    h = shop.headers
    text = "Makasih {{customer_name}}!\nNomor pesanan: {{order_number}}"
    response = await client.post(url, json={"mode": "message", "message": text}, headers=h)
    assert response.status_code == 201, response.text
    page = response.json()["data"]
    assert (page["mode"], page["message"], page["is_custom"]) == ("message", text, True)
    assert page["whatsapp_text"] == DEFAULT_WHATSAPP_TEXT  # not saved: the default stands in
    assert_error(await client.post(url, json={"mode": "message", "message": "Lagi"}, headers=h), 409,
                 "success_page_exists")  # fmt: skip
    assert (await client.get(url, headers=h)).json()["data"]["message"] == text

    target = "https://toko.example.com/terima-kasih?order={{order_number}}&total={{ total }}"
    response = await client.put(url, json={"mode": "redirect", "redirect_url": target}, headers=h)
    assert response.status_code == 200, response.text
    page = response.json()["data"]
    assert (page["mode"], page["redirect_url"], page["is_custom"]) == (
        "redirect",
        target.replace("{{ total }}", "{{total}}"),
        True,
    )
    assert page["message"] == DEFAULT_SUCCESS_MESSAGE  # replaced: the old message is gone

    body = {"mode": "whatsapp", "whatsapp_text": "Halo {{cs_name}}", "message": "Cadangan {{store_name}}"}
    page = (await client.put(url, json=body, headers=h)).json()["data"]
    assert (page["mode"], page["whatsapp_text"], page["message"], page["redirect_url"]) == (
        "whatsapp",
        "Halo {{cs_name}}",
        "Cadangan {{store_name}}",
        None,
    )
    assert (await client.get(url, headers=h)).json()["data"] == page
    form_id = int(url.split("/")[3])
    detail = (await client.get(f"/store/form/{form_id}", headers=h)).json()["data"]
    assert detail["success_page"] == {"mode": "whatsapp", "is_custom": True}


async def test_put_creates_when_there_is_none(client: httpx.AsyncClient, shop: Shop, url: str) -> None:
    response = await client.put(url, json={"mode": "whatsapp", "whatsapp_text": "Halo kak"}, headers=shop.headers)
    assert response.status_code == 200 and response.json()["data"]["is_custom"] is True


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"mode": "message"}, "message"),
        ({"mode": "message", "message": ""}, "message"),
        ({"mode": "message", "message": "x" * 2001}, "message"),
        ({"mode": "message", "message": "Hai {{nama_pembeli}}"}, "message"),
        ({"mode": "message", "message": "Hai\u0007"}, "message"),
        ({"mode": "redirect"}, "redirect_url"),
        ({"mode": "redirect", "message": "Hai"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "javascript:alert(1)"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "JavaScript://example.com/%0aalert(1)"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "data:text/html,hi"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "ftp://example.com/x"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "//example.com/x"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "/terima-kasih"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "https:example.com"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "https://user:pass@example.com/"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "https://evil.com@example.com/"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "https://example.com/a b"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "https://example.com\\@evil.com"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "https://exa_mple.com/"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "https://example.com:99999/"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "https://{{store_name}}.com/"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "https://example.com/{{order_number}}"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "https://example.com/?o={{nomor}}"}, "redirect_url"),
        ({"mode": "redirect", "redirect_url": "https://example.com/?" + "a" * 480}, "redirect_url"),
        ({"mode": "whatsapp"}, "whatsapp_text"),
        ({"mode": "whatsapp", "whatsapp_text": "x" * 1001}, "whatsapp_text"),
        ({"mode": "whatsapp", "whatsapp_text": "Hai {{ongkir}}"}, "whatsapp_text"),
        ({"mode": "whatsapp", "whatsapp_text": "Hai", "message": "{{x}}"}, "message"),
        ({"mode": "popup", "message": "Hai"}, "mode"),
        ({"message": "Hai"}, "mode"),
        ({"mode": "message", "message": "Hai", "button": "OK"}, "button"),
    ],
)
async def test_refusals(client: httpx.AsyncClient, shop: Shop, url: str, body: dict[str, Any], named: str) -> None:
    for method in ("POST", "PUT"):
        response = await client.request(method, url, json=body, headers=shop.headers)
        assert_validation(response, named, case=(method, body))
    page = (await client.get(url, headers=shop.headers)).json()["data"]
    assert page["is_custom"] is False


async def test_accepted_bounds(client: httpx.AsyncClient, shop: Shop, url: str) -> None:
    accepted = [
        {"mode": "message", "message": "x" * 2000},
        {"mode": "whatsapp", "whatsapp_text": "x" * 1000},
        {"mode": "redirect", "redirect_url": "https://example.com/?" + "a" * 479},
        {"mode": "redirect", "redirect_url": "HTTP://Example.COM:8080/ok?id={{order_number}}#{{total}}"},
        {"mode": "redirect", "redirect_url": "https://[2001:db8::1]/thanks"},
        {"mode": "redirect", "redirect_url": "https://toko-ku.co.id"},
    ]
    for body in accepted:
        response = await client.put(url, json=body, headers=shop.headers)
        assert response.status_code == 200, (body, response.text)
