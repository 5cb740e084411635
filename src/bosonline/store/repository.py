"""All SQL of stores, their settings and memberships."""

from __future__ import annotations

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.kit.pagination import Page, PageParams, keyset_page
from bosonline.models import Order, Store, StoreMember, StoreSettings
from bosonline.models.order import OPEN_ORDER_STATUSES
from bosonline.models.store import STORE_IS_OPEN

# Built once, at import (as principals.py's statements): `session.get` builds and keys its statement on every call,
# a tenth of GET /store's CPU (issue 15).
_SETTINGS_OF = select(StoreSettings).where(StoreSettings.store_id == bindparam("store_id"))


class StoreRepository:
    """Stores as seen by one user: every read is limited to stores the user is a member of."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def stores_page(self, user_id: int, params: PageParams) -> Page[Store]:
        stmt = (
            select(Store)
            .join(StoreMember, StoreMember.store_id == Store.id)
            .where(StoreMember.user_id == user_id, StoreMember.removed_at.is_(None), STORE_IS_OPEN)
        )
        return await keyset_page(self.session, stmt, [Store.id], params)

    async def count_stores(self, user_id: int) -> int:
        return int(
            await self.session.scalar(
                select(func.count())
                .select_from(StoreMember)
                .join(Store, Store.id == StoreMember.store_id)
                .where(StoreMember.user_id == user_id, StoreMember.removed_at.is_(None), STORE_IS_OPEN)
            )
            or 0
        )

    async def roles_in(self, user_id: int, store_ids: list[int]) -> dict[int, StoreMember]:
        if not store_ids:
            return {}
        rows = await self.session.scalars(
            select(StoreMember).where(
                StoreMember.user_id == user_id,
                StoreMember.store_id.in_(store_ids),
                StoreMember.removed_at.is_(None),
            )
        )
        return {member.store_id: member for member in rows}

    async def owned_active_count(self, owner_id: int) -> int:
        return int(
            await self.session.scalar(select(func.count()).where(Store.owner_id == owner_id, STORE_IS_OPEN)) or 0
        )

    async def owned_active(self, owner_id: int) -> list[Store]:
        return list(
            await self.session.scalars(
                select(Store).where(Store.owner_id == owner_id, STORE_IS_OPEN).order_by(Store.id)
            )
        )

    async def names_of_owned_stores_with_others(self, owner_id: int) -> list[str]:
        """Active stores of `owner_id` in which anyone else is still a member (one query)."""
        others = (
            select(StoreMember.id)
            .where(
                StoreMember.store_id == Store.id,
                StoreMember.user_id != owner_id,
                StoreMember.removed_at.is_(None),
            )
            .exists()
        )
        return list(
            await self.session.scalars(
                select(Store.name).where(Store.owner_id == owner_id, STORE_IS_OPEN, others).order_by(Store.id)
            )
        )

    async def owned_stores_with_open_orders(self, owner_id: int) -> list[tuple[str, int]]:
        """(store name, open orders) for the active stores of `owner_id` that buyers still wait on."""
        rows = await self.session.execute(
            select(Store.name, func.count(Order.id))
            .join(Order, Order.store_id == Store.id)
            .where(Store.owner_id == owner_id, STORE_IS_OPEN, Order.status.in_(OPEN_ORDER_STATUSES))
            .group_by(Store.id, Store.name)
            .order_by(Store.id)
        )
        return [(name, int(open_orders)) for name, open_orders in rows]

    async def subdomain_taken(self, subdomain: str, *, except_store_id: int | None = None) -> bool:
        stmt = select(Store.id).where(Store.subdomain == subdomain)
        if except_store_id is not None:
            stmt = stmt.where(Store.id != except_store_id)
        return (await self.session.scalar(stmt.limit(1))) is not None

    async def add(self, store: Store, settings: StoreSettings, owner: StoreMember) -> Store:
        self.session.add(store)
        await self.session.flush()
        settings.store_id = store.id
        owner.store_id = store.id
        self.session.add_all([settings, owner])
        await self.session.flush()
        return store

    async def settings_of(self, store_id: int) -> StoreSettings:
        settings = await self.session.scalar(_SETTINGS_OF, {"store_id": store_id})
        assert settings is not None, "every store is created with its settings row"
        return settings

    async def user_memberships_all(self, user_id: int) -> list[StoreMember]:
        return list(
            await self.session.scalars(
                select(StoreMember).where(StoreMember.user_id == user_id, StoreMember.removed_at.is_(None))
            )
        )
