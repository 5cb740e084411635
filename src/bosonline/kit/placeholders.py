"""The fixed list of `{{placeholder}}` names texts sent to buyers may use (success pages now, follow-up templates
later), and their rendering by plain substitution: never `str.format`, never Jinja, so a seller's text can only
ever produce text."""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDERS: dict[str, str] = {
    "customer_name": "The buyer's name",
    "customer_phone": "The buyer's phone, 08…",
    "order_number": "The order number, e.g. INV/20261121/00042",
    "product_name": "The first product's name",
    "items": "One line per item: quantity × product (variant)",
    "total": "The amount to pay, e.g. Rp150.000",
    "payment_method": "Transfer Bank, COD or QRIS",
    "bank_accounts": "The store's active bank accounts, one per line",
    "payment_url": "The order's status/payment page",
    "courier": "Courier and service, e.g. JNE REG",
    "awb": "The shipment's tracking (AWB) number, once shipped",
    "address": "The delivery address",
    "store_name": "The store's name",
    "cs_name": "The name of the order's CS",
    "cs_phone": "The CS's phone, 08…",
}

_PATTERN = re.compile(r"\{\{\s*([A-Za-z0-9_]{1,40})\s*\}\}")


def unknown_placeholders(text: str) -> list[str]:
    """Names in `text` that are not in PLACEHOLDERS, in order of appearance (for a 422 when a text is saved)."""
    seen: list[str] = []
    for name in _PATTERN.findall(text):
        if name not in PLACEHOLDERS and name not in seen:
            seen.append(name)
    return seen


def malformed_placeholder(text: str) -> str | None:
    """The first piece of `text` that looks like a placeholder but is not one (`{{nama pelanggan}}`,
    `{{customer-name}}`, `{{customer_name}`): a `{{` or `}}` left once every well-formed `{{name}}` is removed."""
    rest = _PATTERN.sub(" ", text)
    found = [i for i in (rest.find("{{"), rest.find("}}")) if i >= 0]
    if not found:
        return None
    at = min(found)
    if rest.startswith("{{", at):
        end = rest.find("}}", at + 2)
        piece = rest[at : end + 2] if 0 <= end - at <= 40 else rest[at : at + 20] + "…"
    else:
        piece = rest[max(0, at - 20) : at + 2]
    return " ".join(piece.split())


def check_placeholders(text: str) -> str:
    """Pydantic AfterValidator: refuses a text with unknown placeholder names, or with a malformed one (a raw
    `{{…}}` would reach the buyer as it is)."""
    unknown = unknown_placeholders(text)
    if unknown:
        listed = ", ".join("{{" + name + "}}" for name in unknown)
        raise ValueError(f"unknown placeholder {listed}; known: " + ", ".join(PLACEHOLDERS))
    malformed = malformed_placeholder(text)
    if malformed is not None:
        raise ValueError(
            f"malformed placeholder {malformed!r}: write placeholders as {{{{name}}}} with one of: "
            + ", ".join(PLACEHOLDERS)
        )
    return text


def render_placeholders(text: str, values: Mapping[str, str], *, drop_unknown: bool = False) -> str:
    """Replaces each known `{{name}}` with its value ("" when the value is missing); the result is never
    re-scanned, so a value that itself contains `{{…}}` stays as it is. `drop_unknown`: an unknown name renders
    as "" too (texts sent to buyers: a raw `{{…}}` must never reach one)."""

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in PLACEHOLDERS:
            return "" if drop_unknown else match.group(0)
        return values.get(name, "")

    return _PATTERN.sub(substitute, text)
