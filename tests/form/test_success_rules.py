"""The pure part of success pages checkout calls: defaults filled, and the page rendered for one order."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from bosonline.form.success import (
    DEFAULT_SUCCESS_MESSAGE,
    DEFAULT_WHATSAPP_TEXT,
    check_redirect_url,
    render_success,
    success_page_of,
)
from bosonline.kit.placeholders import unknown_placeholders
from bosonline.models import Form

VALUES = {
    "customer_name": "Siti & Co",
    "order_number": "INV/20261121/00042",
    "total": "Rp150.000",
    "payment_method": "COD",
    "cs_name": "Putri",
    "items": "2 × Madu Hutan (200gr)",
}


def _form(mode: str | None, **texts: str) -> Form:
    return Form(success_mode=mode, success_page=texts)


def test_defaults_use_only_known_placeholders() -> None:
    assert unknown_placeholders(DEFAULT_SUCCESS_MESSAGE) == []
    assert unknown_placeholders(DEFAULT_WHATSAPP_TEXT) == []
    assert "{{cs_name}}" in DEFAULT_WHATSAPP_TEXT and "{{items}}" in DEFAULT_WHATSAPP_TEXT


def test_success_page_of_fills_defaults() -> None:
    page = success_page_of(_form(None))
    assert (page.mode, page.message, page.whatsapp_text, page.redirect_url, page.is_custom) == (
        "message",
        DEFAULT_SUCCESS_MESSAGE,
        DEFAULT_WHATSAPP_TEXT,
        None,
        False,
    )
    page = success_page_of(_form("whatsapp", whatsapp_text="Halo {{cs_name}}"))
    assert (page.mode, page.whatsapp_text, page.message, page.is_custom) == (
        "whatsapp",
        "Halo {{cs_name}}",
        DEFAULT_SUCCESS_MESSAGE,
        True,
    )
    # a redirect page that lost its URL never strands the buyer
    assert success_page_of(_form("redirect")).mode == "message"


def test_render_message() -> None:
    target = render_success(success_page_of(_form(None)), VALUES, whatsapp_phone=None)
    assert target.mode == "message" and target.url is None
    assert target.message is not None and "Siti & Co" in target.message and "INV/20261121/00042" in target.message
    assert "{{" not in target.message


def test_render_redirect_encodes_values() -> None:
    page = success_page_of(
        _form("redirect", redirect_url="https://toko.example.com/ok?o={{order_number}}&n={{customer_name}}")
    )
    target = render_success(page, VALUES, whatsapp_phone="6281234567890")
    assert target.mode == "redirect" and target.message is None and target.url is not None
    assert target.url.startswith("https://toko.example.com/ok?o=INV%2F20261121%2F00042&n=Siti%20%26%20Co")
    assert parse_qs(urlsplit(target.url).query) == {"o": ["INV/20261121/00042"], "n": ["Siti & Co"]}


def test_render_whatsapp_and_its_fallback() -> None:
    page = success_page_of(_form("whatsapp", whatsapp_text="Halo kak {{cs_name}}, pesanan {{order_number}}"))
    target = render_success(page, VALUES, whatsapp_phone="6281234567890")
    assert target.mode == "whatsapp" and target.url is not None
    assert target.url.startswith("https://wa.me/6281234567890?text=")
    assert parse_qs(urlsplit(target.url).query)["text"] == ["Halo kak Putri, pesanan INV/20261121/00042"]
    for phone in (None, "", "+62 812"):
        fallback = render_success(page, VALUES, whatsapp_phone=phone)
        assert fallback.mode == "message" and fallback.message is not None and "Siti & Co" in fallback.message


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", "https://a:b@example.com", "http://", "https://exa mple.com", "mailto:x@y.z"]
)
def test_check_redirect_url_refuses(url: str) -> None:
    with pytest.raises(ValueError):
        check_redirect_url(url)
