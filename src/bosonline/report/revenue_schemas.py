"""Wire shapes of Revenue (`GET /store/revenue`) and Recap Store (`GET /store/recap/store`)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, Field

from bosonline.report.periods import Granularity

CodSettledBasis = Literal["delivered", "remitted"]


class FiguresOut(BaseModel):
    """A period's money, whole rupiah. Sales are the orders placed in it but drafts, canceled and returned (RTS)
    ones; every figure but `canceled_orders` counts sales only."""

    orders: int = Field(description="Sales: orders placed, but drafts, canceled and returned (RTS) ones.")
    gross: int = Field(description="Goods + shipping + fees (COD fee, other fee), before any discount.")
    discounts: int = Field(description="Product and shipping discounts and transfer unique codes: gross − total.")
    shipping: int = Field(description="Shipping charged to the buyers (before shipping discounts).")
    fees: int = Field(description="COD fees and other fees charged to the buyers.")
    total: int = Field(description="What the buyers pay: gross − discounts.")
    net: int = Field(description="Net of shipping and discounts: total − shipping.")
    paid: int = Field(description="Total of the sales whose payment is confirmed (paid or settled).")
    paid_orders: int
    cod_settled: int = Field(
        description="Total of the COD sales counted as settled (`cod_settled_basis`: `delivered` = completed "
        "or closed orders, until courier remittances are recorded)."
    )
    cod_settled_orders: int
    canceled_orders: int = Field(description="Orders canceled or returned (RTS), not sales.")
    costed_orders: int = Field(description="Sales whose cost of goods is known (every line has a cost price).")
    cost: int = Field(description="Cost of goods (HPP) of the costed sales, frozen on their lines.")
    estimated_cost: int = Field(
        description="The part of `cost` estimated afterwards from the variants' COGS (orders placed before cost "
        "prices were frozen), not known at the time of sale."
    )
    profit: int | None = Field(
        description="Of the costed sales: goods − product and shipping discounts − cost (shipping and fees pass "
        "through to the courier; transfer unique codes are left out). null: no sale of the period has a known "
        "cost."
    )


class RevenuePointOut(FiguresOut):
    start: date = Field(description="First day of the bucket (within the period; weeks start on Monday).")
    end: date = Field(description="Last day of the bucket, inclusive (within the period).")


class RevenueOut(BaseModel):
    date_from: date = Field(description="First day of the period (store time zone).")
    date_to: date = Field(description="Last day of the period, inclusive.")
    granularity: Granularity
    timezone: str = Field(description="The store's time zone: the days are its days.")
    cod_settled_basis: CodSettledBasis = Field(
        description="What `cod_settled` counts: `delivered` (today: COD orders completed or closed); "
        "`remitted` once courier remittances are recorded."
    )
    totals: FiguresOut
    series: list[RevenuePointOut] = Field(description="Every bucket of the period, oldest first, zeros included.")


class StoreFiguresOut(FiguresOut):
    store_id: int
    store_name: str
    subdomain: str
    timezone: str


class StoreRecapOut(BaseModel):
    date_from: date = Field(description="First day of the period (store time zone).")
    date_to: date = Field(description="Last day of the period, inclusive.")
    cod_settled_basis: CodSettledBasis
    stores: list[StoreFiguresOut] = Field(
        description="The caller's active stores where their role may read reports, by id; each store's figures "
        "over the same days of its own time zone."
    )
    totals: FiguresOut = Field(description="The stores' figures added up.")
