"""All SQL of the store's WhatsApp integrations, limited to the request's store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, update

from bosonline.db import rowcount
from bosonline.kit.pagination import Page, PageParams, count_rows, keyset_page
from bosonline.models import StoreMember
from bosonline.models.followup import FollowupChat, WaIntegration
from bosonline.tenancy import ScopedRepository


class WaIntegrationRepository(ScopedRepository):
    async def page(
        self, params: PageParams, *, provider: str | None, is_active: bool | None
    ) -> tuple[Page[WaIntegration], int]:
        stmt = self.scoped(WaIntegration)
        if provider is not None:
            stmt = stmt.where(WaIntegration.provider == provider)
        if is_active is not None:
            stmt = stmt.where(WaIntegration.is_active == is_active)
        total = await count_rows(self.session, stmt)
        return await keyset_page(self.session, stmt, [WaIntegration.id], params), total

    async def phone_holder(self, phone_number: str) -> int | None:
        stmt = self.scoped(WaIntegration).with_only_columns(WaIntegration.id)
        return await self.session.scalar(stmt.where(WaIntegration.phone_number == phone_number))

    async def active_member(self, member_id: int) -> StoreMember | None:
        stmt = self.scoped(StoreMember).where(
            StoreMember.id == member_id, StoreMember.removed_at.is_(None), StoreMember.status == "active"
        )
        return await self.session.scalar(stmt)

    async def member_names(self, member_ids: set[int]) -> dict[int, str]:
        if not member_ids:
            return {}
        stmt = self.scoped(StoreMember).with_only_columns(StoreMember.id, StoreMember.name)
        rows = await self.session.execute(stmt.where(StoreMember.id.in_(member_ids), StoreMember.removed_at.is_(None)))
        return dict(rows.all())

    async def record_check(self, integration_id: int, *, status: str, detail: str | None, at: datetime) -> bool:
        """Stores a Check Status result (not an edit: `updated_at` stays); False when the integration is gone."""
        result = await self.session.execute(
            update(WaIntegration)
            .where(WaIntegration.store_id == self.ctx.store_id, WaIntegration.id == integration_id)
            .values(
                last_check_status=status,
                last_check_detail=detail,
                last_checked_at=at,
                updated_at=WaIntegration.updated_at,
            )
            .execution_options(synchronize_session=False)
        )
        return bool(rowcount(result))

    async def templates_using(self, integration_id: int) -> int:
        return await count_rows(
            self.session, self.scoped(FollowupChat).where(FollowupChat.wa_integration_id == integration_id)
        )

    async def remove(self, integration_id: int) -> None:
        """Deletes the integration; templates and follow-up rows that named it keep existing with NULL there
        (ON DELETE SET NULL)."""
        await self.session.execute(
            delete(WaIntegration).where(WaIntegration.store_id == self.ctx.store_id, WaIntegration.id == integration_id)
        )
