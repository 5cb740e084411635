"""What the buyer pages say: the COD label once, the store's WhatsApp as a link, and the remaining stock only when
the form shows it (a form setting, through the form API)."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import update

from bosonline.kit.money import rupiah
from bosonline.models import Stock
from bosonline.runtime import Runtime
from tests.checkout.helpers import CheckoutShop, make_checkout_shop, place

HTML = {"accept": "text/html,application/xhtml+xml"}
STORE_CHAT = "https://wa.me/6281298765432"  # the factory store's 081298765432


async def public_form(client: httpx.AsyncClient, shop: CheckoutShop) -> dict[str, Any]:
    response = await client.get(f"/public/form/{shop.slug}", params={"store": shop.subdomain})
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def form_page(client: httpx.AsyncClient, shop: CheckoutShop) -> str:
    response = await client.get(f"/f/{shop.slug}", params={"store": shop.subdomain})
    assert response.status_code == 200, response.text
    return response.text


async def test_the_cod_label_reads_once_and_the_store_phone_is_a_whatsapp_link(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    shop = await make_checkout_shop(client, rt)
    order = (await place(client, shop, payment_method="cod")).json()["data"]
    page = await client.get(order["status_url"], headers=HTML)
    assert page.status_code == 200, page.text
    html = page.text
    # the default thank-you message puts the method in parentheses itself
    assert f"Total pembayaran: {rupiah(order['money']['total'])} (COD)." in html
    assert "Pembayaran · COD</h2>" in html and "(bayar di tempat)" not in html.lower()
    assert f'<a href="{STORE_CHAT}" id="store-whatsapp"' in html and ">WhatsApp 081298765432</a>" in html
    as_json = (await client.get(order["status_url"])).json()["data"]
    assert as_json["store"]["whatsapp_url"] == STORE_CHAT and as_json["store"]["phone"] == "081298765432"
    assert (await public_form(client, shop))["store"]["whatsapp_url"] == STORE_CHAT
    assert "COD (Bayar di Tempat)" not in await form_page(client, shop)


async def test_showing_the_remaining_stock_is_a_form_setting(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, stock=7)
    async with rt.db.session() as session:  # Hitam / M sold out: every unit reserved by orders
        await session.execute(update(Stock).where(Stock.variant_id == shop.black).values(reserved=7))
        await session.commit()
    form = (await client.get(f"/store/form/{shop.form_id}", headers=shop.headers)).json()["data"]
    assert form["show_stock"] is True  # the default: as the page always did
    data = await public_form(client, shop)
    assert data["form"]["show_stock"] is True
    assert [v["available"] for v in data["products"][0]["variants"]] == [7, 0]
    html = await form_page(client, shop)
    assert "Sisa 7" in html and "Stok habis" in html

    body = {
        "title": form["title"],
        "items": [{"product_id": shop.kaos}, {"product_id": shop.kopi, "variant_id": shop.kopi_variant}],
        "payment_methods": form["payment_methods"],
        "show_stock": False,
    }
    edited = await client.put(f"/store/form/{shop.form_id}", json=body, headers=shop.headers)
    assert edited.status_code == 200, edited.text
    assert edited.json()["data"]["show_stock"] is False
    data = await public_form(client, shop)
    assert data["form"]["show_stock"] is False
    # the count is not given away: in stock reads as the most one line may order, sold out still as 0
    assert [v["available"] for v in data["products"][0]["variants"]] == [data["form"]["max_quantity"], 0]
    html = await form_page(client, shop)
    assert "Sisa" not in html and "Stok habis" in html

    spec = (await client.get("/openapi.json")).json()["components"]["schemas"]
    assert spec["FormIn"]["properties"]["show_stock"]["default"] is True
