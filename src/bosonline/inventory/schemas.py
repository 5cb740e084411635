"""Wire shapes of /store/inventory."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints, field_validator, model_validator

from bosonline.kit.fields import MAX_STOCK, SINGLE_LINE, RecordId, StockDelta, StockQuantity
from bosonline.kit.schemas import ListMeta, RowOut, StrictBody

MAX_LINES = 500
MAX_LOW_STOCK_THRESHOLD = 1_000_000

VariantStatus = Literal["active", "inactive"]
UpdateReason = Literal["adjustment", "import"]


NoteText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200), SINGLE_LINE]


class WarehouseRef(BaseModel):
    id: int
    name: str


class InventoryRow(RowOut):
    """Stock of one variant in one warehouse the store ships from (zeros when nothing was ever recorded)."""

    variant_id: int
    product_id: int
    product_name: str
    variant_name: str
    sku: str | None
    status: str = Field(description="The variant's status: active | inactive.")
    warehouse: WarehouseRef
    on_hand: int = Field(description="Units physically in the warehouse.")
    reserved: int = Field(description="Units held for orders not shipped yet.")
    available: int = Field(description="on_hand − reserved: what can still be sold.")
    updated_at: datetime | None = Field(description="Last change; null when no stock was ever recorded.")


class InventoryListMeta(ListMeta):
    total_on_hand: int = Field(0, description="Sum of on_hand over every row matching the filters.")
    total_reserved: int = Field(0, description="Sum of reserved over every row matching the filters.")
    total_available: int = Field(0, description="Sum of available over every row matching the filters.")


class InventoryListEnvelope(BaseModel):
    data: list[InventoryRow]
    meta: InventoryListMeta


class StockLineIn(StrictBody):
    """One change: `set` the on-hand quantity, or `adjust` it by a signed amount (exactly one of the two)."""

    variant_id: RecordId
    warehouse_id: RecordId
    set_to: StockQuantity | None = Field(None, alias="set", description=f"New on-hand quantity, 0–{MAX_STOCK:,}.")
    adjust: StockDelta | None = Field(None, description="Units to add (negative: remove); not 0.")
    note: NoteText | None = Field(None, description="Why; overrides the body's note for this line.")

    @field_validator("adjust")
    @classmethod
    def _not_zero(cls, value: int | None) -> int | None:
        if value == 0:
            raise ValueError("must not be 0")
        return value

    @model_validator(mode="after")
    def _set_or_adjust(self) -> StockLineIn:
        if (self.set_to is None) == (self.adjust is None):
            raise ValueError("send exactly one of set or adjust")
        return self


class InventoryUpdateIn(StrictBody):
    lines: list[StockLineIn] = Field(min_length=1, max_length=MAX_LINES, description=f"1–{MAX_LINES} changes.")
    note: NoteText | None = Field(None, description="Why, for every line without a note of its own.")
    reason: UpdateReason = Field("adjustment", description="`import` for bulk loads from a spreadsheet.")


class UpdatedRow(InventoryRow):
    movement_id: int | None = Field(description="The movement this line wrote; null when it changed nothing.")


class InventoryUpdateOut(BaseModel):
    rows: list[UpdatedRow] = Field(description="The stock after the change, one row per line in line order.")
    movement_ids: list[int] = Field(description="Ids of the movements written, in line order.")


class ActorRef(BaseModel):
    user_id: int
    name: str


class MovementOut(RowOut):
    id: int
    variant_id: int
    product_id: int
    product_name: str
    variant_name: str
    sku: str | None
    warehouse: WarehouseRef
    reason: str
    delta_on_hand: int
    delta_reserved: int
    on_hand_after: int
    reserved_after: int
    note: str | None
    order_id: int | None
    actor: ActorRef | None = Field(description="Who made the change; null for changes made by the system.")
    created_at: datetime
