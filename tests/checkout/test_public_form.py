"""What the checkout page reads: the form, rates, quotes, vouchers; which store a public request means."""

from __future__ import annotations

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.checkout.helpers import (
    JAKARTA_DISTRICT,
    CheckoutShop,
    cart,
    make_checkout_shop,
    make_voucher,
    place,
)
from tests.envelope import assert_error, assert_validation
from tests.inventory.helpers import make_warehouse, put_stock


@pytest.fixture
async def shop(client: httpx.AsyncClient, rt: Runtime) -> CheckoutShop:
    return await make_checkout_shop(client, rt, stock=7)


async def test_form_page(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    response = await client.get(f"/public/form/{shop.slug}", params={"store": shop.subdomain})
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["store"]["name"] == "Toko Berkah"
    assert data["form"]["payment_methods"] == ["bank_transfer", "cod", "qris"]
    products = {p["name"]: p for p in data["products"]}
    assert [v["id"] for v in products["Kaos Polos"]["variants"]] == [shop.red, shop.black]
    assert [v["available"] for v in products["Kaos Polos"]["variants"]] == [7, 7]
    assert [v["id"] for v in products["Kopi Gayo"]["variants"]] == [shop.kopi_variant]
    assert data["couriers"] == [{"code": "jne", "name": "JNE"}, {"code": "sicepat", "name": "SiCepat"}]
    assert data["shipping_required"] is True


async def test_available_is_the_best_single_warehouse(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    second = await make_warehouse(rt, shop.owner["user"]["id"], name="Gudang Dua", ships_for=shop.store_id)
    await put_stock(rt, shop.store_id, shop.red, second, 12, reserved=2)
    data = (await client.get(f"/public/form/{shop.slug}", params={"store": shop.subdomain})).json()["data"]
    assert data["products"][0]["variants"][0]["available"] == 10


async def test_store_by_host(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    rt.settings.shop_domain = "bosonline.test"
    try:
        response = await client.get(f"/public/form/{shop.slug}", headers={"host": f"{shop.subdomain}.bosonline.test"})
        assert response.status_code == 200, response.text
        other = await client.get(f"/public/form/{shop.slug}", headers={"host": "nope.bosonline.test"})
        assert_error(other, 404, "not_found")
    finally:
        rt.settings.shop_domain = None


async def test_unknown_store_or_form(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    assert_error(await client.get(f"/public/form/{shop.slug}"), 404, "not_found")
    assert_error(await client.get("/public/form/nope", params={"store": shop.subdomain}), 404, "not_found")
    assert_error(await client.get(f"/public/form/{shop.slug}", params={"store": "x" * 31}), 422, "validation_error")


async def test_rates(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    params = {"store": shop.subdomain, "district": JAKARTA_DISTRICT, "items": f"{shop.red}:6"}
    rates = (await client.get(f"/public/form/{shop.slug}/rates", params=params)).json()["data"]
    assert [(r["courier"], r["service"], r["price"]) for r in rates] == [
        ("sicepat", "BEST", 15_000),
        ("jne", "REG", 18_000),
    ]
    cod = (await client.get(f"/public/form/{shop.slug}/rates", params=params | {"payment_method": "cod"})).json()
    assert [r["courier"] for r in cod["data"]] == ["jne"]
    for bad in ("x", "1:2:3", f"{shop.red}:0", "99999999999999999:1", ""):
        response = await client.get(f"/public/form/{shop.slug}/rates", params=params | {"items": bad})
        assert response.status_code in (404, 422), (bad, response.text)
    assert_validation(
        await client.get(f"/public/form/{shop.slug}/rates", params=params | {"district": "99.99.99"}), "region_code"
    )


async def test_quote_matches_the_order(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    await make_voucher(rt, shop, "HEMAT", value=10)
    body = cart(shop, courier="jne", courier_service="REG", payment_method="cod", voucher_code="hemat")
    quote = await client.post(f"/public/form/{shop.slug}/quote", params={"store": shop.subdomain}, json=body)
    assert quote.status_code == 200, quote.text
    money = quote.json()["data"]["money"]
    order = await place(client, shop, payment_method="cod", voucher_code="hemat")
    assert order.json()["data"]["money"] == money
    assert quote.json()["data"]["voucher"]["discount"] == 10_000


async def test_voucher_check_and_list(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    await make_voucher(rt, shop, "HEMAT", value=10)
    await make_voucher(rt, shop, "RAHASIA", value=20, show_on_checkout=False)
    await make_voucher(rt, shop, "MIN", min_purchase=1_000_000)
    listed = (await client.get(f"/public/form/{shop.slug}/vouchers", params={"store": shop.subdomain})).json()
    assert {v["code"] for v in listed["data"]} == {"HEMAT", "MIN"}
    url = f"/public/form/{shop.slug}/voucher/check"
    items = [{"variant_id": shop.red, "quantity": 1}]
    ok = await client.post(url, params={"store": shop.subdomain}, json={"items": items, "voucher_code": "rahasia"})
    assert ok.status_code == 200 and ok.json()["data"]["voucher"]["discount"] == 10_000
    refused = await client.post(url, params={"store": shop.subdomain}, json={"items": items, "voucher_code": "MIN"})
    assert assert_error(refused, 422, "voucher_below_minimum")["fields"]["voucher_code"]
    assert_validation(await client.post(url, params={"store": shop.subdomain}, json={"items": items}), "voucher_code")
