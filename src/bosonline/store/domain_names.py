"""Host names: what a custom domain may be, and which hosts are the platform's own (no statement for either)."""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import urlsplit

import idna

from bosonline.config import Settings

MAX_HOST = 253
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
# What a request body's `host` may look like before IDNA: no blanks, slashes, colons or control characters.
HOST_PATTERN = r"^[^\s/:@?#\\\x00-\x1f\x7f]+$"
VERIFY_LABEL = "_bosonline-verify"


def bare_host(header: str | None) -> str | None:
    """A Host header without its port and final dot, lowercase; None for none or an empty one."""
    if not header:
        return None
    name = header.strip().lower()
    if name.startswith("["):  # [IPv6]:port
        return name.split("]", 1)[0] + "]"
    return name.split(":", 1)[0].rstrip(".") or None


def platform_subdomain(host: str | None, shop_domain: str | None) -> str | None:
    """`tokosaya` for the host `tokosaya.<shop_domain>[:port]`."""
    name = bare_host(host)
    if not name or not shop_domain:
        return None
    suffix = "." + shop_domain.lower()
    if name.endswith(suffix) and name.count(".") == suffix.count("."):
        return name[: -len(suffix)] or None
    return None


def platform_hosts(settings: Settings) -> frozenset[str]:
    """The hosts the platform itself answers on: the public origin's host, the shop domain and the CNAME target."""
    found = {urlsplit(settings.public_base_url).hostname or "", settings.shop_domain or ""}
    found.add(settings.custom_domain_target or "")
    return frozenset(name.lower().rstrip(".") for name in found if name)


def is_platform_host(name: str, settings: Settings) -> bool:
    """`name` (bare) is one of the platform's hosts or lies under the shop domain."""
    shop = (settings.shop_domain or "").lower()
    return name in platform_hosts(settings) or bool(shop and name.endswith("." + shop))


def may_be_custom(name: str) -> bool:
    """Whether a bare host could be someone's custom domain at all: two labels or more, not an IP address (so
    `localhost`, `127.0.0.1` and `[::1]` never cost a statement)."""
    return "." in name and not _is_ip(name) and len(name) <= MAX_HOST


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


def normalize(raw: str) -> str:
    """Lowercase, without a final dot, internationalised labels as IDNA (`tokó.id` → `xn--tok-ina.id`); a value
    IDNA refuses is returned lowered, for `invalid_reason` to name what is wrong."""
    name = raw.strip().rstrip(".").lower()
    try:
        return idna.encode(name, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return name


def invalid_reason(name: str, settings: Settings) -> str | None:
    """Why `name` (normalized) cannot be a store's custom domain, or None."""
    if not name:
        return "must not be empty"
    if _is_ip(name):
        return "must be a domain name, not an IP address"
    if len(name) > MAX_HOST:
        return f"must be at most {MAX_HOST} characters long"
    labels = name.split(".")
    if len(labels) < 2:
        return "must be a full domain name such as toko.example.com"
    if not all(_LABEL.fullmatch(label) for label in labels):
        return "must be a valid host name: labels of 1–63 letters, digits and inner hyphens, separated by dots"
    if labels[-1].isdigit():
        return "must end in a real top-level domain"
    if is_platform_host(name, settings):
        return "is the platform's own domain: use the store's subdomain instead"
    return None


def verify_name(host: str) -> str:
    """Where the TXT record that proves control of `host` lives."""
    return f"{VERIFY_LABEL}.{host}"
