"""Custom domains: POST/GET /store/domain, verification against a local DNS server, the default host, delete."""

from __future__ import annotations

import time

import httpx
import idna
import pytest

from bosonline.runtime import Runtime
from tests.dns_server import DnsServer
from tests.envelope import assert_data, assert_error, assert_validation
from tests.factories import seller, staff_headers
from tests.store.conftest import SHOP_DOMAIN, TARGET, TARGET_ADDRESS
from tests.store.domains import active_domain, domain_token, publish, register_domain, verify

HOST = "toko.example.com"


async def test_register_answers_the_records_to_create(client: httpx.AsyncClient, dns: DnsServer) -> None:
    owner = await seller(client)
    domain = await register_domain(client, owner["headers"], " Toko.Example.COM. ")
    token = domain_token(domain)
    assert token.startswith("bos-") and len(token) == 36
    assert domain["host"] == HOST and domain["status"] == "pending" and domain["is_default"] is False
    assert domain["records"] == [
        {"type": "CNAME", "name": HOST, "value": TARGET},
        {"type": "TXT", "name": f"_bosonline-verify.{HOST}", "value": token},
    ]
    assert (domain["verified_at"], domain["checked_at"], domain["reason"]) == (None, None, None)
    listed = assert_data(await client.get("/store/domain", headers=owner["headers"]))
    assert listed == [domain]
    unicode = await register_domain(client, owner["headers"], "Tokó.Example.com")
    assert unicode["host"] == idna.encode("tokó.example.com", uts46=True).decode() == "xn--tok-ina.example.com"


BAD_HOSTS = [
    "192.0.2.1",
    "2001:db8::1",
    "[::1]",
    "localhost",
    "toko..example.com",
    "-toko.example.com",
    "toko-.example.com",
    "toko_ku.example.com",
    "toko ku.example.com",
    "*.example.com",
    "https://toko.example.com",
    "toko.example.com/f/promo",
    "toko.example.com:8443",
    "a" * 64 + ".example.com",
    ("a" * 62 + ".") * 4 + "com",  # 255 characters
    "ó" * 60 + ".example.com",  # a label over 63 characters once IDNA-encoded
    "example.123",
    SHOP_DOMAIN,
    f"toko.{SHOP_DOMAIN}",
    f"a.b.{SHOP_DOMAIN}",
    TARGET,
    "toko\x00.example.com",
]


@pytest.mark.parametrize("host", BAD_HOSTS)
async def test_not_a_custom_domain(client: httpx.AsyncClient, dns: DnsServer, host: str) -> None:
    owner = await seller(client)
    response = await client.post("/store/domain", json={"host": host}, headers=owner["headers"])
    assert_validation(response, "host", case=host)
    assert assert_data(await client.get("/store/domain", headers=owner["headers"])) == []


async def test_the_public_origin_host_is_refused(client: httpx.AsyncClient, rt: Runtime, dns: DnsServer) -> None:
    owner = await seller(client)
    saved, rt.settings.public_base_url = rt.settings.public_base_url, "https://shop.example.net"
    try:
        response = await client.post("/store/domain", json={"host": "Shop.Example.net"}, headers=owner["headers"])
        assert_validation(response, "host")
        assert "platform" in response.json()["error"]["fields"]["host"]
    finally:
        rt.settings.public_base_url = saved


async def test_conflicts_and_limit(client: httpx.AsyncClient, dns: DnsServer) -> None:
    first, second = await seller(client), await seller(client)
    await register_domain(client, first["headers"], HOST)
    again = await client.post("/store/domain", json={"host": "TOKO.example.com"}, headers=first["headers"])
    assert_error(again, 409, "domain_exists", fields=["host"])
    # While pending, another store may claim the host too: whoever proves control of its DNS first gets it.
    rival = await register_domain(client, second["headers"], HOST)
    await active_domain(client, dns, first["headers"], "shop.example.org")
    taken = await client.post("/store/domain", json={"host": "shop.example.org"}, headers=second["headers"])
    assert_error(taken, 409, "domain_taken", fields=["host"])
    for n in range(3):
        await register_domain(client, first["headers"], f"toko{n}.example.com")
    over = await client.post("/store/domain", json={"host": "toko9.example.com"}, headers=first["headers"])
    assert_error(over, 409, "domain_limit")
    assert rival["status"] == "pending"


