"""Where a webhook may point: http(s) URLs whose host is on the public internet.

A store's webhook is a request our servers make to a URL the store chose, so an unchecked URL would let a store
probe or call the internal network (SSRF): databases, cloud metadata at 169.254.169.254, admin panels on
localhost. Two checks, both skipped when `settings.webhook_allow_private_targets` is on (development, tests):

- when the endpoint is saved, its host (a literal IP, or every address its name resolves to) must be public
  (`kit.addresses.is_public`: the IANA special-purpose ranges, and the IPv4 address inside NAT64, 6to4, Teredo,
  IPv4-mapped and IPv4-compatible IPv6 addresses);
- when a delivery is sent, the connection itself is made through `GuardedBackend`, which resolves the name,
  refuses the attempt if any address is not public, and connects to the address it checked. A name that resolved
  to a public address when saved and to 127.0.0.1 now (DNS rebinding) is refused, and no second lookup happens
  between the check and the connection. TLS still verifies the certificate against the URL's host name.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import ssl
from collections.abc import Iterable
from functools import cache
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from bosonline.kit.addresses import IPAddress, is_public

MAX_URL_LENGTH = 500


class TargetRefused(Exception):
    """The webhook's host is not allowed (not public, or cannot be resolved)."""


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a webhook endpoint, or None. Syntax only; the address is checked by `check_host`."""
    if len(url) > MAX_URL_LENGTH:
        return f"must be at most {MAX_URL_LENGTH} characters"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return "must not contain spaces or control characters"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a port out of range or not a number
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        return "is not a valid URL"
    if parts.scheme.lower() not in ("http", "https"):
        return "must be an http:// or https:// URL"
    if "@" in parts.netloc:
        return "must not contain credentials (user:password@)"
    if not parts.hostname:
        return "must name a host"
    if parts.fragment or url.endswith("#"):
        return "must not contain a #fragment"
    return None


def host_and_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    assert parts.hostname
    return parts.hostname, parts.port or (443 if parts.scheme.lower() == "https" else 80)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


async def resolve(host: str, port: int, *, timeout: float) -> list[IPAddress]:
    """The addresses of `host` (itself when it is an IP literal), in the resolver's order, without repeats."""
    literal = _literal(host)
    if literal is not None:
        return [literal]
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(timeout):
            infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except TimeoutError as exc:
        raise TargetRefused(f"resolving {host} timed out") from exc
    except (OSError, UnicodeError) as exc:
        raise TargetRefused(f"{host} does not resolve") from exc
    found: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])  # drop an IPv6 zone id
        if address not in found:
            found.append(address)
    if not found:
        raise TargetRefused(f"{host} does not resolve")
    return found


async def check_host(host: str, port: int, *, timeout: float) -> list[IPAddress]:
    """The addresses of `host`, all public; TargetRefused otherwise."""
    addresses = await resolve(host, port, timeout=timeout)
    refused = [address for address in addresses if not is_public(address)]
    if refused:
        what = "is" if _literal(host) is not None else f"resolves to {refused[0]}, which is"
        raise TargetRefused(
            f"{host} {what} not a public internet address (private, loopback, link-local, reserved or multicast)"
        )
    return addresses


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """httpcore network backend that only connects to public addresses, and to the very address it checked."""

    def __init__(self, *, resolve_timeout: float) -> None:
        self._inner = httpcore.AnyIOBackend()
        self._resolve_timeout = resolve_timeout

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        addresses = await check_host(host, port, timeout=self._resolve_timeout)
        error: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(str(address), port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise TargetRefused("unix sockets are not webhook targets")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport, with its connection pool built on `GuardedBackend` (httpx takes no network backend
    argument, so the pool it built is replaced before any connection is opened). No proxy: a proxy would be the
    one connecting, past the check."""

    def __init__(self, *, limits: httpx.Limits, resolve_timeout: float) -> None:
        super().__init__(verify=ssl_context(), trust_env=False, limits=limits)
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(resolve_timeout=resolve_timeout),
        )


@cache
def ssl_context() -> ssl.SSLContext:
    """Certificate verification against certifi's CA bundle, loaded once per process (it takes tens of ms)."""
    return httpx.create_ssl_context(trust_env=False)


def transport(*, allow_private: bool, max_connections: int, resolve_timeout: float) -> httpx.AsyncHTTPTransport:
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    if allow_private:
        return httpx.AsyncHTTPTransport(verify=ssl_context(), trust_env=False, limits=limits)
    return GuardedTransport(limits=limits, resolve_timeout=resolve_timeout)
