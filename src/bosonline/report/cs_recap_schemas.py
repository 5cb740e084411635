"""Wire shapes of Recap CS."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class CsFollowupStepOut(BaseModel):
    step: int = Field(description="Follow Up 1, 2, 3, …")
    sent: int = Field(description="Follow-ups of this step sent on the CS's orders (delivered and read included).")
    converted: int = Field(description="Orders paid after it, for which it was the last follow-up sent.")
    recovered: int = Field(description="Rupiah: the totals of those orders.")


class CsRecapRowOut(BaseModel):
    member_id: int | None = Field(description="The CS (store member id); null: orders no one was assigned.")
    name: str
    role: str | None = Field(description="owner, admin or cs; null for the unassigned row.")
    active: bool = Field(description="Still an active member of the store.")
    handled: int = Field(description="Orders created in the period and assigned to this member.")
    closed_orders: int = Field(description="Of those, paid (or COD settled) or shipped (or later), either or both.")
    closing_rate: float = Field(description="closed_orders ÷ handled, 0–1 (4 decimals; 0 with none handled).")
    paid_orders: int
    shipped_orders: int = Field(description="Orders that reached shipping (shipped, completed, RTS, closed).")
    canceled_orders: int
    rts_orders: int = Field(description="Orders returned to sender (RTS, or closed after RTS).")
    followups_sent: int
    converted_orders: int = Field(description="Orders paid after a follow-up (each once, by its last one).")
    recovered: int = Field(description="Rupiah recovered by follow-ups: the totals of the converted orders.")
    recovered_text: str = Field(description="`recovered` as people read it: Rp1.234.567.")
    steps: list[CsFollowupStepOut] = Field(description="Per follow-up step, in step order; steps with sends only.")


class CsRecapOut(BaseModel):
    date_from: date = Field(description="First day of the period (store time zone).")
    date_to: date = Field(description="Last day, inclusive.")
    timezone: str
    rows: list[CsRecapRowOut] = Field(description="Most orders handled first.")