async def test_without_a_target_custom_domains_are_off(client: httpx.AsyncClient, rt: Runtime, dns: DnsServer) -> None:
    owner = await seller(client)
    domain = await register_domain(client, owner["headers"], HOST)
    rt.settings.custom_domain_target = None
    response = await client.post("/store/domain", json={"host": "other.example.com"}, headers=owner["headers"])
    assert_error(response, 409, "custom_domains_off")
    refused = await client.post(f"/store/domain/{domain['id']}/verify", headers=owner["headers"])
    assert_error(refused, 409, "custom_domains_off")
    listed = assert_data(await client.get("/store/domain", headers=owner["headers"]))
    assert [record["type"] for record in listed[0]["records"]] == ["TXT"]


async def test_verify_step_by_step(client: httpx.AsyncClient, dns: DnsServer) -> None:
    owner = await seller(client)
    domain = await register_domain(client, owner["headers"], HOST)
    nothing = await verify(client, owner["headers"], domain["id"])
    assert (nothing["verified"], nothing["status"], nothing["txt_found"]) == (False, "pending", False)
    assert f"_bosonline-verify.{HOST}" in nothing["reason"] and nothing["checked_at"] is not None

    dns.add(f"_bosonline-verify.{HOST}", "TXT", "bos-someone-elses-token")
    wrong = await verify(client, owner["headers"], domain["id"])
    assert (wrong["verified"], wrong["txt_found"]) == (False, False)

    publish(dns, domain, cname=None)
    no_cname = await verify(client, owner["headers"], domain["id"])
    assert (no_cname["verified"], no_cname["txt_found"], no_cname["points_at_target"]) == (False, True, False)
    assert no_cname["status"] == "pending" and HOST in no_cname["reason"]

    dns.add(HOST, "CNAME", "elsewhere.example.net.")
    dns.add("elsewhere.example.net", "A", "198.51.100.1")
    elsewhere = await verify(client, owner["headers"], domain["id"])
    assert (elsewhere["verified"], elsewhere["points_at_target"]) == (False, False)
    assert TARGET in elsewhere["reason"]

    dns.records[(HOST, "CNAME")] = [TARGET + "."]
    done = await verify(client, owner["headers"], domain["id"])
    assert (done["verified"], done["status"], done["reason"]) == (True, "active", None)
    assert done["verified_at"] is not None and done["points_at_target"] is True
    listed = assert_data(await client.get("/store/domain", headers=owner["headers"]))
    assert (listed[0]["status"], listed[0]["reason"]) == ("active", None)

    # Records gone later: the check says so, the domain stays active.
    dns.records.clear()
    gone = await verify(client, owner["headers"], domain["id"])
    assert (gone["verified"], gone["status"]) == (False, "active") and gone["reason"]


async def test_an_apex_verifies_by_its_addresses(client: httpx.AsyncClient, dns: DnsServer) -> None:
    owner = await seller(client)
    domain = await register_domain(client, owner["headers"], "example.org")
    publish(dns, domain, cname=None)
    dns.add("example.org", "A", "203.0.113.99")
    other = await verify(client, owner["headers"], domain["id"])
    assert (other["verified"], other["status"]) == (False, "pending")
    dns.records[("example.org", "A")] = [TARGET_ADDRESS]
    same = await verify(client, owner["headers"], domain["id"])
    assert (same["verified"], same["status"]) == (True, "active")


async def test_a_dns_timeout_is_not_verified_yet(client: httpx.AsyncClient, dns: DnsServer) -> None:
    owner = await seller(client)
    domain = await register_domain(client, owner["headers"], HOST)
    dns.silent.add(f"_bosonline-verify.{HOST}")
    started = time.monotonic()
    answer = await verify(client, owner["headers"], domain["id"])
    assert time.monotonic() - started < 5  # the 1 s lookup timeout bounds it
    assert (answer["verified"], answer["status"]) == (False, "pending")
    assert answer["reason"].startswith(f"DNS did not answer for _bosonline-verify.{HOST} in time")


async def test_a_dns_server_that_is_not_there(client: httpx.AsyncClient, rt: Runtime, dns: DnsServer) -> None:
    owner = await seller(client)
    domain = await register_domain(client, owner["headers"], HOST)
    rt.settings.dns_port = 9  # nothing listens (discard): refused or silent, either way "not yet"
    answer = await verify(client, owner["headers"], domain["id"])
    assert (answer["verified"], answer["status"]) == (False, "pending") and answer["reason"]


async def test_an_active_host_cannot_be_verified_by_another_store(client: httpx.AsyncClient, dns: DnsServer) -> None:
    first, second = await seller(client), await seller(client)
    mine = await register_domain(client, first["headers"], HOST)
    theirs = await register_domain(client, second["headers"], HOST)
    publish(dns, mine)
    publish(dns, theirs, cname=None)  # both tokens published; the host's CNAME is there once
    assert (await verify(client, first["headers"], mine["id"]))["status"] == "active"
    refused = await client.post(f"/store/domain/{theirs['id']}/verify", headers=second["headers"])
    assert_error(refused, 409, "domain_taken")
    listed = assert_data(await client.get("/store/domain", headers=second["headers"]))
    assert listed[0]["status"] == "pending"


