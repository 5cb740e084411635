"""Bounded field types reused by request schemas."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Path, Query
from pydantic import (
    AfterValidator,
    AwareDatetime,
    EmailStr,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, core_schema


def has_control_chars(value: str) -> bool:
    return any(ord(ch) < 32 or ord(ch) == 127 for ch in value)


def no_control_chars(value: str) -> str:
    if has_control_chars(value):
        raise ValueError("must not contain control characters")
    return value


def no_control_chars_but_newlines(value: str) -> str:
    """For multi-line texts (descriptions, notes): line breaks and tabs are fine, other control characters not."""
    if any((ord(ch) < 32 and ch not in "\n\r\t") or ord(ch) == 127 for ch in value):
        raise ValueError("must not contain control characters")
    return value


# The same rules as JSON Schema patterns (ECMA-262 and Python read them alike), so that the OpenAPI document
# refuses what the server refuses: characters a text may not hold, and "visible" = neither those nor whitespace.
_CONTROL = r"\x00-\x1f\x7f"
_CONTROL_BUT_NEWLINES = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f"


def text_pattern(control: str, min_length: int) -> str:
    """A pattern for text without `control` characters whose stripped length is at least `min_length`."""
    allowed, visible = f"[^{control}]", f"[^\\s\\x85{control}]"
    if min_length <= 0:
        return f"^{allowed}*$"
    if min_length == 1:
        return f"^{allowed}*{visible}{allowed}*$"
    return f"^{allowed}*{visible}{allowed}{{{min_length - 2},}}{visible}{allowed}*$"


@dataclass(frozen=True)
class _CheckedText:
    """Annotated metadata: runs `check` after the string's own constraints and declares it as a `pattern` (a
    bare AfterValidator is invisible to the OpenAPI document)."""

    check: Callable[[str], str]
    control: str

    def __get_pydantic_core_schema__(self, source: Any, handler: GetCoreSchemaHandler) -> CoreSchema:
        return core_schema.no_info_after_validator_function(self.check, handler(source))

    def __get_pydantic_json_schema__(self, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        json_schema = handler(schema)
        if json_schema.get("type") == "string" and "pattern" not in json_schema:
            # Bodies strip surrounding whitespace before `minLength` applies, so the pattern counts visible text.
            json_schema["pattern"] = text_pattern(self.control, json_schema.get("minLength", 0))
        return json_schema


# Patterns a schema declares for rules its validator checks in code (a JSON Schema cannot call Python). Where the
# validator also accepts looser spellings (surrounding spaces, other separators), the pattern is the plain form.
REGION_CODE_PATTERN = (
    r"^(?:[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{2}(?:\.[0-9]{4})?)?)?|[0-9]{2}(?:[0-9]{2}(?:[0-9]{2}(?:[0-9]{4})?)?)?)$"
)
POSTAL_CODE_PATTERN = r"^[0-9]{5}$"
# A day in 2000–2999 / 2000–2100, as YYYY-MM-DD.
DAY_2000_2999_PATTERN = r"^2[0-9]{3}-[0-9]{2}-[0-9]{2}$"
DAY_2000_2100_PATTERN = r"^(?:20[0-9]{2}|2100)-[0-9]{2}-[0-9]{2}$"
# An absolute http(s) URL with a plain host name (and port, path, query): a spelling every URL check of the API
# accepts (they accept more: IP literals, placeholders in a redirect's query; webhooks also need a public host).
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_URL_CHARS = r"[A-Za-z0-9._~!$&'()*+,;=:@%/-]"
HTTP_URL_PATTERN = rf"^https?://{_LABEL}(?:\.{_LABEL})*(?::[0-9]{{1,4}})?(?:/{_URL_CHARS}*)?(?:\?{_URL_CHARS}*)?$"
# A moment with its offset, 2001–2098 local time: inside 2000–2100 in UTC whatever the offset.
MOMENT_PATTERN = r"^(?:200[1-9]|20[1-8][0-9]|209[0-8])-"


def declared(pattern: str) -> dict[str, Any]:
    """`json_schema_extra` declaring `pattern` for a rule the field's validator enforces in code."""
    return {"pattern": pattern}


# Use these instead of AfterValidator(no_control_chars…): same check, declared in the schema.
SINGLE_LINE = _CheckedText(no_control_chars, _CONTROL)
MULTI_LINE = _CheckedText(no_control_chars_but_newlines, _CONTROL_BUT_NEWLINES)


def _lower(value: str) -> str:
    return value.lower()


PersonName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), SINGLE_LINE]
ShortText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), SINGLE_LINE]
# A list's text filter (`q`): 1–100 characters, no control characters (PostgreSQL refuses a NUL mid-query).
SearchText = Annotated[str, Field(min_length=1, max_length=100), SINGLE_LINE]
# The same rule without bounds, for query and path texts: give them in Query()/Path() (min_length, max_length).
OneLineText = Annotated[str, SINGLE_LINE]
Email = Annotated[
    EmailStr,
    Field(
        max_length=254,
        description="An email address that can receive mail: domains of special use or reserved (`.test`, "
        "`.local`, `.localhost`, `.invalid`, `.onion`, `.arpa`) are refused. Compared in lower case.",
    ),
    AfterValidator(_lower),
]
# Taken exactly as typed (StrictBody strips other strings): spaces are part of a password. 128 bounds the hashing
# work one request can ask for.
Password = Annotated[
    str,
    StringConstraints(strip_whitespace=False),
    Field(min_length=8, max_length=128, description="8–128 characters, taken exactly as typed (spaces count)."),
]
AnyPassword = Annotated[str, StringConstraints(strip_whitespace=False), Field(min_length=1, max_length=128)]
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
MAX_ID = 2**53
RecordId = Annotated[int, Field(ge=1, le=MAX_ID)]


def _no_repeats(ids: list[int]) -> list[int]:
    if len(set(ids)) != len(ids):
        raise ValueError("must not repeat an id")
    return ids


# A list of ids, each at most once.
UNIQUE_ITEMS: dict[str, Any] = {"uniqueItems": True}
RecordIds = Annotated[list[RecordId], AfterValidator(_no_repeats), Field(json_schema_extra=UNIQUE_ITEMS)]


def id_batch(max_length: int, what: str) -> Any:
    """The `Field` of a batch of 1–`max_length` ids, each once (declared `uniqueItems`; the model or its service
    refuses repeats in its own words): `ids: list[RecordId] = id_batch(MAX_BULK, "order")`."""
    return Field(
        min_length=1,
        max_length=max_length,
        description=f"1–{max_length} {what} ids, each once.",
        json_schema_extra=UNIQUE_ITEMS,
    )


def path_id(description: str) -> Any:
    """A path parameter naming a record, within the id bounds: `Annotated[int, path_id("Product id.")]`."""
    return Path(ge=1, le=MAX_ID, description=description)


def query_id(description: str | None = None) -> Any:
    """An optional query parameter naming a record, within the id bounds: `Annotated[int | None, query_id()]`."""
    return Query(ge=1, le=MAX_ID, description=description)


def day_query(description: str, *, alias: str | None = None, pattern: str = DAY_2000_2100_PATTERN) -> Any:
    """An optional query parameter naming a day, YYYY-MM-DD, the years it accepts declared as `pattern` (the
    caller checks them): `Annotated[date | None, day_query("First day.", alias="from")] = None`."""
    return Query(alias=alias, description=description, json_schema_extra=declared(pattern))


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
Moment = Annotated[
    AwareDatetime,
    AfterValidator(_in_utc),
    Field(description="With a time zone offset, between 2000 and 2100.", json_schema_extra=declared(MOMENT_PATTERN)),
]
