"""Webhook targets in the IANA special-purpose ranges, and IPv6 addresses that carry a non-public IPv4 address
(NAT64, 6to4, Teredo, IPv4-mapped, IPv4-compatible), are refused when saved (literal or resolved) and when the
worker connects. Names are answered by a stand-in for the system resolver (`socket.getaddrinfo`, which the event
loop's `getaddrinfo` calls): the check itself runs as in production."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from bosonline.app import create_app
from bosonline.runtime import Runtime
from bosonline.wiring import AppWorker as Worker
from tests.factories import seller
from tests.webhook.helpers import add_webhook, deliveries, emit, variant
from tests.webhook.receiver import Receiver

# (what it is, the address): each must be refused.
REFUSED = [
    ("NAT64 of 127.0.0.1", "64:ff9b::7f00:1"),
    ("NAT64 of 169.254.169.254", "64:ff9b::a9fe:a9fe"),
    ("local-use NAT64", "64:ff9b:1::a08:808"),
    ("6to4 of 10.0.0.1", "2002:a00:1::1"),
    ("IPv4-compatible 127.0.0.1", "::7f00:1"),
    ("IPv4-mapped 192.168.0.1", "::ffff:c0a8:1"),
    ("Teredo, client 127.0.0.1", "2001:0:4136:e378:8000:63bf:80ff:fffe"),
    ("Teredo, server 10.0.0.1", "2001:0:a00:1:8000:63bf:f7f7:f7f7"),
    ("IETF protocol assignments", "192.0.0.1"),
    ("PCP anycast", "192.0.0.9"),
    ("TEST-NET-1", "192.0.2.10"),
    ("6to4 relay anycast", "192.88.99.1"),
    ("benchmarking", "198.18.0.1"),
    ("TEST-NET-2", "198.51.100.7"),
    ("TEST-NET-3", "203.0.113.7"),
    ("reserved", "240.0.0.1"),
    ("broadcast", "255.255.255.255"),
    ("unspecified", "::"),
    ("discard-only", "100::1"),
    ("documentation", "2001:db8::1"),
    ("unique local", "fd00::1"),
    ("multicast", "ff02::1"),
]
# An embedded public IPv4 address is a public target (a DNS64 network answers every name this way).
ACCEPTED = ["64:ff9b::808:808", "2002:808:808::1", "2001:0:808:808:8000:63bf:f7f7:f7f7", "::ffff:808:808"]


def literal_url(address: str) -> str:
    return f"http://[{address}]/hook" if ":" in address else f"http://{address}/hook"


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, str]]:
    """Names under .example.test resolve to what the test puts in this dict; other names as usual."""
    answers: dict[str, str] = {}
    system = socket.getaddrinfo

    def getaddrinfo(host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name in answers:
            address = answers[name]
            family = socket.AF_INET6 if ":" in address else socket.AF_INET
            sockaddr = (address, int(port or 0), 0, 0) if family == socket.AF_INET6 else (address, int(port or 0))
            return [(family, socket.SOCK_STREAM, socket.IPPROTO_TCP, "", sockaddr)]
        return system(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    yield answers


@pytest.fixture
async def strict_client(rt: Runtime) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(runtime=variant(rt, webhook_allow_private_targets=False)))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_special_purpose_and_embedded_addresses_are_refused_when_saved(
    strict_client: httpx.AsyncClient, dns: dict[str, str]
) -> None:
    owner = await seller(strict_client)
    for number, (what, address) in enumerate(REFUSED):
        dns[f"hook{number}.example.test"] = address
        for url, said in [
            (literal_url(address), "is not a public internet address"),
            (f"https://hook{number}.example.test/hook", f"resolves to {address}, which is not a public"),
        ]:
            refused = await strict_client.post("/store/webhook", json={"url": url}, headers=owner["headers"])
            assert refused.status_code == 422, (what, url, refused.text)
            error = refused.json()["error"]
            assert error["code"] == "validation_error", (what, error)
            assert said in error["fields"]["url"], (what, error)
    for address in ACCEPTED:
        await add_webhook(strict_client, owner["headers"], literal_url(address))


async def test_special_purpose_and_embedded_addresses_are_refused_when_connecting(
    client: httpx.AsyncClient, rt: Runtime, receiver: Receiver, dns: dict[str, str]
) -> None:
    """Saved while the name was public (here: while private targets were allowed); at send time the name resolves
    to the special address, and the strict worker does not connect."""
    owner = await seller(client)
    await add_webhook(client, owner["headers"], f"http://rebound.example.test:{receiver.port}/hook")
    for what, address in REFUSED:
        dns["rebound.example.test"] = address
        await emit(rt, owner["store"]["id"])
        async with Worker(variant(rt, webhook_allow_private_targets=False)) as worker:
            assert await worker.run_once() == 1, what  # the new delivery (the earlier ones wait for their retry)
        row = (await deliveries(rt))[-1]
        assert row.status == "pending" and row.last_error == (
            f"not sent: rebound.example.test resolves to {address}, which is not a public internet address "
            "(private, loopback, link-local, reserved or multicast)"
        ), what
    assert receiver.requests == []
