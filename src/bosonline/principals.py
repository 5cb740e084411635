"""Who a request acts as, below every domain (deps.py and the entry points use it): the caller (`Client`), the
user and login session an access token names, and which store the request acts in: the one named by X-Store-Id, or
the caller's only store."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, bindparam, join, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bosonline.db import retried_if_first
from bosonline.errors import AccessError, BadRequest, Forbidden, NotFound
from bosonline.hot_sql import PooledRead, entity_columns
from bosonline.models import AuthSession, Store, StoreMember, StoreSettings, User
from bosonline.models.store import STORE_IS_OPEN
from bosonline.tenancy import StoreContext


@dataclass(frozen=True)
class Client:
    ip: str
    user_agent: str | None


# Built once, at import: SQLAlchemy memoizes a statement's cache key on the statement object, so executing these
# costs neither building the construct nor walking it for the compiled-statement cache (issue 15).
_LIVE_LOGIN = (
    join(User, AuthSession, AuthSession.user_id == User.id),
    (
        User.id == bindparam("user_id"),
        AuthSession.id == bindparam("session_id"),
        User.deleted_at.is_(None),
        AuthSession.revoked_at.is_(None),
    ),
)

# The user of a live login: no row when the session was revoked (logout, password change, reuse of a refresh token)
# or the user deleted.
PRINCIPAL = select(User).select_from(_LIVE_LOGIN[0]).where(*_LIVE_LOGIN[1])

# The memberships an open store's member has (removed ones left out), joined inside the outer join, so that a
# member of a closed store reads as no membership; a suspended store stays its members' (deps.py refuses its writes).
_MEMBERSHIP = join(StoreMember, Store, and_(Store.id == StoreMember.store_id, STORE_IS_OPEN))
_OF_THE_USER = and_(StoreMember.user_id == User.id, StoreMember.removed_at.is_(None))


def _principal_with_store(*membership: Any, settings: bool, columns: bool) -> Select[Any]:
    entities: tuple[Any, ...] = (User, StoreMember, Store)
    joined = _LIVE_LOGIN[0].outerjoin(_MEMBERSHIP, and_(_OF_THE_USER, *membership))
    if settings:  # the store's settings row too (its primary key is the store's id)
        joined = joined.outerjoin(StoreSettings, StoreSettings.store_id == Store.id)
        entities += (StoreSettings,)
    selected = entity_columns(*entities) if columns else entities
    return select(*selected).select_from(joined).where(*_LIVE_LOGIN[1]).order_by(Store.id).limit(2)


def _principal_in_store(named: bool, settings: bool, *, columns: bool) -> Select[Any]:
    return _principal_with_store(
        *([StoreMember.store_id == bindparam("store_id")] if named else []), settings=settings, columns=columns
    )


# Principal and store context in one statement. No row: the login has ended. One row without a member: not a member
# of that store (or of any, without X-Store-Id). Two rows: several stores and none named. By (store named, with the
# store's settings): for a session (the ORM's entities), and for a read outside any (`PooledRead`, the same
# statement selecting the entities' columns).
_SHAPES = [(named, settings) for named in (True, False) for settings in (True, False)]
_PRINCIPAL_IN_STORE = {shape: _principal_in_store(*shape, columns=False) for shape in _SHAPES}
_POOLED_PRINCIPAL_IN_STORE = {
    (named, settings): PooledRead(
        _principal_in_store(named, settings, columns=True),
        (User, StoreMember, Store, *((StoreSettings,) if settings else ())),
    )
    for named, settings in _SHAPES
}

ContextRow = tuple[User, StoreMember | None, Store | None, StoreSettings | None]


@dataclass(frozen=True)
class Principal:
    """The user an access token names, with the login session (`sid`) it belongs to."""

    user: User
    session_id: str


class PrincipalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def principal(self, user_id: int, session_id: str) -> User | None:
        """The user of a live login (session not revoked, user not deleted), or None."""
        params = {"user_id": user_id, "session_id": session_id}
        return await retried_if_first(self.session, lambda: self.session.scalar(PRINCIPAL, params))

    async def principal_in_store(
        self, user_id: int, session_id: str, store_id: int | None, *, settings: bool = False
    ) -> list[ContextRow]:
        """The user of a live login with their membership in `store_id` (or, without one, in up to two of their
        stores), and with `settings` each store's settings row (else None): no row when the login has ended."""
        stmt = _PRINCIPAL_IN_STORE[store_id is not None, settings]

        async def run() -> list[ContextRow]:
            rows = await self.session.execute(stmt, _context_params(user_id, session_id, store_id))
            return [(row[0], row[1], row[2], row[3] if settings else None) for row in rows.all()]

        return await retried_if_first(self.session, run)

    async def membership(self, user_id: int, store_id: int) -> tuple[StoreMember, Store] | None:
        row = (
            await self.session.execute(
                select(StoreMember, Store)
                .join(Store, Store.id == StoreMember.store_id)
                .where(
                    StoreMember.user_id == user_id,
                    StoreMember.store_id == store_id,
                    StoreMember.removed_at.is_(None),
                    STORE_IS_OPEN,
                )
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def memberships(self, user_id: int, *, limit: int) -> list[tuple[StoreMember, Store]]:
        rows = await self.session.execute(
            select(StoreMember, Store)
            .join(Store, Store.id == StoreMember.store_id)
            .where(StoreMember.user_id == user_id, StoreMember.removed_at.is_(None), STORE_IS_OPEN)
            .order_by(Store.id)
            .limit(limit)
        )
        return [(member, store) for member, store in rows.all()]


async def principal_in_store_pooled(
    engine: AsyncEngine, user_id: int, session_id: str, store_id: int | None, *, settings: bool = False
) -> list[ContextRow]:
    """`PrincipalRepository.principal_in_store` for a read outside any transaction (PostgreSQL), without a session:
    the same statement on a pooled connection of its own (`hot_sql.PooledRead`), the rows detached instances."""
    read = _POOLED_PRINCIPAL_IN_STORE[store_id is not None, settings]
    rows = await read.rows(engine, _context_params(user_id, session_id, store_id))
    return [(row[0], row[1], row[2], row[3] if settings else None) for row in rows]


def _context_params(user_id: int, session_id: str, store_id: int | None) -> dict[str, Any]:
    params: dict[str, Any] = {"user_id": user_id, "session_id": session_id}
    if store_id is not None:
        params["store_id"] = store_id
    return params


async def resolve_store_context(session: AsyncSession, user_id: int, store_id: int | None) -> StoreContext:
    """The store context of a user known to be signed in (jobs, tests); requests use `principal_in_store`."""
    repo = PrincipalRepository(session)
    if store_id is not None:
        found = await repo.membership(user_id, store_id)
        return store_context(store_id, [] if found is None else [found])
    return store_context(None, await repo.memberships(user_id, limit=2))


def store_context(store_id: int | None, memberships: Sequence[tuple[StoreMember | None, Store | None]]) -> StoreContext:
    """The store a request acts in, from the caller's membership in `store_id` (or, without one, up to two of their
    memberships); the access errors otherwise."""
    found = [(member, store) for member, store in memberships if member is not None and store is not None]
    if store_id is not None and not found:
        # The same answer whether the store exists or not: ids of other sellers' stores reveal nothing.
        raise Forbidden("You are not a member of this store", code=AccessError.not_a_member)
    if not found:
        raise NotFound("You have no store yet; create one with POST /store", code=AccessError.no_store)
    if len(found) > 1:
        raise BadRequest(
            "You belong to several stores; name one with the X-Store-Id header", code=AccessError.store_required
        )
    member, store = found[0]
    if member.status != "active":
        raise Forbidden("Your access to this store has been deactivated", code=AccessError.member_inactive)
    return StoreContext(member=member, store=store)