async def test_default_host_and_public_links(client: httpx.AsyncClient, dns: DnsServer) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    subdomain = owner["store"]["subdomain"]
    pending = await register_domain(client, headers, "pending.example.com")
    refused = await client.put("/store/domain/default", json={"domain_id": pending["id"]}, headers=headers)
    assert_error(refused, 409, "domain_not_active")
    domain = await active_domain(client, dns, headers, HOST)
    chosen = assert_data(await client.put("/store/domain/default", json={"domain_id": domain["id"]}, headers=headers))
    assert chosen == {"host": HOST, "form_url_example": f"https://{HOST}/f/promo"}
    listed = {d["host"]: d for d in assert_data(await client.get("/store/domain", headers=headers))}
    assert listed[HOST]["is_default"] is True and listed["pending.example.com"]["is_default"] is False

    back = assert_data(await client.put("/store/domain/default", json={"domain_id": None}, headers=headers))
    assert back == {"host": None, "form_url_example": f"https://{subdomain}.{SHOP_DOMAIN}/f/promo"}
    await client.put("/store/domain/default", json={"domain_id": domain["id"]}, headers=headers)
    deleted = assert_data(await client.delete(f"/store/domain/{domain['id']}", headers=headers))
    assert deleted == {"id": domain["id"], "deleted": True}
    store = assert_data(await client.get("/store", headers=headers))
    assert store["subdomain"] == subdomain
    assert [d["host"] for d in assert_data(await client.get("/store/domain", headers=headers))] == [
        "pending.example.com"
    ]
    unset = await client.put("/store/domain/default", json={"domain_id": domain["id"]}, headers=headers)
    assert_error(unset, 404, "not_found")


async def test_another_stores_domain_is_not_found(client: httpx.AsyncClient, dns: DnsServer) -> None:
    first, second = await seller(client), await seller(client)
    domain = await register_domain(client, first["headers"], HOST)
    for response in [
        await client.post(f"/store/domain/{domain['id']}/verify", headers=second["headers"]),
        await client.delete(f"/store/domain/{domain['id']}", headers=second["headers"]),
        await client.put("/store/domain/default", json={"domain_id": domain["id"]}, headers=second["headers"]),
    ]:
        assert_error(response, 404, "not_found")


async def test_bad_bodies(client: httpx.AsyncClient, dns: DnsServer) -> None:
    owner = await seller(client)
    headers = owner["headers"]
    for body in [{}, {"host": ""}, {"host": 5}, {"host": "a" * 254}, {"host": HOST, "extra": 1}]:
        assert_error(await client.post("/store/domain", json=body, headers=headers), 422, "validation_error")
    for body in [{}, {"domain_id": 0}, {"domain_id": "x"}]:
        assert_error(await client.put("/store/domain/default", json=body, headers=headers), 422, "validation_error")
    assert_error(await client.post("/store/domain/0/verify", headers=headers), 422, "validation_error")


async def test_cs_may_read_but_not_change(client: httpx.AsyncClient, dns: DnsServer) -> None:
    owner = await seller(client)
    domain = await register_domain(client, owner["headers"], HOST)
    cs = await staff_headers(client, owner["headers"], role="cs", email="cs-domains@example.com")
    assert [d["id"] for d in assert_data(await client.get("/store/domain", headers=cs))] == [domain["id"]]
    for response in [
        await client.post("/store/domain", json={"host": "other.example.com"}, headers=cs),
        await client.post(f"/store/domain/{domain['id']}/verify", headers=cs),
        await client.put("/store/domain/default", json={"domain_id": None}, headers=cs),
        await client.delete(f"/store/domain/{domain['id']}", headers=cs),
    ]:
        assert_error(response, 403, "permission_denied")


def test_nameservers_must_be_addresses(rt: Runtime) -> None:
    settings = rt.settings.model_copy()
    assert type(settings)(
        **{**settings.model_dump(), "dns_nameservers": " 127.0.0.1, ::1 "}
    ).effective_dns_nameservers == [
        "127.0.0.1",
        "::1",
    ]
    with pytest.raises(ValueError, match="does not appear to be an IPv4 or IPv6 address"):
        type(settings)(**{**settings.model_dump(), "dns_nameservers": "ns1.example.com"})
