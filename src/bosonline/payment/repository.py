"""All SQL of the store's payment settings (its QRIS), scoped to the request's store."""

from __future__ import annotations

from bosonline.models import StoreSettings
from bosonline.tenancy import ScopedRepository


class PaymentSettingsRepository(ScopedRepository):
    async def settings(self) -> StoreSettings:
        settings = await self.session.scalar(self.scoped(StoreSettings))
        assert settings is not None, "every store is created with its settings row"
        return settings
