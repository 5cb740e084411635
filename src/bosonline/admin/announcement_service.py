"""A platform admin writing announcements and tips: announcement's rules, each change audited in its transaction."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.admin.audit_repository import AuditRepository
from bosonline.announcement.schemas import AnnouncementAdminOut, AnnouncementIn
from bosonline.announcement.service import AdminPage, AnnouncementAdmin, snapshot
from bosonline.kit.pagination import PageParams
from bosonline.principals import Principal
from bosonline.runtime import Runtime


class AdminAnnouncements:
    def __init__(self, session: AsyncSession, runtime: Runtime, admin: Principal) -> None:
        self.admin = admin
        self.announcements = AnnouncementAdmin(session, runtime)
        self.audit = AuditRepository(session)

    async def page(self, kind: str | None, params: PageParams) -> AdminPage:
        return await self.announcements.page(kind, params)

    async def detail(self, announcement_id: int) -> AnnouncementAdminOut:
        return await self.announcements.detail(announcement_id)

    async def create(self, body: AnnouncementIn) -> AnnouncementAdminOut:
        created = await self.announcements.create(body, self.admin.user.id)
        target = ("announcement", created.id)
        self.audit.record(self.admin, "announcement.create", target, before=None, after=snapshot(created))
        return created

    async def replace(self, announcement_id: int, body: AnnouncementIn) -> AnnouncementAdminOut:
        before, after = await self.announcements.replace(announcement_id, body)
        target = ("announcement", announcement_id)
        self.audit.record(self.admin, "announcement.update", target, before=snapshot(before), after=snapshot(after))
        return after

    async def delete(self, announcement_id: int) -> AnnouncementAdminOut:
        before = await self.announcements.delete(announcement_id)
        target = ("announcement", announcement_id)
        self.audit.record(self.admin, "announcement.delete", target, before=snapshot(before), after=None)
        return before
