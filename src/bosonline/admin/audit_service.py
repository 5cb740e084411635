"""Reading the admin audit log (each admin action's own service writes its entry, through AuditRepository.record)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.admin.audit_repository import AuditFilter, AuditRepository
from bosonline.admin.schemas import AuditOut
from bosonline.kit.pagination import Page, PageParams


class AuditLog:
    def __init__(self, session: AsyncSession) -> None:
        self.repo = AuditRepository(session)

    async def page(self, found: AuditFilter, params: PageParams) -> tuple[Page[AuditOut], int]:
        rows, total = await self.repo.page(found, params)
        return Page(items=[AuditOut.model_validate(row) for row in rows.items], next_cursor=rows.next_cursor), total
