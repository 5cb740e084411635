"""Wire shapes of /store."""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, GetJsonSchemaHandler, StringConstraints, WithJsonSchema
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from bosonline.kit.fields import ShortText
from bosonline.kit.phone import MobilePhone, ShownPhoneOrNone, e164_of
from bosonline.kit.schemas import PatchBody, RowOut, StrictBody, from_row, not_null_schema
from bosonline.models import Store, StoreSettings
from bosonline.store import subdomain

TimeZone = Literal["Asia/Jakarta", "Asia/Makassar", "Asia/Jayapura"]
SubdomainText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=63),
    Field(json_schema_extra=subdomain.SCHEMA),
]
# A percentage with at most two decimals, as a JSON number or a string (what the Decimal field accepts).
PERCENT_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {"type": "number", "minimum": 0, "maximum": 100, "multipleOf": 0.01},
        {"type": "string", "pattern": r"^(?:100(?:\.0{1,2})?|[0-9]{1,2}(?:\.[0-9]{1,2})?)$"},
    ]
}
ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


def format_clock(value: time) -> str:
    return value.strftime("%H:%M")


class StoreCreateIn(StrictBody):
    name: ShortText
    subdomain: SubdomainText = Field(description="3–30 of a–z, 0–9 and inner hyphens; see /store/subdomain/check.")
    phone: MobilePhone
    timezone: TimeZone = "Asia/Jakarta"


class StoreSettingsIn(StrictBody):
    cod_fee_percent: Annotated[Decimal, WithJsonSchema(PERCENT_SCHEMA)] | None = Field(
        None, ge=0, le=100, decimal_places=2, description="COD fee as % of goods + shipping (default 3)."
    )
    unique_code_enabled: bool | None = Field(None, description="Add a 1–999 unique code to bank transfers.")
    unique_code_min: int | None = Field(None, ge=1, le=999)
    unique_code_max: int | None = Field(None, ge=1, le=999)
    quiet_hours_start: ClockTime | None = Field(None, description="HH:MM store time; no follow-ups from here…")
    quiet_hours_end: ClockTime | None = Field(None, description="…until here. Equal start and end: no quiet hours.")
    cs_sees_all_orders: bool | None = Field(
        None, description="false (default): a CS sees only the orders assigned to them; true: every order."
    )

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        return not_null_schema(schema, handler)  # StoreService refuses a setting sent as null


class StoreUpdateIn(PatchBody):
    """Every field is optional: only the fields sent change."""

    name: ShortText | None = None
    phone: MobilePhone | None = None
    timezone: TimeZone | None = None
    settings: StoreSettingsIn | None = None


class SubdomainIn(StrictBody):
    subdomain: SubdomainText


class StoreSettingsOut(BaseModel):
    cod_fee_percent: float
    unique_code_enabled: bool
    unique_code_min: int
    unique_code_max: int
    quiet_hours_start: str
    quiet_hours_end: str
    cs_sees_all_orders: bool

    @classmethod
    def of(cls, settings: StoreSettings) -> StoreSettingsOut:
        return cls(
            cod_fee_percent=settings.cod_fee_bps / 100,
            unique_code_enabled=settings.unique_code_enabled,
            unique_code_min=settings.unique_code_min,
            unique_code_max=settings.unique_code_max,
            quiet_hours_start=format_clock(settings.quiet_hours_start),
            quiet_hours_end=format_clock(settings.quiet_hours_end),
            cs_sees_all_orders=settings.cs_sees_all_orders,
        )


class StoreSummaryOut(RowOut):
    id: int
    name: str
    subdomain: str | None
    phone: ShownPhoneOrNone
    phone_e164: str | None = e164_of("phone")
    timezone: str
    status: str
    owner_id: int
    role: str | None = Field(None, description="The caller's role in this store.")
    created_at: datetime

    @classmethod
    def of(cls, store: Store, role: str | None) -> StoreSummaryOut:
        return from_row(cls, store, role=role)


class StoreOut(StoreSummaryOut):
    member_id: int = Field(description="The caller's staff id in this store.")
    settings: StoreSettingsOut
    updated_at: datetime


class SubdomainCheckOut(BaseModel):
    subdomain: str
    valid: bool
    available: bool
    reason: str | None
