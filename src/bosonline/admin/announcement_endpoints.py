"""HTTP routes of /admin/announcements: announcements and tips (one resource, `kind` tells them apart)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request, status

from bosonline.admin.announcement_service import AdminAnnouncements
from bosonline.admin.gate import AdminDep, admin_router
from bosonline.announcement.schemas import AnnouncementAdminOut, AnnouncementIn, Kind
from bosonline.kit.fields import path_id
from bosonline.kit.pagination import PageQuery
from bosonline.kit.schemas import Envelope, ListEnvelope
from bosonline.routing import request_session

router = admin_router("/announcements", "Admin")

AnnouncementId = Annotated[int, path_id("Announcement or tip id.")]


async def _service(request: Request, admin: AdminDep) -> AdminAnnouncements:
    return AdminAnnouncements(request_session(request), request.app.state.runtime, admin)


Service = Annotated[AdminAnnouncements, Depends(_service)]

_WRITE_DOC = (
    "`kind`: `announcement` or `tip`; `body` in Markdown (rendered to safe HTML when saved: no raw HTML, no "
    "images, links only to http(s) and mailto); shown between `starts_at` (left out: now) and `ends_at` (left out: "
    "no end; 422 when not after the start); to `all` stores or to the `stores` listed in `store_ids` (422 naming "
    "unknown ids). Audited."
)


@router.get("", summary="Admin List Announcements")
async def list_announcements(
    service: Service, page: PageQuery, kind: Annotated[Kind | None, Query(description="Only this kind.")] = None
) -> ListEnvelope[AnnouncementAdminOut]:
    """Every announcement and tip, newest first, with its audience and where now stands in its window."""
    found = await service.page(kind, page)
    return ListEnvelope.page(found.items, found.next_cursor, found.total)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Admin Create Announcement", description=_WRITE_DOC)
async def create_announcement(body: AnnouncementIn, service: Service) -> Envelope[AnnouncementAdminOut]:
    return Envelope(data=await service.create(body))


@router.get("/{announcement_id:int}", summary="Admin Announcement Detail")
async def get_announcement(announcement_id: AnnouncementId, service: Service) -> Envelope[AnnouncementAdminOut]:
    """One announcement or tip; 404 for an unknown id."""
    return Envelope(data=await service.detail(announcement_id))


@router.put("/{announcement_id:int}", summary="Admin Edit Announcement", description=_WRITE_DOC)
async def replace_announcement(
    announcement_id: AnnouncementId, body: AnnouncementIn, service: Service
) -> Envelope[AnnouncementAdminOut]:
    return Envelope(data=await service.replace(announcement_id, body))


@router.delete("/{announcement_id:int}", summary="Admin Delete Announcement")
async def delete_announcement(announcement_id: AnnouncementId, service: Service) -> Envelope[AnnouncementAdminOut]:
    """Deletes it with its reads and answers what it was (the audit log keeps it too). 404 for an unknown id."""
    return Envelope(data=await service.delete(announcement_id))
