"""Every SQL statement of the admin audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.kit.pagination import Page, PageParams, keyset_page
from bosonline.models import AuditEntry
from bosonline.principals import Principal


@dataclass(frozen=True)
class AuditFilter:
    action: str | None = None
    target_type: str | None = None
    target_id: int | None = None


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def record(
        self,
        admin: Principal,
        action: str,
        target: tuple[str, int],
        *,
        before: dict[str, Any] | None,
        after: dict[str, Any] | None,
        reason: str | None = None,
    ) -> AuditEntry:
        """An admin action, added to the request's transaction: it commits (or rolls back) with the action."""
        entry = AuditEntry(
            admin_id=admin.user.id,
            admin_email=admin.user.email,
            action=action,
            target_type=target[0],
            target_id=target[1],
            reason=reason,
            before=before,
            after=after,
        )
        self.session.add(entry)
        return entry

    def _where(self, found: AuditFilter) -> list[Any]:
        where: list[Any] = []
        if found.action is not None:
            where.append(AuditEntry.action == found.action)
        if found.target_type is not None:
            where.append(AuditEntry.target_type == found.target_type)
        if found.target_id is not None:
            where.append(AuditEntry.target_id == found.target_id)
        return where

    async def page(self, found: AuditFilter, params: PageParams) -> tuple[Page[AuditEntry], int]:
        """Newest first (by id), with the number of entries the filter matches."""
        where = self._where(found)
        page = await keyset_page(
            self.session, select(AuditEntry).where(*where), [AuditEntry.id], params, descending=True
        )
        total = await self.session.scalar(select(func.count()).select_from(AuditEntry).where(*where))
        return page, int(total or 0)
