"""Which store a request acts in: the one named by X-Store-Id, or the caller's only store."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import BadRequest, Forbidden, NotFound
from bosonline.store.errors import StoreError
from bosonline.store.repository import StoreRepository
from bosonline.tenancy import StoreContext


async def resolve_store_context(session: AsyncSession, user_id: int, store_id: int | None) -> StoreContext:
    repo = StoreRepository(session)
    if store_id is not None:
        found = await repo.membership(user_id, store_id)
        if found is None:
            # The same answer whether the store exists or not: ids of other sellers' stores reveal nothing.
            raise Forbidden("You are not a member of this store", code=StoreError.not_a_member)
        member, store = found
    else:
        memberships = await repo.memberships(user_id, limit=2)
        if not memberships:
            raise NotFound("You have no store yet; create one with POST /store", code=StoreError.no_store)
        if len(memberships) > 1:
            raise BadRequest(
                "You belong to several stores; name one with the X-Store-Id header", code=StoreError.store_required
            )
        member, store = memberships[0]
    if member.status != "active":
        raise Forbidden("Your access to this store has been deactivated", code=StoreError.member_inactive)
    return StoreContext(member=member, store=store)
