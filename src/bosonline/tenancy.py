"""The store a request acts in, and the scoped statement every store-owned read starts from."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import row_of
from bosonline.errors import found as found_or_404
from bosonline.kit.pagination import count_rows
from bosonline.models import Store, StoreMember, StoreSettings
from bosonline.permissions import Permission, Role, has_permission

if TYPE_CHECKING:
    from bosonline.runtime import Runtime


@dataclass(frozen=True)
class StoreContext:
    """The store a request acts in and the caller's membership there, as loaded when the context was resolved
    (principals.py): endpoints reuse these rows instead of reading them again. `settings`: the store's settings
    row, when the route asked for it with the context (`deps.require(..., settings=True)`, same statement)."""

    member: StoreMember
    store: Store
    settings: StoreSettings | None = None

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

    async def keyed(self, stmt: Select[M], model: type[M], ids: Iterable[int]) -> dict[int, M]:
        """The rows of `stmt` whose id is among `ids`, by id (no query for none)."""
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        return {row.id: row for row in await self.session.scalars(stmt.where(model.id.in_(wanted)))}

    async def grouped(self, stmt: Select[M], parent: Any, parent_ids: Iterable[int]) -> dict[int, list[M]]:
        """The rows of `stmt` whose `parent` column is among `parent_ids`, in `stmt`'s order, grouped by parent: every
        id given has its list, empty when it has no rows (no query for none)."""
        ids = list(parent_ids)
        found: dict[int, list[M]] = {parent_id: [] for parent_id in ids}
        if ids:
            for row in await self.session.scalars(stmt.where(parent.in_(ids))):
                found[getattr(row, parent.key)].append(row)
        return found

    async def count_per(self, key: Any, ids: Iterable[int], *where: Any) -> dict[int, int]:
        """How many of the store's rows of `key`'s table (matching `where`) each of `ids` has; absent: none."""
        wanted = list(ids)
        if not wanted:
            return {}
        stmt = select(key, func.count()).where(key.class_.store_id == self.ctx.store_id, key.in_(wanted), *where)
        return {found: int(count) for found, count in (await self.session.execute(stmt.group_by(key))).all()}

    async def insert(self, row: M) -> M:
        """Adds a row of the context's store (its store_id set here) and flushes, so that its id is known."""
        row.store_id = self.ctx.store_id
        self.session.add(row)
        await self.session.flush()
        return row

    async def insert_all(self, rows: Iterable[Any]) -> None:
        """Adds rows, those with a store_id in the context's store, and flushes."""
        for row in rows:
            if hasattr(row, "store_id"):
                row.store_id = self.ctx.store_id
            self.session.add(row)
        await self.session.flush()

    async def lock_store(self) -> None:
        """Serializes one store's writes of a kind (a limit per store, generated slugs or positions, a whole rate
        card) on PostgreSQL; SQLite write transactions are serialized already. FOR NO KEY UPDATE: rows that merely
        reference the store (orders, products, events) can still be inserted meanwhile."""
        await self.session.execute(
            select(Store.id).where(Store.id == self.ctx.store_id).with_for_update(key_share=True)
        )

    async def one(self, model: type[M], row_id: int, *, for_update: bool = False) -> M | None:
        """The store's `model` row of that id (locked with for_update), or None."""
        return await row_of(self.session, self.scoped(model).where(model.id == row_id), for_update=for_update)

    async def found(self, model: type[M], row_id: int, *, for_update: bool = False) -> M:
        """`one`, or 404 `not_found` when the store has no such row."""
        row: M | None = await self.one(model, row_id, for_update=for_update)
        return found_or_404(row)

    async def by_ids(self, model: type[M], ids: Collection[int | None]) -> dict[int, M]:
        """The store's `model` rows of those ids (None and 0 ignored) by id; no query when there are none."""
        return await self.keyed(self.scoped(model), model, [row_id for row_id in ids if row_id])

    async def count_of(self, model: type[Any]) -> int:
        """How many `model` rows the store has."""
        return await count_rows(self.session, self.scoped(model))


class RowRepository(ScopedRepository, Generic[M]):
    """A ScopedRepository over one kind of row, `model`: `rows()` is every row of it the domain can see (the
    store's; a subclass leaves out those it hides: deleted forms, archived products, another library's images),
    and `get`, `get_many` and `count` read from it."""

    model: type[M]

    def rows(self) -> Select[M]:
        return self.scoped(self.model)

    async def get(self, row_id: int, *, for_update: bool = False) -> M | None:
        """The visible row of that id (locked with for_update), or None."""
        return await row_of(self.session, self.rows().where(self.model.id == row_id), for_update=for_update)

    async def get_many(self, row_ids: Iterable[int]) -> dict[int, M]:
        """The visible rows of those ids, by id (no query for none)."""
        return await self.keyed(self.rows(), self.model, row_ids)

    async def count(self) -> int:
        """How many visible rows there are (a store's count against its limit)."""
        return await count_rows(self.session, self.rows())


class ScopedService:
    """Base of a domain's service for the request's store (what `deps.store_service` builds): the session, the
    runtime and the store context; subclasses add their repositories."""

    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        self.session = session
        self.rt = runtime
        self.ctx = ctx

    async def _set_status(self, row: Any, status: str, *, touch_unchanged: bool = False) -> None:
        """A row's status edit: a status it already has changes nothing (not even updated_at), unless
        `touch_unchanged`."""
        if row.status != status or touch_unchanged:
            row.status = status
            row.updated_at = self.rt.clock.now()
            await self.session.flush()


R = TypeVar("R", bound=ScopedRepository)


class RepositoryService(ScopedService, Generic[R]):
    """A ScopedService with one repository: `repo`, the subclass's `repository` over the request's store."""

    repository: type[R]

    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        super().__init__(session, runtime, ctx)
        self.repo: R = self.repository(session, ctx)
