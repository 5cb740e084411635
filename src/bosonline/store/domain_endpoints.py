"""HTTP routes of custom domains (seed group Store: Custom Domain) and the reverse proxy's TLS `ask` hook."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, status

from bosonline.deps import DbDep, RuntimeDep, store_service
from bosonline.errors import CommonError, NotFound, error_responses
from bosonline.kit.fields import OneLineText, path_id
from bosonline.kit.schemas import DeletedOut, Envelope, ListEnvelope
from bosonline.permissions import Permission
from bosonline.routing import api_router
from bosonline.store.domain_names import MAX_HOST
from bosonline.store.domain_schemas import DefaultHostIn, DefaultHostOut, DomainIn, DomainOut, TlsAskOut, VerifyOut
from bosonline.store.domain_service import DomainService, tls_allowed
from bosonline.store.errors import StoreError

router = api_router(prefix="/store/domain", tags=["Store"])
tls_router = api_router(prefix="/internal/tls", tags=["Store"])

DomainId = Annotated[int, path_id("Custom domain id in this store.")]
Reader = Annotated[DomainService, store_service(DomainService, Permission.store_read)]
Writer = Annotated[DomainService, store_service(DomainService, Permission.store_write)]


@router.get("", summary="Subdomain: the store's custom domains")
async def list_domains(service: Reader) -> ListEnvelope[DomainOut]:
    """The store's custom domains (at most 5, one page), oldest first, with their status and the DNS records
    they need."""
    return ListEnvelope.whole(await service.list())


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create Subdomain: register a custom domain",
    responses=error_responses(
        StoreError.domain_exists, StoreError.domain_taken, StoreError.domain_limit, StoreError.custom_domains_off
    ),
)
async def create_domain(body: DomainIn, service: Writer) -> Envelope[DomainOut]:
    """Registers a host (`pending`) and answers the DNS records to create at the domain's DNS provider: a CNAME of
    the host to the platform's target, and a TXT record `_bosonline-verify.<host>` with the domain's token. 422
    for something that is not a domain name (an IP address, the platform's own domain), 409 for a host another
    store has active. Owners and admins."""
    return Envelope(data=await service.create(body))


@router.post(
    "/{domain_id:int}/verify",
    summary="Verifikasi Subdomain: look up the DNS records",
    responses=error_responses(StoreError.domain_taken, StoreError.custom_domains_off),
)
async def verify_domain(domain_id: DomainId, service: Writer, db: DbDep) -> Envelope[VerifyOut]:
    """Looks the records up; when both are there, the domain becomes `active` and the store's buyer pages answer on
    it. Records not there yet (NXDOMAIN, a missing or different record, DNS not answering in time) are a 200 with
    `verified: false` and `reason`, the domain staying as it was. An active domain stays active whatever the
    lookup finds. Owners and admins."""
    asked = await service.to_verify(domain_id)
    await db.commit()  # nothing written yet: no lock (SQLite's write lock) or connection is held while DNS answers
    check = await service.lookup(asked)
    return Envelope(data=await service.record(asked, check))


@router.put(
    "/default",
    summary="Set Default Subdomain: the host public links use",
    responses=error_responses(StoreError.domain_not_active),
)
async def set_default_host(body: DefaultHostIn, service: Writer) -> Envelope[DefaultHostOut]:
    """`domain_id` of an active custom domain: form links (API answers, follow-up messages) use it from now on;
    `null`: the platform subdomain again. Owners and admins."""
    return Envelope(data=await service.set_default(body.domain_id))


@router.delete("/{domain_id:int}", summary="Delete a custom domain")
async def delete_domain(domain_id: DomainId, service: Writer) -> Envelope[DeletedOut]:
    """Removes the domain: its host stops serving the store's pages (other server processes within a minute),
    and public links that used it go back to the platform subdomain. Owners and admins."""
    await service.delete(domain_id)
    return Envelope(data=DeletedOut(id=domain_id))


@tls_router.get(
    "/ask",
    summary="May the reverse proxy get a TLS certificate for this host?",
    responses=error_responses(CommonError.not_found),
)
async def tls_ask(
    db: DbDep,
    runtime: RuntimeDep,
    domain: Annotated[OneLineText, Query(min_length=1, max_length=MAX_HOST, description="The host (Caddy's `ask`).")],
) -> Envelope[TlsAskOut]:
    """Caddy's on-demand TLS `ask` hook: 200 for the platform's own hosts, an active store's subdomain and an
    active custom domain; 404 for anything else, so that nobody can make the proxy ask a certificate authority for
    made-up names. No token: the answer tells only what DNS already shows."""
    if not await tls_allowed(db, runtime.settings, domain):
        raise NotFound(f"{domain} is not served here")
    return Envelope(data=TlsAskOut(domain=domain))
