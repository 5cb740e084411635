"""What makes a subdomain valid: 3–30 of a–z, 0–9 and inner hyphens, and not one we keep for ourselves."""

from __future__ import annotations

import re

_PATTERN = re.compile(r"^[a-z0-9](?:[a-z0-9-]{1,28})[a-z0-9]$")
# The same rules for a schema (upper case is fine: it is lowered); RESERVED names are still refused.
SCHEMA = {"pattern": r"^[A-Za-z0-9](?:-?[A-Za-z0-9]){2,29}$", "maxLength": 30}

RESERVED = frozenset(
    {
        "admin", "administrator", "api", "app", "apps", "assets", "auth", "billing", "blog", "bosonline",
        "cdn", "checkout", "cs", "dashboard", "dev", "docs", "email", "ftp", "help", "imap", "info", "internal",
        "login", "mail", "media", "ns1", "ns2", "official", "order", "orders", "pay", "payment", "pop", "pop3",
        "public", "root", "seller", "shop", "smtp", "staging", "static", "status", "store", "support", "system",
        "test", "webhook", "webhooks", "webmail", "www",
    }
)  # fmt: skip


def normalize(value: str) -> str:
    return value.strip().lower()


def invalid_reason(subdomain: str) -> str | None:
    """Why `subdomain` (already normalized) cannot be used, or None when it is well-formed."""
    if not 3 <= len(subdomain) <= 30:
        return "must be 3–30 characters long"
    if not _PATTERN.fullmatch(subdomain):
        return "may contain only a–z, 0–9 and hyphens, and must start and end with a letter or digit"
    if "--" in subdomain:
        return "must not contain two hyphens in a row"
    if subdomain in RESERVED:
        return "is reserved"
    return None
