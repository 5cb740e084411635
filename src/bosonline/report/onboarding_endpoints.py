"""HTTP route of On Boarding (the seed's Store → On Boarding)."""

from __future__ import annotations

from typing import Annotated

from bosonline.deps import store_service
from bosonline.kit.schemas import Envelope
from bosonline.permissions import Permission
from bosonline.report.onboarding_schemas import OnboardingOut
from bosonline.report.onboarding_service import OnboardingService
from bosonline.routing import api_router

router = api_router(tags=["Store"])

Reader = Annotated[OnboardingService, store_service(OnboardingService, Permission.store_read)]


@router.get("/store/onboarding", summary="On Boarding")
async def onboarding(service: Reader) -> Envelope[OnboardingOut]:
    """The new store's checklist: a bank account or QRIS, a warehouse with stock, a product, shipping rates, a
    published form, a WhatsApp number, follow-up templates, the first order and the first paid order. Each step
    says whether it is done (read from the store's rows at this request, in one statement: it cannot drift from
    reality), what to do in Indonesian, and where (the API routes); with the progress and the next step. Anyone
    in the store may read it."""
    return Envelope(data=await service.checklist())
