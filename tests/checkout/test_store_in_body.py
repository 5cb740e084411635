"""The pricing POSTs name their store the way Request Create Order does: `store` in the body (issue 14).
`?store=` keeps working there for old clients, deprecated."""

from __future__ import annotations

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.checkout.helpers import CheckoutShop, cart, make_checkout_shop, make_voucher, place
from tests.envelope import assert_validation


@pytest.fixture
async def shop(client: httpx.AsyncClient, rt: Runtime) -> CheckoutShop:
    return await make_checkout_shop(client, rt, stock=7)


async def test_quote_takes_the_store_in_the_body_like_checkout(client: httpx.AsyncClient, shop: CheckoutShop) -> None:
    body = cart(shop, store=shop.subdomain, courier="jne", courier_service="REG", payment_method="cod")
    quote = await client.post(f"/public/form/{shop.slug}/quote", json=body)
    assert quote.status_code == 200, quote.text
    order = await place(client, shop, payment_method="cod")  # order_body sends `store` in the body too
    assert order.json()["data"]["money"] == quote.json()["data"]["money"]


async def test_check_voucher_takes_the_store_in_the_body(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    await make_voucher(rt, shop, "HEMAT", value=10)
    body = cart(shop, store=shop.subdomain, voucher_code="hemat")
    checked = await client.post(f"/public/form/{shop.slug}/voucher/check", json=body)
    assert checked.status_code == 200, checked.text
    assert checked.json()["data"]["voucher"]["code"] == "HEMAT"


async def test_the_deprecated_query_still_works_and_must_agree(client: httpx.AsyncClient, shop: CheckoutShop) -> None:
    url = f"/public/form/{shop.slug}/quote"
    old = await client.post(url, params={"store": shop.subdomain}, json=cart(shop))
    assert old.status_code == 200, old.text
    same = await client.post(url, params={"store": shop.subdomain.upper()}, json=cart(shop, store=shop.subdomain))
    assert same.status_code == 200, same.text
    other = await client.post(url, params={"store": "toko-lain"}, json=cart(shop, store=shop.subdomain))
    assert_validation(other, "store")


async def test_openapi_documents_the_body_field_and_the_deprecated_query(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    for path in ("/public/form/{slug}/quote", "/public/form/{slug}/voucher/check"):
        operation = spec["paths"][path]["post"]
        (query,) = [p for p in operation["parameters"] if p["name"] == "store"]
        assert query["in"] == "query" and query["deprecated"] is True, path
    for schema in ("QuoteIn", "VoucherCheckIn", "CheckoutIn"):
        store = spec["components"]["schemas"][schema]["properties"]["store"]
        assert {"type": "string", "maxLength": 30} in store["anyOf"], schema
