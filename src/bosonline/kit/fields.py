"""Bounded field types reused by request schemas."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Path
from pydantic import AfterValidator, AwareDatetime, EmailStr, Field, StringConstraints


def no_control_chars(value: str) -> str:
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain control characters")
    return value


def no_control_chars_but_newlines(value: str) -> str:
    """For multi-line texts (descriptions, notes): line breaks and tabs are fine, other control characters not."""
    if any((ord(ch) < 32 and ch not in "\n\r\t") or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain control characters")
    return value


def _lower(value: str) -> str:
    return value.lower()


PersonName = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(no_control_chars)
]
ShortText = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), AfterValidator(no_control_chars)
]
Email = Annotated[EmailStr, Field(max_length=254), AfterValidator(_lower)]
# Not stripped: spaces are part of a password. 128 bounds the hashing work one request can ask for.
Password = Annotated[str, Field(min_length=8, max_length=128, description="8–128 characters.")]
AnyPassword = Annotated[str, Field(min_length=1, max_length=128)]
OpaqueToken = Annotated[str, Field(min_length=16, max_length=200)]

# Catalog bounds (documented in the OpenAPI schema through the constraints themselves).
MAX_PRICE = 1_000_000_000  # Rp 1 billion per unit
MAX_WEIGHT_G = 100_000  # 100 kg per unit
MAX_DIMENSION_CM = 500
MAX_STOCK = 10_000_000  # units of one variant in one warehouse

Rupiah = Annotated[int, Field(ge=0, le=MAX_PRICE, description=f"Whole rupiah, 0–{MAX_PRICE:,}.")]
Grams = Annotated[int, Field(ge=1, le=MAX_WEIGHT_G, description=f"Grams, 1–{MAX_WEIGHT_G:,}.")]
Centimeters = Annotated[int, Field(ge=1, le=MAX_DIMENSION_CM, description=f"Centimetres, 1–{MAX_DIMENSION_CM}.")]
StockQuantity = Annotated[int, Field(ge=0, le=MAX_STOCK, description=f"Units, 0–{MAX_STOCK:,}.")]
StockDelta = Annotated[
    int, Field(ge=-MAX_STOCK, le=MAX_STOCK, description=f"Units to add (negative: remove), ±{MAX_STOCK:,}.")
]
# Path/query ids: positive and within JSON-safe integers.
RecordId = Annotated[int, Field(ge=1, le=2**53)]


def id_path(description: str) -> Any:
    """The `Path(...)` of a record id in a route: `Annotated[int, id_path("Webhook id.")]` (1 to 2**53, as RecordId)."""
    return Path(ge=1, le=2**53, description=description)


def no_repeated_ids(value: list[int]) -> list[int]:
    if len(set(value)) != len(value):
        raise ValueError("must not repeat an id")
    return value


# A list of record ids, each at most once (a repeat answers 422 "must not repeat an id"); bounds go in its Field.
RecordIds = Annotated[list[RecordId], AfterValidator(no_repeated_ids)]


_EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
_LATEST = datetime(2100, 1, 1, tzinfo=UTC)


def _in_utc(value: datetime) -> datetime:
    try:
        utc = value.astimezone(UTC)
    except OverflowError as exc:  # year 1 at +14:00, year 9999 at −14:00
        raise ValueError("is out of range") from exc
    if not _EARLIEST <= utc < _LATEST:
        raise ValueError("must be between 2000-01-01 and 2100-01-01")
    return utc


# A moment given by a client: with a time zone, within 2000–2100, returned in UTC.
Moment = Annotated[AwareDatetime, AfterValidator(_in_utc)]
