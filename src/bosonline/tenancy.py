"""The store a request acts in, and the scoped statement every store-owned read starts from."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import NotFound
from bosonline.models import Store, StoreMember
from bosonline.permissions import Permission, Role, has_permission


@dataclass(frozen=True)
class StoreContext:
    """The store a request acts in and the caller's membership there, as loaded when the context was resolved
    (principals.py): endpoints reuse these rows instead of reading them again."""

    member: StoreMember
    store: Store

    @property
    def user_id(self) -> int:
        return self.member.user_id

    @property
    def store_id(self) -> int:
        return self.store.id

    @property
    def member_id(self) -> int:
        return self.member.id

    @property
    def role(self) -> Role:
        return Role(self.member.role)

    def can(self, permission: Permission) -> bool:
        return has_permission(self.role, permission)


M = TypeVar("M", bound=Any)


def scoped(ctx: StoreContext, model: type[M]) -> Select[M]:
    """`SELECT model WHERE store_id = <the request's store>`: the start of every store-owned read."""
    return select(model).where(model.store_id == ctx.store_id)


class ScopedRepository:
    """Base of repositories over store-owned rows: they can only see the context's store."""

    def __init__(self, session: AsyncSession, ctx: StoreContext) -> None:
        self.session = session
        self.ctx = ctx

    def scoped(self, model: type[M]) -> Select[M]:
        return scoped(self.ctx, model)

    async def lock_store(self) -> None:
        """Serializes one store's writes of a kind (a limit per store, generated slugs or positions, a whole rate
        card) on PostgreSQL; SQLite write transactions are serialized already. FOR NO KEY UPDATE: rows that merely
        reference the store (orders, products, events) can still be inserted meanwhile."""
        await self.session.execute(
            select(Store.id).where(Store.id == self.ctx.store_id).with_for_update(key_share=True)
        )

    async def by_id(self, model: type[M], row_id: int, *, for_update: bool = False) -> M | None:
        """The store's `model` row of that id (locked with for_update), or None."""
        stmt = self.scoped(model).where(model.id == row_id)
        if for_update:
            stmt = stmt.with_for_update()
        found: M | None = await self.session.scalar(stmt)
        return found

    async def found(self, model: type[M], row_id: int, *, for_update: bool = False) -> M:
        """by_id, or NotFound (404) when the store has no such row."""
        row = await self.by_id(model, row_id, for_update=for_update)
        if row is None:
            raise NotFound()
        return row

    async def by_ids(self, model: type[M], ids: Collection[int | None]) -> dict[int, M]:
        """The store's `model` rows of those ids (None and 0 ignored) by id; no query when there are none."""
        wanted = {i for i in ids if i}
        if not wanted:
            return {}
        stmt = self.scoped(model).where(model.id.in_(wanted))
        return {row.id: row for row in await self.session.scalars(stmt)}

    async def count_of(self, model: type[Any]) -> int:
        """How many `model` rows the store has."""
        stmt = select(func.count()).select_from(self.scoped(model).subquery())
        return int(await self.session.scalar(stmt) or 0)

    async def add_row(self, row: M) -> M:
        """`row` added as the store's (its id assigned by the flush)."""
        row.store_id = self.ctx.store_id
        self.session.add(row)
        await self.session.flush()
        return row
