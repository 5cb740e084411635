"""Indonesian mobile numbers: accept 08…, 628…, +62 8…; store E.164 digits (628…); show 08…."""

from __future__ import annotations

from typing import Annotated

import lokal
from pydantic import AfterValidator, BeforeValidator, Field

MOBILE_HINT = "must be an Indonesian mobile number, e.g. 0812-3456-7890, 6281234567890 or +62 812 3456 7890"


def normalize_mobile(value: str) -> str:
    """Return the number as 628… digits, or raise ValueError when it is not an Indonesian mobile."""
    info = lokal.parse_phone(value.strip())
    if not info.valid or info.type != "mobile" or not info.whatsapp:
        raise ValueError(MOBILE_HINT)
    return info.whatsapp


def display_phone(e164_digits: str | None) -> str | None:
    """628123… → 08123… (the form Indonesian sellers and the seed show)."""
    if e164_digits is None:
        return None
    return "0" + e164_digits[2:] if e164_digits.startswith("62") else e164_digits


# A response field showing the row's stored `phone` (628…) as 08… (schemas reading rows with from_attributes).
PhoneDisplay = Annotated[str | None, BeforeValidator(display_phone), Field(validation_alias="phone")]


def phone_needle(text: str) -> str | None:
    """The digits to look for in stored phones (628…) when `text` looks like (part of) a phone number, else None.
    `0812…` as sellers type it is `62812…` as stored; `+62 812-…` loses its punctuation."""
    if not all(ch.isdigit() or ch in " +-()" for ch in text):
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < 3:
        return None
    return "62" + digits[1:] if digits.startswith("0") else digits


# The plain spellings normalize_mobile accepts (it also takes dots, brackets and surrounding spaces).
MOBILE_PATTERN = r"^(?:\+62 ?|62|0)8[0-9]{2}(?:[ -]?[0-9]){6,9}$"
MobilePhone = Annotated[
    str,
    Field(min_length=8, max_length=25, json_schema_extra={"pattern": MOBILE_PATTERN}),
    AfterValidator(normalize_mobile),
]
