"""Wire shapes of Recap Product."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from bosonline.kit.schemas import ListMeta


class ProductRecapRowOut(BaseModel):
    product_id: int | None = Field(description="Null: a product deleted since (its lines group together).")
    variant_id: int | None = Field(description="Null: a variant deleted since.")
    product_name: str = Field(description="The product's current name (as sold, when deleted).")
    variant_name: str
    sku: str | None
    orders: int = Field(description="Orders of the period with this variant (every status).")
    units: int = Field(description="Units in the orders neither canceled nor returned (RTS).")
    revenue: int = Field(
        description="Rupiah: line subtotals (unit price × quantity as bought) of the orders neither canceled nor "
        "returned; order-level discounts, shipping and fees are not spread over lines."
    )
    revenue_text: str = Field(description="`revenue` as people read it: Rp1.234.567.")
    paid_orders: int = Field(description="Orders paid (or COD settled).")
    paid_ratio: float = Field(description="paid_orders ÷ orders, 0–1 (4 decimals).")
    canceled_orders: int
    cancel_rate: float = Field(description="canceled_orders ÷ orders, 0–1.")
    shipped_orders: int = Field(description="Orders that reached shipping (shipped, completed, RTS, closed).")
    rts_orders: int = Field(description="Orders returned to sender (RTS, or closed after RTS).")
    rts_rate: float = Field(description="rts_orders ÷ shipped_orders, 0–1 (0 when none shipped).")


class ProductRecapMeta(ListMeta):
    date_from: date = Field(description="First day of the period (store time zone).")
    date_to: date = Field(description="Last day, inclusive.")
    timezone: str
    sort: str
    order: str


class ProductRecapPage(BaseModel):
    data: list[ProductRecapRowOut]
    meta: ProductRecapMeta
