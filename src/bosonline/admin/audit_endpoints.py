"""HTTP route of /admin/audit: the log of every platform admin action."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from bosonline.admin.audit_repository import AuditFilter
from bosonline.admin.audit_service import AuditLog
from bosonline.admin.gate import AdminDep, admin_router
from bosonline.admin.schemas import AuditAction, AuditOut, AuditTarget
from bosonline.deps import query_parameters
from bosonline.kit.fields import query_id
from bosonline.kit.pagination import PageQuery
from bosonline.kit.schemas import ListEnvelope
from bosonline.routing import request_session

router = admin_router("/audit", "Admin")


@dataclass(frozen=True)
class AuditFilters:
    """The log's filters: a dependency, FastAPI reads each field from the query."""

    action: Annotated[AuditAction | None, Query(description="Only this action.")] = None
    target_type: Annotated[AuditTarget | None, Query(description="Only actions on this kind of record.")] = None
    target_id: Annotated[int | None, query_id("Only actions on this record (with `target_type`).")] = None


Filters = Annotated[AuditFilters, Depends(query_parameters(AuditFilters))]


@router.get("", summary="Admin Audit Log")
async def list_audit(request: Request, admin: AdminDep, filters: Filters, page: PageQuery) -> ListEnvelope[AuditOut]:
    """Every platform admin action, newest first: who (`admin_id`, `admin_email` as it was), when, what
    (`action`), on which record (`target_type`, `target_id`), why (`reason`, for a suspension) and the record's
    fields before and after. Written in the action's own transaction: an action that failed left no entry."""
    found = AuditFilter(filters.action, filters.target_type, filters.target_id)
    entries, total = await AuditLog(request_session(request)).page(found, page)
    return ListEnvelope.page(entries.items, entries.next_cursor, total)
