"""kit.ratelimit.client_key: what a per-address rate limit counts a client as."""

from __future__ import annotations

import pytest

from bosonline.kit.ratelimit import client_key


@pytest.mark.parametrize(
    ("address", "key"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
        ("2001:DB8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:198.51.100.9", "198.51.100.9"),
        ("::1", "::/64"),
        ("testclient", "testclient"),
    ],
)
def test_client_key(address: str, key: str) -> None:
    assert client_key(address) == key
