"""Whether a custom domain's DNS records are in place: the TXT token under `_bosonline-verify.<host>`, and the host
pointing at the platform (a CNAME to the target, or, where a CNAME cannot be, at an apex, the same A/AAAA addresses
as the target). Asked with dnspython's resolver, which may be pointed at given nameservers and port (settings):
tests run a DNS server of their own on 127.0.0.1. No lookup waits longer than `dns_timeout_seconds`; a timeout,
NXDOMAIN or a missing record is an answer ("not yet"), never an exception."""

from __future__ import annotations

from dataclasses import dataclass

import dns.asyncresolver
import dns.exception
import dns.resolver

from bosonline.config import Settings
from bosonline.store.domain_names import verify_name

ADDRESS_TYPES = ("A", "AAAA")


@dataclass(frozen=True)
class DnsCheck:
    txt_found: bool
    points_at_target: bool
    reason: str | None  # None: verified

    @property
    def verified(self) -> bool:
        return self.reason is None


class LookupFailed(Exception):
    """A lookup that found no answer; its text is what the seller reads."""


def resolver_for(settings: Settings) -> dns.asyncresolver.Resolver:
    nameservers = settings.effective_dns_nameservers
    try:
        resolver = dns.asyncresolver.Resolver(configure=not nameservers)
    except dns.resolver.NoResolverConfiguration:
        resolver = dns.asyncresolver.Resolver(configure=False)
    if nameservers:
        resolver.nameservers = nameservers
        resolver.port = settings.dns_port
    resolver.timeout = resolver.lifetime = settings.dns_timeout_seconds
    resolver.cache = None  # every verification asks again: the seller has just changed the records
    return resolver


async def _answers(resolver: dns.asyncresolver.Resolver, name: str, kind: str) -> list[str]:
    """The records of `kind` at `name` as text (TXT: the joined strings; names: lowercase, no final dot); an
    empty list when the name exists without such records."""
    try:
        answer = await resolver.resolve(name, kind, raise_on_no_answer=False)
    except dns.resolver.NXDOMAIN:
        raise LookupFailed(f"{name} does not exist in DNS (yet)") from None
    except dns.exception.Timeout:
        raise LookupFailed(f"DNS did not answer for {name} in time; try again in a few minutes") from None
    except dns.resolver.NoNameservers:
        raise LookupFailed(f"no DNS server could answer for {name}; try again in a few minutes") from None
    except dns.exception.DNSException as exc:
        raise LookupFailed(f"DNS lookup of {name} failed ({type(exc).__name__})") from None
    if answer.rrset is None:
        return []
    if kind == "TXT":
        return [b"".join(record.strings).decode("utf-8", "replace") for record in answer.rrset]
    if kind == "CNAME":
        return [record.target.to_text(omit_final_dot=True).lower() for record in answer.rrset]
    return [record.to_text() for record in answer.rrset]


async def _addresses(resolver: dns.asyncresolver.Resolver, name: str) -> set[str]:
    found: set[str] = set()
    for kind in ADDRESS_TYPES:
        found.update(await _answers(resolver, name, kind))
    return found


async def check_records(settings: Settings, host: str, token: str, target: str) -> DnsCheck:
    """The TXT token first (one lookup when it is missing), then where the host points."""
    resolver = resolver_for(settings)
    txt_name = verify_name(host)
    try:
        if token not in await _answers(resolver, txt_name, "TXT"):
            return DnsCheck(False, False, f"no TXT record {txt_name} with the value {token} yet")
    except LookupFailed as exc:
        return DnsCheck(False, False, str(exc))
    try:
        if target in await _answers(resolver, host, "CNAME"):
            return DnsCheck(True, True, None)
        mine, theirs = await _addresses(resolver, host), await _addresses(resolver, target)
    except LookupFailed as exc:
        return DnsCheck(True, False, str(exc))
    if mine and theirs and mine <= theirs:
        return DnsCheck(True, True, None)
    return DnsCheck(True, False, f"{host} is not a CNAME to {target} (nor has the same A/AAAA addresses)")
