"""Wire shapes of the platform dashboard (GET /admin/dashboard)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class PeriodOut(BaseModel):
    date_from: date = Field(serialization_alias="from")
    date_to: date = Field(serialization_alias="to")
    timezone: str = Field(description="The platform's time zone, in which store creation and logins are counted.")


class StoreRecapOut(BaseModel):
    total: int = Field(description="Stores not closed, now.")
    created: int = Field(description="Stores created in the period.")
    active: int = Field(description="Stores a member of which used the API in the period.")
    with_orders: int = Field(description="Stores with at least one order created in the period.")
    suspended: int = Field(description="Stores suspended now.")


class MoneyOut(BaseModel):
    orders: int
    gmv: int = Field(description="Totals of the orders not canceled, whole rupiah.")
    paid_gmv: int = Field(description="Totals of the paid or settled orders.")
    cod_gmv: int = Field(description="Totals of the COD orders not canceled.")
    cod_share: float = Field(description="cod_gmv ÷ gmv, 0–1 (0 when there is no GMV).")


class DayOut(MoneyOut):
    day: date


class RevenueOut(MoneyOut):
    by_day: list[DayOut] = Field(description="Every day of the period, zeros included.")


class StatusCountOut(BaseModel):
    status: str
    orders: int
    total: int


class MethodCountOut(BaseModel):
    payment_method: str
    orders: int
    total: int


class OrderRecapOut(BaseModel):
    by_status: list[StatusCountOut]
    by_payment_method: list[MethodCountOut]


class TopStoreOut(MoneyOut):
    store_id: int
    name: str
    subdomain: str | None


class DashboardOut(BaseModel):
    period: PeriodOut
    stores: StoreRecapOut
    revenue: RevenueOut
    orders: OrderRecapOut
    top_stores: list[TopStoreOut] = Field(description="The 10 stores with the most GMV in the period.")
