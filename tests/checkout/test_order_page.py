"""The buyer's order page: JSON for apps, HTML for browsers, the QRIS image; and the per-IP rate limit."""

from __future__ import annotations

import httpx

from bosonline.runtime import Runtime
from tests.checkout.helpers import CheckoutShop, place
from tests.envelope import assert_error


async def test_status_page_json_and_html(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    order = (await place(client, shop)).json()["data"]
    as_json = await client.get(order["status_url"])
    assert as_json.status_code == 200 and as_json.json()["data"]["number"] == order["number"]
    as_html = await client.get(order["status_url"], headers={"accept": "text/html,application/xhtml+xml"})
    assert as_html.status_code == 200 and as_html.headers["content-type"].startswith("text/html")
    assert order["number"] in as_html.text and "1234567890" in as_html.text
    missing = "/public/order/" + "x" * 22
    assert_error(await client.get(missing), 404, "not_found")
    assert (await client.get(missing, headers={"accept": "text/html"})).status_code == 404
    assert_error(await client.get(order["status_url"] + "/qris.png"), 404, "not_found")  # not a QRIS order


async def test_rate_limit_per_ip(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    rt.settings.checkout_rate_limit_per_minute = 3
    rt.settings.public_rate_limit_per_minute = 5
    try:
        codes = [(await place(client, shop, payment_method="cod")).status_code for _ in range(4)]
        assert codes == [201, 201, 201, 429]
        refused = await place(client, shop, payment_method="cod")
        assert_error(refused, 429, "too_many_requests")
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        url = f"/public/form/{shop.slug}"
        reads = [(await client.get(url, params={"store": shop.subdomain})).status_code for _ in range(6)]
        assert reads == [200] * 5 + [429]
        rt.clock.advance(seconds=61)  # type: ignore[attr-defined]
        assert (await client.get(url, params={"store": shop.subdomain})).status_code == 200
    finally:
        rt.settings.checkout_rate_limit_per_minute = 100_000
        rt.settings.public_rate_limit_per_minute = 100_000
