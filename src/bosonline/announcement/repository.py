"""Every SQL statement of announcements and tips: the admin's CRUD and audiences, a store's published list, reads."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import insert_ignoring_conflicts
from bosonline.kit.pagination import Page, PageParams, keyset_page
from bosonline.models import Announcement, AnnouncementRead, AnnouncementStore, Store, StoreMember
from bosonline.models.store import STORE_IS_OPEN


def _live(now: datetime) -> Any:
    return and_(Announcement.starts_at <= now, or_(Announcement.ends_at.is_(None), Announcement.ends_at > now))


def _for_store(store_id: Any) -> Any:
    listed = exists().where(
        AnnouncementStore.announcement_id == Announcement.id, AnnouncementStore.store_id == store_id
    )
    return or_(Announcement.audience == "all", listed)


class AnnouncementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- the admin's side -------------------------------------------------------------------------------------

    async def get(self, announcement_id: int) -> Announcement | None:
        return await self.session.get(Announcement, announcement_id)

    def add(self, announcement: Announcement) -> None:
        self.session.add(announcement)

    async def remove(self, announcement: Announcement) -> None:
        await self.session.execute(
            delete(AnnouncementStore).where(AnnouncementStore.announcement_id == announcement.id)
        )
        await self.session.execute(delete(AnnouncementRead).where(AnnouncementRead.announcement_id == announcement.id))
        await self.session.delete(announcement)
        await self.session.flush()

    async def audiences(self, announcement_ids: list[int]) -> dict[int, list[int]]:
        if not announcement_ids:
            return {}
        rows = await self.session.execute(
            select(AnnouncementStore.announcement_id, AnnouncementStore.store_id)
            .where(AnnouncementStore.announcement_id.in_(announcement_ids))
            .order_by(AnnouncementStore.store_id)
        )
        found: dict[int, list[int]] = defaultdict(list)
        for announcement_id, store_id in rows.all():
            found[announcement_id].append(store_id)
        return found

    async def set_audience(self, announcement_id: int, store_ids: list[int]) -> None:
        await self.session.execute(
            delete(AnnouncementStore).where(AnnouncementStore.announcement_id == announcement_id)
        )
        if store_ids:
            rows = [{"announcement_id": announcement_id, "store_id": store_id} for store_id in store_ids]
            await self.session.execute(AnnouncementStore.__table__.insert(), rows)

    async def existing_stores(self, store_ids: list[int]) -> set[int]:
        if not store_ids:
            return set()
        return set(await self.session.scalars(select(Store.id).where(Store.id.in_(store_ids))))

    async def page(self, kind: str | None, params: PageParams) -> tuple[Page[Announcement], int]:
        """Newest first (by id)."""
        where = [] if kind is None else [Announcement.kind == kind]
        page = await keyset_page(
            self.session, select(Announcement).where(*where), [Announcement.id], params, descending=True
        )
        total = await self.session.scalar(select(func.count()).select_from(Announcement).where(*where))
        return page, int(total or 0)

    # --- a store's side ---------------------------------------------------------------------------------------

    async def published(
        self, store_id: int, user_id: int, kind: str, now: datetime, params: PageParams
    ) -> tuple[Page[Announcement], int, int]:
        """What the store is shown now, latest start first; the total, and how many `user_id` has not read."""
        where = (Announcement.kind == kind, _live(now), _for_store(store_id))
        page = await keyset_page(
            self.session,
            select(Announcement).where(*where),
            [Announcement.starts_at, Announcement.id],
            params,
            descending=True,
        )
        was_read = exists().where(
            AnnouncementRead.announcement_id == Announcement.id, AnnouncementRead.user_id == user_id
        )
        counts = (
            await self.session.execute(
                select(func.count(), func.count().filter(~was_read)).select_from(Announcement).where(*where)
            )
        ).one()
        return page, int(counts[0] or 0), int(counts[1] or 0)

    async def read_by(self, user_id: int, announcement_ids: list[int]) -> set[int]:
        if not announcement_ids:
            return set()
        return set(
            await self.session.scalars(
                select(AnnouncementRead.announcement_id).where(
                    AnnouncementRead.user_id == user_id, AnnouncementRead.announcement_id.in_(announcement_ids)
                )
            )
        )

    async def shown_to_user(self, announcement_id: int, user_id: int, now: datetime) -> bool:
        """Whether the announcement is live and shown to a store (not closed) `user_id` is a member of."""
        member_store = (
            select(StoreMember.store_id)
            .join(Store, Store.id == StoreMember.store_id)
            .where(StoreMember.user_id == user_id, StoreMember.removed_at.is_(None), STORE_IS_OPEN)
        )
        listed = exists().where(
            AnnouncementStore.announcement_id == Announcement.id, AnnouncementStore.store_id.in_(member_store)
        )
        audience = or_(and_(Announcement.audience == "all", exists(member_store)), listed)
        found = await self.session.scalar(
            select(Announcement.id).where(Announcement.id == announcement_id, _live(now), audience)
        )
        return found is not None

    async def mark_read(self, announcement_id: int, user_id: int, now: datetime) -> None:
        """Idempotent: a second mark (or two at once) keeps the first read."""
        row = {"announcement_id": announcement_id, "user_id": user_id, "read_at": now}
        await insert_ignoring_conflicts(self.session, AnnouncementRead.__table__, [row])
