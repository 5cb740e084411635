"""Fixtures of the store tests: a DNS server of their own for custom domains."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bosonline.runtime import Runtime
from tests.dns_server import DnsServer

TARGET = "domains.bosonline.test"
TARGET_ADDRESS = "192.0.2.10"
SHOP_DOMAIN = "bosonline.test"
_SETTINGS = ("custom_domain_target", "dns_nameservers", "dns_port", "dns_timeout_seconds", "shop_domain")


@pytest.fixture
def dns(rt: Runtime) -> Iterator[DnsServer]:
    """A DNS server on 127.0.0.1 that the app verifies custom domains with (a 1 s lookup timeout: generous, for a
    loaded test machine); the platform's CNAME target (A 192.0.2.10) and shop domain are set."""
    saved = {name: getattr(rt.settings, name) for name in _SETTINGS}
    server = DnsServer()
    server.add(TARGET, "A", TARGET_ADDRESS)
    rt.settings.custom_domain_target = TARGET
    rt.settings.dns_nameservers = "127.0.0.1"
    rt.settings.dns_port = server.port
    rt.settings.dns_timeout_seconds = 1.0
    rt.settings.shop_domain = SHOP_DOMAIN
    try:
        with server.running():
            yield server
    finally:
        for name, value in saved.items():
            setattr(rt.settings, name, value)
