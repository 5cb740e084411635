"""Wire shapes of On Boarding (`GET /store/onboarding`)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class OnboardingStepOut(BaseModel):
    key: str = Field(description="Stable id of the step: payment, warehouse_stock, product, shipping_rates, …")
    title: str = Field(description="What to do, in Indonesian.")
    description: str = Field(description="Why and how, in Indonesian.")
    done: bool = Field(description="Read from the store's rows at this request, never stored.")
    actions: list[str] = Field(description="Where to do it: the API routes (`METHOD /path`), first the main one.")


class OnboardingOut(BaseModel):
    steps: list[OnboardingStepOut] = Field(description="In the order a new store usually takes them.")
    done: int = Field(description="Steps done.")
    total: int = Field(description="Steps in the checklist.")
    percent: int = Field(description="done ÷ total, rounded down to a whole percent.")
    next_step: str | None = Field(description="Key of the first step not done; null when everything is done.")
