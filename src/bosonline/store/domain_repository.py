"""All SQL of custom domains: the store's own (scoped), and the host → store lookups of public pages and the TLS
`ask` hook, which have no StoreContext."""

from __future__ import annotations

from sqlalchemy import bindparam, delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bosonline.models import Store, StoreDomain
from bosonline.models.store import STORE_IS_OPEN
from bosonline.tenancy import RowRepository

# Built once (as principals.py's statements): the public pages' lookup, on a cache miss only (domain_hosts.py).
_ACTIVE_SUBDOMAIN = (
    select(Store.subdomain)
    .join(StoreDomain, StoreDomain.store_id == Store.id)
    .where(StoreDomain.host == bindparam("host"), StoreDomain.status == "active", STORE_IS_OPEN)
)
_TLS_HOST = select(
    exists().where(StoreDomain.host == bindparam("host"), StoreDomain.status == "active")
    | exists().where(Store.subdomain == bindparam("subdomain"), STORE_IS_OPEN)
)


async def subdomain_of_active_host(session: AsyncSession, host: str) -> str | None:
    """The subdomain of the active store whose active custom domain `host` is, or None."""
    return await session.scalar(_ACTIVE_SUBDOMAIN, {"host": host})


async def serves_tls_host(session: AsyncSession, host: str, subdomain: str | None) -> bool:
    """Whether `host` is an active custom domain, or `subdomain` (of the shop domain) an active store's."""
    return bool(await session.scalar(_TLS_HOST, {"host": host, "subdomain": subdomain or ""}))


async def release_domains(session: AsyncSession, store_ids: list[int]) -> None:
    """Deletes the custom domains of closed stores, so that their hosts are free for others."""
    if store_ids:
        await session.execute(delete(StoreDomain).where(StoreDomain.store_id.in_(store_ids)))


class DomainRepository(RowRepository[StoreDomain]):
    model = StoreDomain

    async def list(self) -> list[StoreDomain]:
        return list(await self.session.scalars(self.rows().order_by(StoreDomain.id)))

    async def registered(self, host: str) -> bool:
        """Whether this store has `host` already."""
        stmt = self.rows().with_only_columns(StoreDomain.id).where(StoreDomain.host == host)
        return (await self.session.scalar(stmt.limit(1))) is not None

    async def active_elsewhere(self, host: str) -> bool:
        """Whether another store holds `host` active."""
        stmt = select(StoreDomain.id).where(
            StoreDomain.host == host, StoreDomain.status == "active", StoreDomain.store_id != self.ctx.store_id
        )
        return (await self.session.scalar(stmt.limit(1))) is not None

    async def active_host(self, host: str) -> StoreDomain | None:
        stmt = self.rows().where(StoreDomain.host == host, StoreDomain.status == "active")
        return await self.session.scalar(stmt)

    async def set_public_host(self, host: str | None) -> None:
        await self.session.execute(update(Store).where(Store.id == self.ctx.store_id).values(public_host=host))
        set_committed_value(self.ctx.store, "public_host", host)  # what this request shows, without a 2nd UPDATE

    async def remove(self, domain: StoreDomain) -> None:
        await self.session.execute(
            delete(StoreDomain).where(StoreDomain.store_id == self.ctx.store_id, StoreDomain.id == domain.id)
        )
