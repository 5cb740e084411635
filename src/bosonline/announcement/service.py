"""Announcements and tips: the rules of writing them (a platform admin's, through /admin) and of reading them (a
store member's: what is published now for the store, unread counts, mark as read)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.announcement.markdown import render
from bosonline.announcement.repository import AnnouncementRepository
from bosonline.announcement.schemas import (
    AnnouncementAdminOut,
    AnnouncementIn,
    AnnouncementList,
    AnnouncementMeta,
    AnnouncementOut,
    Window,
)
from bosonline.errors import NotFound, ValidationFailed, found
from bosonline.kit.clock import as_utc
from bosonline.kit.pagination import PageParams
from bosonline.kit.schemas import from_row
from bosonline.models import Announcement
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext


@dataclass(frozen=True)
class AdminPage:
    items: list[AnnouncementAdminOut]
    next_cursor: str | None
    total: int


def window(announcement: Announcement, now: datetime) -> Window:
    if as_utc(announcement.starts_at) > now:
        return "scheduled"
    if announcement.ends_at is not None and as_utc(announcement.ends_at) <= now:
        return "ended"
    return "live"


def snapshot(out: AnnouncementAdminOut) -> dict[str, Any]:
    """An announcement as the audit log keeps it (what an admin wrote, not the rendering)."""
    return out.model_dump(
        mode="json", include={"kind", "title", "body_markdown", "starts_at", "ends_at", "audience", "store_ids"}
    )


class AnnouncementAdmin:
    """Create, replace, delete and list announcements and tips (the audit is the caller's: admin/)."""

    def __init__(self, session: AsyncSession, runtime: Runtime) -> None:
        self.rt = runtime
        self.repo = AnnouncementRepository(session)
        self.session = session

    async def create(self, body: AnnouncementIn, author_id: int) -> AnnouncementAdminOut:
        announcement = Announcement(created_by=author_id)
        await self._write(announcement, body, new=True)
        return await self.detail(announcement.id)

    async def replace(
        self, announcement_id: int, body: AnnouncementIn
    ) -> tuple[AnnouncementAdminOut, AnnouncementAdminOut]:
        """(before, after)."""
        before = await self.detail(announcement_id)
        announcement = found(await self.repo.get(announcement_id))
        await self._write(announcement, body)
        return before, await self.detail(announcement_id)

    async def delete(self, announcement_id: int) -> AnnouncementAdminOut:
        """What was deleted (its reads and audience go with it)."""
        before = await self.detail(announcement_id)
        await self.repo.remove(found(await self.repo.get(announcement_id)))
        return before

    async def detail(self, announcement_id: int) -> AnnouncementAdminOut:
        announcement = found(await self.repo.get(announcement_id))
        audiences = await self.repo.audiences([announcement.id])
        return self._out(announcement, audiences.get(announcement.id, []))

    async def page(self, kind: str | None, params: PageParams) -> AdminPage:
        page, total = await self.repo.page(kind, params)
        audiences = await self.repo.audiences([a.id for a in page.items])
        items = [self._out(a, audiences.get(a.id, [])) for a in page.items]
        return AdminPage(items=items, next_cursor=page.next_cursor, total=total)

    async def _write(self, announcement: Announcement, body: AnnouncementIn, *, new: bool = False) -> None:
        now = self.rt.clock.now()
        starts_at = body.starts_at or now
        if body.ends_at is not None and body.ends_at <= starts_at:
            raise ValidationFailed(fields={"ends_at": "must be after starts_at (now, when starts_at is left out)"})
        unknown = sorted(set(body.store_ids) - await self.repo.existing_stores(body.store_ids))
        if unknown:
            raise ValidationFailed(fields={"store_ids": f"no such store: {', '.join(map(str, unknown[:10]))}"})
        announcement.kind = body.kind
        announcement.title = body.title
        announcement.body_markdown = body.body
        announcement.body_html = render(body.body)
        announcement.starts_at = starts_at
        announcement.ends_at = body.ends_at
        announcement.audience = body.audience
        announcement.updated_at = now
        if new:
            announcement.created_at = now
            self.repo.add(announcement)
        await self.session.flush()
        await self.repo.set_audience(announcement.id, body.store_ids)

    def _out(self, announcement: Announcement, store_ids: list[int]) -> AnnouncementAdminOut:
        return from_row(
            AnnouncementAdminOut,
            announcement,
            store_ids=store_ids,
            window=window(announcement, self.rt.clock.now()),
        )


class AnnouncementReader:
    """A store member's view: what is published now for the request's store."""

    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        self.rt = runtime
        self.ctx = ctx
        self.repo = AnnouncementRepository(session)

    async def published(self, kind: str, params: PageParams) -> AnnouncementList:
        user_id = self.ctx.member.user_id
        page, total, unread = await self.repo.published(self.ctx.store.id, user_id, kind, self.rt.clock.now(), params)
        read = await self.repo.read_by(user_id, [a.id for a in page.items])
        zone = ZoneInfo(self.ctx.store.timezone)
        items = [
            from_row(AnnouncementOut, a, read=a.id in read, published_on=_local(a.starts_at, zone)) for a in page.items
        ]
        return AnnouncementList(
            data=items, meta=AnnouncementMeta(next_cursor=page.next_cursor, total=total, unread=unread)
        )


class AnnouncementMarker:
    """Mark as read, per user: the caller's, for an announcement shown now to one of their stores."""

    def __init__(self, session: AsyncSession, runtime: Runtime) -> None:
        self.rt = runtime
        self.repo = AnnouncementRepository(session)

    async def mark_read(self, user_id: int, announcement_id: int, kind: str) -> None:
        now = self.rt.clock.now()
        announcement = await self.repo.get(announcement_id)
        if (
            announcement is None
            or announcement.kind != kind
            or not await self.repo.shown_to_user(announcement_id, user_id, now)
        ):
            raise NotFound()
        await self.repo.mark_read(announcement_id, user_id, now)


def _local(moment: datetime, zone: ZoneInfo) -> str:
    local = as_utc(moment).astimezone(zone)
    return f"{local:%d/%m/%Y %H:%M} {local.tzname()}"
