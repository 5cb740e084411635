"""HTTP routes of a store's announcements and tips (/store/announcements, /store/tips): what the platform publishes
now for the store, with unread counts, and mark as read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter

from bosonline.announcement.schemas import AnnouncementList, Kind, ReadOut
from bosonline.announcement.service import AnnouncementMarker, AnnouncementReader
from bosonline.deps import CurrentUser, account_service, store_service
from bosonline.kit.fields import path_id
from bosonline.kit.pagination import PageQuery
from bosonline.kit.schemas import Envelope
from bosonline.permissions import Permission
from bosonline.routing import api_router

router = api_router(prefix="/store", tags=["Store"])

AnnouncementId = Annotated[int, path_id("Announcement or tip id.")]
Reader = Annotated[AnnouncementReader, store_service(AnnouncementReader, Permission.store_read)]
Marker = Annotated[AnnouncementMarker, account_service(AnnouncementMarker)]

_LIST_DOC = (
    "What the platform publishes now for the store (its publish window is open, and it is for every store or "
    "lists this one), latest first, the body as safe HTML and `published_on` in the store's time zone; "
    "`meta.unread` counts those the caller has not marked read. Every member of the store."
)
_READ_DOC = (
    "Marks it read for the caller (per user, in whichever of their stores they read it; again is a no-op). 404 "
    "when it is not shown now to a store of the caller. Works in a suspended store too (it writes nothing of the "
    "store's)."
)


def _routes(path: str, kind: Kind, list_summary: str, read_summary: str, target: APIRouter) -> None:
    async def list_published(service: Reader, page: PageQuery) -> AnnouncementList:
        return await service.published(kind, page)

    async def mark_read(item_id: AnnouncementId, principal: CurrentUser, service: Marker) -> Envelope[ReadOut]:
        await service.mark_read(principal.user.id, item_id, kind)
        return Envelope(data=ReadOut(id=item_id))

    list_published.__name__ = f"list_{kind}s"
    mark_read.__name__ = f"mark_{kind}_read"
    target.add_api_route(path, list_published, methods=["GET"], summary=list_summary, description=_LIST_DOC)
    target.add_api_route(
        f"{path}/{{item_id:int}}/read", mark_read, methods=["POST"], summary=read_summary, description=_READ_DOC
    )


_routes("/announcements", "announcement", "Announcement", "Read Announcement", router)
_routes("/tips", "tip", "Tips", "Read Tip", router)
