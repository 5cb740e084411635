"""A platform admin's rules over stores: list and search them with their owners and figures, suspend and reactivate.

A suspended store keeps everything (nothing is deleted): its members still read its data, its writes are refused
with 403 `store_suspended` (deps.py), its buyer pages show a closed notice and take no order (checkout). Suspending
a suspended store, or reactivating an active one, is a 409: the admin learns that someone else got there first,
and the audit log holds one entry per real change."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.admin.audit_repository import AuditRepository
from bosonline.admin.errors import AdminError
from bosonline.admin.schemas import AdminStoreOut, FiguresOut, OwnerOut
from bosonline.admin.store_repository import AdminStoreRepository, StoreFigures
from bosonline.errors import Conflict, found
from bosonline.kit.pagination import PageParams
from bosonline.kit.schemas import from_row
from bosonline.models import Store, User
from bosonline.principals import Principal
from bosonline.runtime import Runtime


@dataclass(frozen=True)
class StoresPage:
    items: list[AdminStoreOut]
    next_cursor: str | None
    total: int


def _state(store: Store) -> dict[str, Any]:
    """What a suspension changes, as the audit log keeps it."""
    return {
        "status": store.status,
        "suspended_at": store.suspended_at.isoformat() if store.suspended_at else None,
        "suspended_reason": store.suspended_reason,
    }


class AdminStoreService:
    def __init__(self, session: AsyncSession, runtime: Runtime, admin: Principal) -> None:
        self.rt = runtime
        self.admin = admin
        self.repo = AdminStoreRepository(session)
        self.audit = AuditRepository(session)

    async def list(self, q: str | None, status: str | None, params: PageParams) -> StoresPage:
        page, total = await self.repo.page(q, status, params)
        stores = page.items
        owners = await self.repo.owners({store.owner_id for store in stores})
        figures = await self.repo.figures([store.id for store in stores])
        items = [self._out(store, owners[store.owner_id], figures.get(store.id, StoreFigures())) for store in stores]
        return StoresPage(items=items, next_cursor=page.next_cursor, total=total)

    async def suspend(self, store_id: int, reason: str) -> AdminStoreOut:
        store = await self._store(store_id)
        if store.status == "suspended":
            raise Conflict("This store is already suspended", code=AdminError.store_already_suspended)
        before = _state(store)
        store.status = "suspended"
        store.suspended_at = self.rt.clock.now()
        store.suspended_reason = reason
        self.audit.record(
            self.admin, "store.suspend", ("store", store.id), before=before, after=_state(store), reason=reason
        )
        return await self._detail(store)

    async def reactivate(self, store_id: int) -> AdminStoreOut:
        store = await self._store(store_id)
        if store.status != "suspended":
            raise Conflict("This store is not suspended", code=AdminError.store_not_suspended)
        before = _state(store)
        store.status = "active"
        store.suspended_at = None
        store.suspended_reason = None
        self.audit.record(self.admin, "store.reactivate", ("store", store.id), before=before, after=_state(store))
        return await self._detail(store)

    async def _store(self, store_id: int) -> Store:
        store = found(await self.repo.store_locked(store_id))
        if store.status == "closed":
            raise Conflict("This store was closed by its owner", code=AdminError.store_closed_by_owner)
        return store

    async def _detail(self, store: Store) -> AdminStoreOut:
        owners = await self.repo.owners({store.owner_id})
        figures = await self.repo.figures([store.id])
        return self._out(store, owners[store.owner_id], figures.get(store.id, StoreFigures()))

    @staticmethod
    def _out(store: Store, owner: User, figures: StoreFigures) -> AdminStoreOut:
        return from_row(
            AdminStoreOut,
            store,
            owner=OwnerOut.model_validate(owner),
            figures=FiguresOut.model_validate(figures),
        )
