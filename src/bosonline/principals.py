"""Who a request acts as, below every domain (deps.py and the entry points use it): the caller (`Client`), the
user and login session an access token names, and which store the request acts in: the one named by X-Store-Id, or
the caller's only store."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import AccessError, BadRequest, Forbidden, NotFound
from bosonline.models import AuthSession, Store, StoreMember, User
from bosonline.tenancy import StoreContext


@dataclass(frozen=True)
class Client:
    ip: str
    user_agent: str | None


class PrincipalRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def principal(self, user_id: int, session_id: str) -> tuple[User, AuthSession] | None:
        """The user and the login session an access token names, in one query."""
        row = (
            await self.session.execute(
                select(User, AuthSession)
                .join(AuthSession, AuthSession.user_id == User.id)
                .where(User.id == user_id, AuthSession.id == session_id)
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def membership(self, user_id: int, store_id: int) -> tuple[StoreMember, Store] | None:
        row = (
            await self.session.execute(
                select(StoreMember, Store)
                .join(Store, Store.id == StoreMember.store_id)
                .where(
                    StoreMember.user_id == user_id,
                    StoreMember.store_id == store_id,
                    StoreMember.removed_at.is_(None),
                    Store.status == "active",
                )
            )
        ).first()
        return None if row is None else (row[0], row[1])

    async def memberships(self, user_id: int, *, limit: int) -> list[tuple[StoreMember, Store]]:
        rows = await self.session.execute(
            select(StoreMember, Store)
            .join(Store, Store.id == StoreMember.store_id)
            .where(StoreMember.user_id == user_id, StoreMember.removed_at.is_(None), Store.status == "active")
            .order_by(Store.id)
            .limit(limit)
        )
        return [(member, store) for member, store in rows.all()]


async def resolve_store_context(session: AsyncSession, user_id: int, store_id: int | None) -> StoreContext:
    repo = PrincipalRepository(session)
    if store_id is not None:
        found = await repo.membership(user_id, store_id)
        if found is None:
            # The same answer whether the store exists or not: ids of other sellers' stores reveal nothing.
            raise Forbidden("You are not a member of this store", code=AccessError.not_a_member)
        member, store = found
    else:
        memberships = await repo.memberships(user_id, limit=2)
        if not memberships:
            raise NotFound("You have no store yet; create one with POST /store", code=AccessError.no_store)
        if len(memberships) > 1:
            raise BadRequest(
                "You belong to several stores; name one with the X-Store-Id header", code=AccessError.store_required
            )
        member, store = memberships[0]
    if member.status != "active":
        raise Forbidden("Your access to this store has been deactivated", code=AccessError.member_inactive)
    return StoreContext(member=member, store=store)
