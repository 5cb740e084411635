"""Buyer pages on a store's active custom domain, the host → store cache, public links, and the TLS `ask` hook."""

from __future__ import annotations

import uuid

import httpx

from bosonline.runtime import Runtime
from tests.checkout.helpers import CheckoutShop, make_checkout_shop, order_body
from tests.dns_server import DnsServer
from tests.envelope import assert_data, assert_error
from tests.querycount import count_queries
from tests.store.conftest import SHOP_DOMAIN, TARGET
from tests.store.domains import active_domain, register_domain

HOST = "toko.example.com"


async def shop_on(client: httpx.AsyncClient, rt: Runtime, dns: DnsServer, host: str = HOST) -> tuple[CheckoutShop, int]:
    shop = await make_checkout_shop(client, rt)
    domain = await active_domain(client, dns, shop.headers, host)
    return shop, domain["id"]


async def form_on(client: httpx.AsyncClient, host: str, slug: str) -> httpx.Response:
    return await client.get(f"/public/form/{slug}", headers={"host": host})


async def test_buyer_pages_answer_on_an_active_domain(client: httpx.AsyncClient, rt: Runtime, dns: DnsServer) -> None:
    shop, _ = await shop_on(client, rt, dns)
    page = assert_data(await form_on(client, "Toko.Example.com:443", shop.slug))
    assert page["store"]["subdomain"] == shop.subdomain
    html = await client.get(f"/f/{shop.slug}", headers={"host": HOST})
    assert html.status_code == 200 and "text/html" in html.headers["content-type"]
    placed = await client.post(
        "/public/checkout",
        json=order_body(shop, store=None),
        headers={"host": HOST, "Idempotency-Key": str(uuid.uuid4())},
    )
    assert placed.status_code == 201, placed.text
    # The platform subdomain keeps working beside it.
    assert_data(await form_on(client, f"{shop.subdomain}.{SHOP_DOMAIN}", shop.slug))


async def test_unknown_pending_and_deleted_hosts_are_not_found(
    client: httpx.AsyncClient, rt: Runtime, dns: DnsServer
) -> None:
    shop, domain_id = await shop_on(client, rt, dns)
    await register_domain(client, shop.headers, "pending.example.com")
    for host in ["pending.example.com", "unknown.example.com", "127.0.0.1", "localhost", f"nope.{SHOP_DOMAIN}"]:
        assert_error(await form_on(client, host, shop.slug), 404, "not_found")
    assert (await client.get(f"/f/{shop.slug}", headers={"host": "unknown.example.com"})).status_code == 404
    assert_data(await form_on(client, HOST, shop.slug))
    assert_data(await client.delete(f"/store/domain/{domain_id}", headers=shop.headers))
    assert_error(await form_on(client, HOST, shop.slug), 404, "not_found")


async def test_a_subdomain_edit_keeps_the_custom_domain(client: httpx.AsyncClient, rt: Runtime, dns: DnsServer) -> None:
    shop, _ = await shop_on(client, rt, dns)
    assert_data(await form_on(client, HOST, shop.slug))  # cached: HOST → the old subdomain
    edited = await client.put("/store/subdomain", json={"subdomain": "toko-baru-sekali"}, headers=shop.headers)
    assert edited.status_code == 200, edited.text
    assert assert_data(await form_on(client, HOST, shop.slug))["store"]["subdomain"] == "toko-baru-sekali"
    assert_error(await form_on(client, f"{shop.subdomain}.{SHOP_DOMAIN}", shop.slug), 404, "not_found")


async def test_the_host_lookup_is_cached(client: httpx.AsyncClient, rt: Runtime, dns: DnsServer) -> None:
    shop, _ = await shop_on(client, rt, dns)
    with count_queries(rt) as cold:
        assert_data(await form_on(client, HOST, shop.slug))
    with count_queries(rt) as warm:
        assert_data(await form_on(client, HOST, shop.slug))
    with count_queries(rt) as platform:
        assert_data(await form_on(client, f"{shop.subdomain}.{SHOP_DOMAIN}", shop.slug))
    assert warm.count == platform.count == cold.count - 1, (cold.statements, warm.statements)


async def test_public_links_use_the_default_host(client: httpx.AsyncClient, rt: Runtime, dns: DnsServer) -> None:
    shop, domain_id = await shop_on(client, rt, dns)
    url = f"/store/form/{shop.form_id}"
    assert assert_data(await client.get(url, headers=shop.headers))["public_url"] == (
        f"https://{shop.subdomain}.{SHOP_DOMAIN}/f/{shop.slug}"
    )
    await client.put("/store/domain/default", json={"domain_id": domain_id}, headers=shop.headers)
    assert assert_data(await client.get(url, headers=shop.headers))["public_url"] == f"https://{HOST}/f/{shop.slug}"


async def ask(client: httpx.AsyncClient, domain: str) -> httpx.Response:
    return await client.get("/internal/tls/ask", params={"domain": domain})


async def test_tls_ask(client: httpx.AsyncClient, rt: Runtime, dns: DnsServer) -> None:
    shop, _ = await shop_on(client, rt, dns)
    await register_domain(client, shop.headers, "pending.example.com")
    saved, rt.settings.public_base_url = rt.settings.public_base_url, "https://app.example.net"
    try:
        for allowed in [HOST, "TOKO.example.com.", f"{shop.subdomain}.{SHOP_DOMAIN}", SHOP_DOMAIN, TARGET]:
            assert assert_data(await ask(client, allowed))["allowed"] is True, allowed
        assert_data(await ask(client, "app.example.net"))
        for refused in [
            "pending.example.com",
            "unknown.example.com",
            f"nope.{SHOP_DOMAIN}",
            f"a.{shop.subdomain}.{SHOP_DOMAIN}",
            "192.0.2.1",
            "localhost",
            "exa mple.com",
        ]:
            assert_error(await ask(client, refused), 404, "not_found")
    finally:
        rt.settings.public_base_url = saved
    assert_error(await client.get("/internal/tls/ask"), 422, "validation_error")
    assert_error(await ask(client, "a" * 254), 422, "validation_error")
    assert_error(await ask(client, "toko\x01.example.com"), 422, "validation_error")


async def test_a_closed_store_frees_its_domains(client: httpx.AsyncClient, rt: Runtime, dns: DnsServer) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)  # the owner alone: Data Deletion closes the store
    await active_domain(client, dns, shop.headers, HOST)
    deleted = await client.request(
        "DELETE", "/profile", json={"password": shop.owner["password"]}, headers=shop.headers
    )
    assert deleted.status_code == 200, deleted.text
    assert_error(await form_on(client, HOST, shop.slug), 404, "not_found")
    other = await make_checkout_shop(client, rt)
    again = await active_domain(client, dns, other.headers, HOST)  # the TXT of the first store stays: both are found
    assert again["status"] == "active"
    assert assert_data(await form_on(client, HOST, other.slug))["store"]["subdomain"] == other.subdomain
