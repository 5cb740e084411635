"""Indonesian mobile numbers: accept 08…, 628…, +62 8…; store E.164 digits (628…); show 08…."""

from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field

from bosonline.kit.lokal_id import parse_phone

MOBILE_HINT = "must be an Indonesian mobile number, e.g. 0812-3456-7890, 6281234567890 or +62 812 3456 7890"


def normalize_mobile(value: str) -> str:
    """Return the number as 628… digits, or raise ValueError when it is not an Indonesian mobile."""
    info = parse_phone(value.strip())
    if not info.valid or info.type != "mobile" or not info.whatsapp:
        raise ValueError(MOBILE_HINT)
    return info.whatsapp


def display_phone(e164_digits: str | None) -> str | None:
    """628123… → 08123… (the form Indonesian sellers and the seed show)."""
    if e164_digits is None:
        return None
    return "0" + e164_digits[2:] if e164_digits.startswith("62") else e164_digits


# Every response shows a phone the way the seed and Indonesian sellers write it, 08…; where a client must address
# the number (WhatsApp), a twin field `<name>_e164` carries the stored 628… digits. Schemas reading rows
# (from_attributes) declare `phone: ShownPhone` and `phone_e164: str = e164_of("phone")`.
SHOWN_PHONE = "08… form, as Indonesian sellers write it."
E164_PHONE = "628… digits (E.164 without +), as WhatsApp addresses it."
_Shown = Annotated[str, BeforeValidator(display_phone)]
ShownPhone = Annotated[_Shown, Field(description=SHOWN_PHONE)]
ShownPhoneOrNone = Annotated[_Shown | None, Field(description=SHOWN_PHONE)]


def e164_of(attribute: str) -> Any:
    """A response field reading the row's `attribute` (628…) unchanged: the twin of a ShownPhone."""
    return Field(validation_alias=attribute, description=E164_PHONE)


def phone_needle(text: str) -> str | None:
    """The digits to look for in stored phones (628…) when `text` looks like (part of) a phone number, else None.
    `0812…` as sellers type it is `62812…` as stored; `+62 812-…` loses its punctuation."""
    if not all(ch.isdigit() or ch in " +-()" for ch in text):
        return None
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) < 3:
        return None
    return "62" + digits[1:] if digits.startswith("0") else digits


E164_MOBILE_MAX = 14  # 62 + 8xx + up to 9 digits (MOBILE_PATTERN): no mobile number extends one this long
_SEPARATORS = str.maketrans("", "", " -.()")
_PHONE_START = re.compile(r"(?:\+?628|08)[0-9]*")


def phone_prefix(text: str) -> str | None:
    """The 628… digits a search text starts a buyer's mobile number with, or None when it does not look like one.

    It looks like one when, spaces, dashes, dots and brackets aside, it is digits starting with `08`, `628` or
    `+628`, at least 6 digits in the 08 form (7 as 628…), at most a whole number (E164_MOBILE_MAX). Shorter ones
    also occur in order numbers (INV/20260812/…, sequence 08123 or 62812) and are left to the general search; from 6
    digits an 08… string cannot be in an order number (a date holds 08 only as a month, `08DD`, and a sequence
    with a leading zero has 5 digits), and a 628… one only in a store past its 6,280,000th order."""
    compact = text.translate(_SEPARATORS)
    if not _PHONE_START.fullmatch(compact):
        return None
    digits = "62" + compact[1:] if compact.startswith("0") else compact.removeprefix("+")
    return digits if 7 <= len(digits) <= E164_MOBILE_MAX else None


# The plain spellings normalize_mobile accepts (it also takes dots, brackets and surrounding spaces).
MOBILE_PATTERN = r"^(?:\+62 ?|62|0)8[0-9]{2}(?:[ -]?[0-9]){6,9}$"
MobilePhone = Annotated[
    str,
    Field(min_length=8, max_length=25, json_schema_extra={"pattern": MOBILE_PATTERN}),
    AfterValidator(normalize_mobile),
]
