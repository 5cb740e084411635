"""The store a request acts in, and the scoped statement every store-owned read starts from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped

from bosonline.auth.permissions import Permission, Role, has_permission


@dataclass(frozen=True)
class StoreContext:
    user_id: int
    store_id: int
    member_id: int
    role: Role

    def can(self, permission: Permission) -> bool:
        return has_permission(self.role, permission)


class StoreOwned(Protocol):
    store_id: Mapped[int]


M = TypeVar("M", bound=Any)


def scoped(ctx: StoreContext, model: type[M]) -> Select[tuple[M]]:
    """`SELECT model WHERE store_id = <the request's store>`: the start of every store-owned read."""
    return select(model).where(model.store_id == ctx.store_id)


class StoreRepository:
    """Base of repositories over store-owned rows: they can only see the context's store."""

    def __init__(self, session: AsyncSession, ctx: StoreContext) -> None:
        self.session = session
        self.ctx = ctx

    def scoped(self, model: type[M]) -> Select[tuple[M]]:
        return scoped(self.ctx, model)

    async def get(self, model: type[M], record_id: int) -> M | None:
        return await self.session.scalar(self.scoped(model).where(model.id == record_id))
