"""Helpers of the custom-domain tests: register, put the records in DNS, verify."""

from __future__ import annotations

from typing import Any

import httpx

from tests.dns_server import DnsServer
from tests.envelope import assert_data
from tests.store.conftest import TARGET


async def register_domain(client: httpx.AsyncClient, headers: dict[str, str], host: str) -> dict[str, Any]:
    return assert_data(await client.post("/store/domain", json={"host": host}, headers=headers), 201)  # type: ignore[no-any-return]


def publish(dns: DnsServer, domain: dict[str, Any], *, cname: str | None = TARGET) -> None:
    """Creates the records the API asked for (the CNAME pointing at `cname`)."""
    dns.add(f"_bosonline-verify.{domain['host']}", "TXT", domain_token(domain))
    if cname:
        dns.add(domain["host"], "CNAME", cname + ".")


def domain_token(domain: dict[str, Any]) -> str:
    return next(record["value"] for record in domain["records"] if record["type"] == "TXT")  # type: ignore[no-any-return]


async def verify(client: httpx.AsyncClient, headers: dict[str, str], domain_id: int) -> dict[str, Any]:
    return assert_data(await client.post(f"/store/domain/{domain_id}/verify", headers=headers))  # type: ignore[no-any-return]


async def active_domain(
    client: httpx.AsyncClient, dns: DnsServer, headers: dict[str, str], host: str
) -> dict[str, Any]:
    domain = await register_domain(client, headers, host)
    publish(dns, domain)
    verified = await verify(client, headers, domain["id"])
    assert verified["verified"] is True and verified["status"] == "active", verified
    return verified
