"""The page a buyer lands on after ordering through a form, the pure part: the default texts, the checks of what a
seller saves (placeholders, redirect URLs), and what checkout shows or where it sends the buyer.

Stored on the form as `success_mode` (NULL: never customized) and `success_page` (JSON with the texts given:
`message`, `redirect_url`, `whatsapp_text`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote, urlsplit

from bosonline.kit.placeholders import check_placeholders, render_placeholders
from bosonline.models import Form

SuccessMode = Literal["message", "redirect", "whatsapp"]
SUCCESS_MODES: tuple[str, ...] = ("message", "redirect", "whatsapp")
SUCCESS_TEXTS: tuple[str, ...] = ("message", "redirect_url", "whatsapp_text")
# The text each mode cannot do without.
REQUIRED_TEXT: dict[str, str] = {"message": "message", "redirect": "redirect_url", "whatsapp": "whatsapp_text"}

MAX_MESSAGE = 2000
MAX_REDIRECT_URL = 500
MAX_WHATSAPP_TEXT = 1000

DEFAULT_SUCCESS_MESSAGE = (
    "Terima kasih, kak {{customer_name}}! Pesanan kamu dengan nomor {{order_number}} sudah kami terima.\n"
    "Total pembayaran: {{total}} ({{payment_method}}).\n"
    "CS kami akan segera menghubungi kamu lewat WhatsApp untuk konfirmasi pesanan."
)
DEFAULT_WHATSAPP_TEXT = (
    "Halo kak {{cs_name}}, saya sudah pesan {{items}} dengan nomor pesanan {{order_number}}, total {{total}}. "
    "Mohon diproses ya."
)

_SPACED_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]{1,40})\s*\}\}")
_HOSTNAME = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")


@dataclass(frozen=True)
class SuccessPage:
    """A form's success page with the defaults filled: `message` and `whatsapp_text` are never empty (the
    defaults stand in for texts never saved); `redirect_url` is set whenever `mode` is "redirect"."""

    mode: str
    message: str
    redirect_url: str | None
    whatsapp_text: str
    is_custom: bool


@dataclass(frozen=True)
class SuccessTarget:
    """What checkout does once the order exists: show `message` (mode "message"), or send the buyer to `url`
    (mode "redirect" or "whatsapp")."""

    mode: str
    message: str | None
    url: str | None


def success_page_of(form: Form) -> SuccessPage:
    stored = form.success_page or {}
    mode = form.success_mode if form.success_mode in SUCCESS_MODES else None
    redirect_url = stored.get("redirect_url") or None
    if mode == "redirect" and not redirect_url:
        mode = "message"  # never happens through the API; a page without its URL would strand the buyer
    return SuccessPage(
        mode=mode or "message",
        message=stored.get("message") or DEFAULT_SUCCESS_MESSAGE,
        redirect_url=redirect_url,
        whatsapp_text=stored.get("whatsapp_text") or DEFAULT_WHATSAPP_TEXT,
        is_custom=form.success_mode is not None,
    )


def missing_texts(mode: str, texts: Mapping[str, str | None]) -> dict[str, str]:
    """The 422 fields when the text the mode needs is not given."""
    needed = REQUIRED_TEXT[mode]
    return {} if texts.get(needed) else {needed: f"is required when mode is {mode}"}


def check_redirect_url(value: str) -> str:
    """Pydantic AfterValidator: an absolute http(s) URL with a host, no credentials, placeholders (known ones)
    only in the query or fragment, where checkout fills them in URL-encoded. `{{ name }}` is kept as `{{name}}`."""
    value = _SPACED_PLACEHOLDER.sub(r"{{\1}}", value)
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in value):
        raise ValueError("must not contain spaces, backslashes or control characters")
    parts = urlsplit(value)
    if parts.scheme.lower() not in ("http", "https") or not value.lower().startswith(("http://", "https://")):
        raise ValueError("must be an absolute http:// or https:// URL")
    if "@" in parts.netloc:
        raise ValueError("must not contain credentials (user:password@)")
    if "{" in parts.netloc or "}" in parts.netloc or "{" in parts.path or "}" in parts.path:
        raise ValueError("placeholders may only be used in the query (after ?)")
    hostname = parts.hostname or ""
    if not _HOSTNAME.fullmatch(hostname) and not (":" in hostname and parts.netloc.startswith("[")):
        raise ValueError("must name a valid host (use the punycode form of international domain names)")
    try:
        parts.port  # noqa: B018  # raises ValueError on a port that is not a number in 0–65535
    except ValueError as exc:
        raise ValueError("has an invalid port") from exc
    return check_placeholders(value)


def render_success(page: SuccessPage, values: Mapping[str, str], *, whatsapp_phone: str | None) -> SuccessTarget:
    """The success page for one order. `values` are the placeholder values (kit.placeholders); `whatsapp_phone`
    is the order's CS number as E.164 digits (628…). Without a usable number, whatsapp mode shows the message."""
    if page.mode == "redirect" and page.redirect_url:
        encoded = {name: quote(value, safe="") for name, value in values.items()}
        return SuccessTarget(mode="redirect", message=None, url=render_placeholders(page.redirect_url, encoded))
    if page.mode == "whatsapp" and whatsapp_phone and whatsapp_phone.isdigit():
        text = render_placeholders(page.whatsapp_text, values)
        return SuccessTarget(mode="whatsapp", message=None, url=f"https://wa.me/{whatsapp_phone}?text={quote(text)}")
    return SuccessTarget(mode="message", message=render_placeholders(page.message, values), url=None)
