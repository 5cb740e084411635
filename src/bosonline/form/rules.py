"""Pure rules of checkout forms: slugs, the buyer fields' defaults, and the checks of a form body that need no
database (repeated entries, quantities within the form's bound)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container, Sequence
from typing import Any, Literal

from bosonline.models import Form

MAX_FORMS = 200  # per store, deleted ones not counted
MAX_ITEMS = 20
MAX_COURIERS = 15
MAX_BATCH = 50
SLUG_MAX = 80
TITLE_MAX = 150
COPY_SUFFIX = " (Copy)"

DEFAULT_FIELDS: dict[str, str] = {"email": "hidden", "notes": "optional", "address": "full"}
DEFAULT_PAYMENT_METHODS: tuple[Literal["bank_transfer", "cod", "qris"], ...] = ("bank_transfer", "cod")

_NON_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return _NON_SLUG.sub("-", ascii_title.lower()).strip("-")[:SLUG_MAX].rstrip("-") or "form"


def free_slug(base: str, taken: Container[str], *, tail: str = "") -> str:
    """`base + tail`, else `base + tail + "-2"`, `-3`…: the first not in `taken`, cut to SLUG_MAX characters by
    shortening `base` (so the tail and the number always survive)."""
    number = 1
    while True:
        suffix = tail + ("" if number == 1 else f"-{number}")
        candidate = base[: SLUG_MAX - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        number += 1


def copy_title(title: str) -> str:
    return title[: TITLE_MAX - len(COPY_SUFFIX)].rstrip() + COPY_SUFFIX


def fields_of(form: Form) -> dict[str, str]:
    """What the form asks of buyers, defaults filled: `email` and `notes` are hidden|optional|required; `address`
    is `full` (street address and region) or `district` (only a district/kecamatan, common for COD)."""
    stored = form.fields or {}
    return {name: str(stored.get(name) or default) for name, default in DEFAULT_FIELDS.items()}


def _repeats(values: Sequence[Any], field: str) -> dict[str, str]:
    seen: set[Any] = set()
    errors: dict[str, str] = {}
    for index, value in enumerate(values):
        if value in seen:
            errors[f"{field}.{index}"] = "is listed twice"
        seen.add(value)
    return errors


def body_errors(
    items: Sequence[tuple[int, int | None, int]],
    *,
    max_quantity: int,
    payment_methods: Sequence[str],
    couriers: Sequence[str],
) -> dict[str, str]:
    """422 fields of a form body that are wrong whatever the catalog holds. `items` are (product_id,
    variant_id, default_quantity)."""
    errors: dict[str, str] = {}
    pairs: set[tuple[int, int | None]] = set()
    for index, (product_id, variant_id, default_quantity) in enumerate(items):
        if (product_id, variant_id) in pairs:
            errors[f"items.{index}"] = "offers the same product and variant as an item before it"
        pairs.add((product_id, variant_id))
        if default_quantity > max_quantity:
            errors[f"items.{index}.default_quantity"] = f"must not exceed max_quantity ({max_quantity})"
    return errors | _repeats(payment_methods, "payment_methods") | _repeats(couriers, "couriers")


def repeated_ids(ids: Sequence[int]) -> dict[str, str]:
    return _repeats(ids, "ids")
