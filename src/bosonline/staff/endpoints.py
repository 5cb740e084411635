"""HTTP routes of /store/staff (seed group Staff)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Query, status

from bosonline.deps import store_service
from bosonline.errors import error_responses
from bosonline.kit.fields import SearchText, path_id
from bosonline.kit.pagination import PageQuery
from bosonline.kit.schemas import DeletedOut, Envelope, ListEnvelope
from bosonline.permissions import Permission
from bosonline.routing import api_router
from bosonline.staff.errors import StaffError
from bosonline.staff.schemas import StaffCreateIn, StaffOut, StaffStatusIn, StaffUpdateIn
from bosonline.staff.service import StaffService

router = api_router(prefix="/store/staff", tags=["Staff"])

StaffId = Annotated[int, path_id("Staff id in this store.")]


Reader = Annotated[StaffService, store_service(StaffService, Permission.staff_read)]
Writer = Annotated[StaffService, store_service(StaffService, Permission.staff_write)]


@router.get("", summary="Staff")
async def list_staff(
    service: Reader,
    page: PageQuery,
    role: Annotated[Literal["owner", "admin", "cs"] | None, Query()] = None,
    status: Annotated[Literal["active", "inactive"] | None, Query()] = None,
    q: Annotated[SearchText | None, Query(description="Name or phone contains.")] = None,
) -> ListEnvelope[StaffOut]:
    """Staff of the store, oldest first. Owners and admins only."""
    items, result, total = await service.list(page, role=role, status=status, q=q)
    return ListEnvelope.page(items, result.next_cursor, total)


@router.get("/{staff_id}", summary="Staff detail")
async def get_staff(staff_id: StaffId, service: Reader) -> Envelope[StaffOut]:
    return Envelope(data=await service.get(staff_id))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create Staff",
    responses=error_responses(StaffError.staff_limit, StaffError.already_member),
)
async def create_staff(body: StaffCreateIn, service: Writer) -> Envelope[StaffOut]:
    """Adds a member. If an account with this email exists it is attached (its password untouched); otherwise an
    account is created with `password`. Owners add admins and CS; admins add CS."""
    return Envelope(data=await service.create(body))


@router.put(
    "/{staff_id}",
    summary="Edit Staff",
    responses=error_responses(StaffError.owner_protected, StaffError.self_management),
)
async def update_staff(staff_id: StaffId, body: StaffUpdateIn, service: Writer) -> Envelope[StaffOut]:
    """Changes the member's name and phone in this store, and role. The owner cannot be edited here."""
    return Envelope(data=await service.update(staff_id, body))


@router.patch(
    "/{staff_id}/status",
    summary="Edit Status Staff",
    responses=error_responses(StaffError.owner_protected, StaffError.self_management),
)
async def set_staff_status(staff_id: StaffId, body: StaffStatusIn, service: Writer) -> Envelope[StaffOut]:
    """`inactive` members cannot act in the store (403 `member_inactive`) until made `active` again."""
    return Envelope(data=await service.set_status(staff_id, body.status))


@router.delete(
    "/{staff_id}",
    summary="Delete staff",
    responses=error_responses(StaffError.owner_protected, StaffError.self_management),
)
async def delete_staff(staff_id: StaffId, service: Writer) -> Envelope[DeletedOut]:
    """Removes the member from the store (their account stays). The owner cannot be removed."""
    await service.remove(staff_id)
    return Envelope(data=DeletedOut(id=staff_id))
