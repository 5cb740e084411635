"""Rules of a store's custom domains: register (valid, not the platform's, not another store's), verify by DNS,
pick the host public links use, delete; and which hosts the reverse proxy may get a certificate for."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.config import Settings
from bosonline.errors import Conflict, ValidationFailed, conflict_for, found
from bosonline.kit.links import public_form_url
from bosonline.kit.schemas import from_row
from bosonline.models import StoreDomain
from bosonline.models.domain import DOMAIN_UNIQUE
from bosonline.store.domain_dns import DnsCheck, check_records
from bosonline.store.domain_hosts import forget_after_commit
from bosonline.store.domain_names import (
    invalid_reason,
    is_platform_host,
    may_be_custom,
    normalize,
    platform_hosts,
    platform_subdomain,
    verify_name,
)
from bosonline.store.domain_repository import DomainRepository, serves_tls_host
from bosonline.store.domain_schemas import DefaultHostOut, DnsRecordOut, DomainIn, DomainOut, VerifyOut
from bosonline.store.errors import StoreError
from bosonline.tenancy import RepositoryService

MAX_DOMAINS = 5
EXAMPLE_SLUG = "promo"


@dataclass(frozen=True)
class ToVerify:
    """What a verification asks DNS about, read before the request's transaction ends (it holds no lock while DNS
    answers)."""

    domain_id: int
    host: str
    token: str
    target: str


def custom_domain_target(settings: Settings) -> str:
    """The CNAME target; 409 `custom_domains_off` when the platform has none."""
    target = (settings.custom_domain_target or "").lower().rstrip(".")
    if not target:
        raise Conflict(
            "Custom domains are not set up on this platform (BOSONLINE_CUSTOM_DOMAIN_TARGET)",
            code=StoreError.custom_domains_off,
        )
    return target


def _taken() -> Conflict:
    return Conflict("Another store uses this domain", code=StoreError.domain_taken, fields={"host": "is taken"})


class DomainService(RepositoryService[DomainRepository]):
    repository = DomainRepository

    async def list(self) -> list[DomainOut]:
        target = (self.rt.settings.custom_domain_target or "").lower().rstrip(".")
        return [self._out(domain, target) for domain in await self.repo.list()]

    async def create(self, data: DomainIn) -> DomainOut:
        target = custom_domain_target(self.rt.settings)
        host = normalize(data.host)
        reason = invalid_reason(host, self.rt.settings)
        if reason:
            raise ValidationFailed(fields={"host": reason})
        await self.repo.lock_store()
        if await self.repo.registered(host):
            raise conflict_for(DOMAIN_UNIQUE)
        if await self.repo.active_elsewhere(host):
            raise _taken()
        if await self.repo.count() >= MAX_DOMAINS:
            raise Conflict(
                f"A store can have at most {MAX_DOMAINS} custom domains: delete one it no longer uses",
                code=StoreError.domain_limit,
            )
        now = self.rt.clock.now()
        domain = StoreDomain(
            host=host, status="pending", token=f"bos-{secrets.token_hex(16)}", created_at=now, updated_at=now
        )
        return self._out(await self.repo.insert(domain), target)

    async def to_verify(self, domain_id: int) -> ToVerify:
        target = custom_domain_target(self.rt.settings)
        domain = found(await self.repo.get(domain_id))
        return ToVerify(domain.id, domain.host, domain.token, target)

    async def lookup(self, asked: ToVerify) -> DnsCheck:
        """Asks DNS (no statement): at most a few lookups, each within `dns_timeout_seconds`."""
        return await check_records(self.rt.settings, asked.host, asked.token, asked.target)

    async def record(self, asked: ToVerify, check: DnsCheck) -> VerifyOut:
        """Keeps what the verification found; activates a pending domain whose records are in place. An active
        domain whose records are gone stays active (a DNS hiccup must not take a shop offline): delete it to stop."""
        domain = found(await self.repo.get(asked.domain_id, for_update=True))
        now = self.rt.clock.now()
        domain.checked_at = domain.updated_at = now
        domain.check_reason = check.reason
        if check.verified and domain.status != "active":
            if await self.repo.active_elsewhere(domain.host):
                raise _taken()
            domain.status, domain.verified_at = "active", now
            forget_after_commit(self.session)
        try:
            await self.session.flush()
        except IntegrityError:  # another store's verification of the same host committed first
            raise _taken() from None
        out = self._out(domain, asked.target)
        return VerifyOut(
            **out.model_dump(),
            verified=check.verified,
            txt_found=check.txt_found,
            points_at_target=check.points_at_target,
        )

    async def set_default(self, domain_id: int | None) -> DefaultHostOut:
        host = None
        if domain_id is not None:
            domain = found(await self.repo.get(domain_id))
            if domain.status != "active":
                raise Conflict(
                    "Verify the domain first: only an active domain can be the default host",
                    code=StoreError.domain_not_active,
                )
            host = domain.host
        await self.repo.set_public_host(host)
        store = self.ctx.store
        return DefaultHostOut(
            host=host, form_url_example=public_form_url(self.rt.settings, store.subdomain, EXAMPLE_SLUG, host=host)
        )

    async def delete(self, domain_id: int) -> None:
        """Removes the domain; public links that used it go back to the platform subdomain."""
        domain = found(await self.repo.get(domain_id, for_update=True))
        if self.ctx.store.public_host == domain.host:
            await self.repo.set_public_host(None)
        await self.repo.remove(domain)
        forget_after_commit(self.session)

    def _out(self, domain: StoreDomain, target: str) -> DomainOut:
        records = [DnsRecordOut(type="TXT", name=verify_name(domain.host), value=domain.token)]
        if target:
            records.insert(0, DnsRecordOut(type="CNAME", name=domain.host, value=target))
        return from_row(
            DomainOut,
            domain,
            is_default=domain.status == "active" and self.ctx.store.public_host == domain.host,
            records=records,
            reason=domain.check_reason,
        )


async def tls_allowed(session: AsyncSession, settings: Settings, raw: str) -> bool:
    """Whether the reverse proxy may get a certificate for `raw`: the platform's own hosts, an active store's
    `<subdomain>.<shop domain>`, an active custom domain. Anything else (a made-up name, an IP) is refused."""
    name = normalize(raw)
    if name in platform_hosts(settings):
        return True
    subdomain = platform_subdomain(name, settings.shop_domain)
    if subdomain is None and (is_platform_host(name, settings) or not may_be_custom(name)):
        return False
    return await serves_tls_host(session, name, subdomain)
