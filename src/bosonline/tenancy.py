"""The store a request acts in, and the scoped statement every store-owned read starts from."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.auth.permissions import Permission, Role, has_permission


@dataclass(frozen=True)
class StoreContext:
    user_id: int
    store_id: int
    member_id: int
    role: Role

    def can(self, permission: Permission) -> bool:
        return has_permission(self.role, permission)


M = TypeVar("M", bound=Any)


def scoped(ctx: StoreContext, model: type[M]) -> Select[tuple[M]]:
    """`SELECT model WHERE store_id = <the request's store>`: the start of every store-owned read."""
    return select(model).where(model.store_id == ctx.store_id)


class ScopedRepository:
    """Base of repositories over store-owned rows: they can only see the context's store."""

    def __init__(self, session: AsyncSession, ctx: StoreContext) -> None:
        self.session = session
        self.ctx = ctx

    def scoped(self, model: type[M]) -> Select[tuple[M]]:
        return scoped(self.ctx, model)
