"""Which IP addresses are on the public internet, for anything that connects to a URL a user chose (SSRF).

Not Python's `is_global`: its tables change between Python releases (3.11 counts 64:ff9b::/96, 2002::/16 and
::a.b.c.d as global) and it does not look inside IPv6 addresses that carry an IPv4 address. Here the ranges are
written out, and an IPv6 address that embeds an IPv4 address is judged by the IPv4 address(es) inside it.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

IPAddress = IPv4Address | IPv6Address

# Every range of the IANA IPv4 Special-Purpose Address Registry
# (https://www.iana.org/assignments/iana-ipv4-special-registry, RFC 6890 and its updates), plus multicast from the
# IPv4 Multicast Address Space Registry. A few entries are globally reachable (192.0.0.9, 192.0.0.10, AS112, AMT):
# no webhook receiver lives there, so the whole registry is refused.
SPECIAL_IPV4: tuple[IPv4Network, ...] = tuple(
    IPv4Network(net)
    for net in (
        "0.0.0.0/8",  # "this network" (RFC 791)
        "10.0.0.0/8",  # private (RFC 1918)
        "100.64.0.0/10",  # shared address space, carrier-grade NAT (RFC 6598)
        "127.0.0.0/8",  # loopback (RFC 1122)
        "169.254.0.0/16",  # link-local, cloud metadata at 169.254.169.254 (RFC 3927)
        "172.16.0.0/12",  # private (RFC 1918)
        "192.0.0.0/24",  # IETF protocol assignments, DS-Lite, NAT64 discovery (RFC 6890, 7600, 8880)
        "192.0.2.0/24",  # documentation TEST-NET-1 (RFC 5737)
        "192.31.196.0/24",  # AS112-v4 (RFC 7535)
        "192.52.193.0/24",  # AMT (RFC 7450)
        "192.88.99.0/24",  # deprecated 6to4 relay anycast (RFC 7526)
        "192.168.0.0/16",  # private (RFC 1918)
        "192.175.48.0/24",  # direct delegation AS112 service (RFC 7534)
        "198.18.0.0/15",  # benchmarking (RFC 2544)
        "198.51.100.0/24",  # documentation TEST-NET-2 (RFC 5737)
        "203.0.113.0/24",  # documentation TEST-NET-3 (RFC 5737)
        "224.0.0.0/4",  # multicast (RFC 5771)
        "240.0.0.0/4",  # reserved (RFC 1112)
        "255.255.255.255/32",  # limited broadcast (RFC 919)
    )
)

# The IANA IPv6 Special-Purpose Address Registry (https://www.iana.org/assignments/iana-ipv6-special-registry),
# plus multicast (IPv6 Multicast Address Space Registry). The ranges that embed an IPv4 address (see embedded_ipv4)
# are not here: they are judged by the address inside.
SPECIAL_IPV6: tuple[IPv6Network, ...] = tuple(
    IPv6Network(net)
    for net in (
        "::/128",  # unspecified (RFC 4291); with ::1, also inside ::/96, judged as 0.0.0.0/8 there
        "::1/128",  # loopback (RFC 4291)
        "64:ff9b:1::/48",  # local-use IPv4/IPv6 translation (RFC 8215)
        "100::/64",  # discard-only (RFC 6666)
        "100:0:0:1::/64",  # dummy IPv6 prefix (RFC 9780)
        "2001::/23",  # IETF protocol assignments (RFC 2928); Teredo (2001::/32) is unwrapped first
        "2001:db8::/32",  # documentation (RFC 3849)
        "3fff::/20",  # documentation (RFC 9637)
        "5f00::/16",  # segment routing SIDs (RFC 9602)
        "fc00::/7",  # unique local (RFC 4193)
        "fe80::/10",  # link-local unicast (RFC 4291)
        "fec0::/10",  # deprecated site-local (RFC 3879)
        "ff00::/8",  # multicast (RFC 4291)
    )
)

# Only 2000::/3 is allocated as global unicast (IANA IPv6 Address Space registry); the rest is reserved.
GLOBAL_UNICAST = IPv6Network("2000::/3")

IPV4_MAPPED = IPv6Network("::ffff:0:0/96")  # ::ffff:a.b.c.d (RFC 4291)
IPV4_COMPATIBLE = IPv6Network("::/96")  # ::a.b.c.d, deprecated (RFC 4291)
NAT64 = IPv6Network("64:ff9b::/96")  # well-known NAT64 prefix: 64:ff9b::a.b.c.d (RFC 6052)
SIX_TO_FOUR = IPv6Network("2002::/16")  # 6to4: 2002:AABB:CCDD::/48 carries a.b.c.d (RFC 3056)
TEREDO = IPv6Network("2001::/32")  # Teredo: server IPv4 in bits 32-63, client IPv4 inverted in the last 32 (RFC 4380)


def embedded_ipv4(address: IPv6Address) -> list[IPv4Address] | None:
    """The IPv4 address(es) an IPv6 address carries (Teredo: its server and its client), or None if it carries none."""
    if address in IPV4_MAPPED or address in IPV4_COMPATIBLE or address in NAT64:
        return [IPv4Address(int(address) & 0xFFFFFFFF)]
    if address in SIX_TO_FOUR:
        assert address.sixtofour is not None
        return [address.sixtofour]
    if address in TEREDO:
        assert address.teredo is not None
        return list(address.teredo)
    return None


def is_public(address: IPAddress) -> bool:
    """Whether a connection to `address` reaches the public internet: not in a special-purpose range, and, for an
    IPv6 address carrying an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo), every IPv4 address inside is
    public too."""
    if isinstance(address, IPv4Address):
        return not any(address in net for net in SPECIAL_IPV4)
    inside = embedded_ipv4(address)
    if inside is not None:
        return all(is_public(ipv4) for ipv4 in inside)
    return address in GLOBAL_UNICAST and not any(address in net for net in SPECIAL_IPV6)
