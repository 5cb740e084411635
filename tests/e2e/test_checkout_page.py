"""The buyer's checkout page in a real browser (Chromium on a phone-sized screen) against a real server."""

from __future__ import annotations

import re

import httpx
import pytest
from lokal import format_rupiah
from playwright.async_api import Page, Route, expect
from sqlalchemy import func, select

from bosonline.models import CheckoutLead, Order, OrderLine, Stock
from bosonline.runtime import Runtime
from tests.e2e.helpers import VOUCHER_CODE, Shop, make_shop

PANCORAN_MAS = "32.76.01"  # Pancoran Mas, Kota Depok, Jawa Barat
BUYER_PHONE = "081234567890"


@pytest.fixture
async def shop(client: httpx.AsyncClient, rt: Runtime) -> Shop:
    return await make_shop(client, rt)


async def pick_district(page: Page, typed: str, option_text: str) -> None:
    await page.locator("#district").press_sequentially(typed, delay=15)
    option = page.locator("#district-list [role=option]", has_text=option_text)
    await option.first.click()
    await expect(page.locator("#district")).to_have_value(re.compile(option_text))


async def settled_total(page: Page) -> int:
    """The total the page shows once its latest quote has come back."""
    total = page.locator("#total")
    await expect(total).to_have_attribute("data-state", "ready")
    await page.wait_for_timeout(350)  # a quote scheduled by the last change would have started by now
    await expect(total).to_have_attribute("data-state", "ready")
    return int(await total.get_attribute("data-total") or "0")


async def order_count(rt: Runtime) -> int:
    async with rt.db.session(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(Order)) or 0)


async def test_bank_transfer_order_from_the_page(phone: Page, live_server: str, rt: Runtime, shop: Shop) -> None:
    page = phone
    await page.goto(live_server + shop.page_path)
    await expect(page.locator("h1")).to_have_text("Promo Madu Hutan")

    await page.locator("label.vcard", has_text="500 gr").click()
    await page.get_by_role("button", name="Tambah jumlah").click()
    await expect(page.locator(f"#qty-{shop.product_id}")).to_have_value("2")

    await page.get_by_label("Nama lengkap").fill("Siti Aminah")
    async with page.expect_response(lambda r: r.url.endswith("/public/checkout/abandoned")) as lead_saved:
        await page.get_by_label("Nomor WhatsApp").fill(BUYER_PHONE)
    assert (await lead_saved.value).status == 201

    await pick_district(page, "Pancoran Mas", "Kota Depok")
    await page.get_by_label("Alamat lengkap").fill("Jl. Margonda Raya No. 10, RT 02/RW 03")
    await page.locator("#rates label.choice", has_text="JNE REG").click()
    await page.locator("label.choice", has_text="Transfer Bank").click()
    await page.locator(".chip", has_text=VOUCHER_CODE).click()  # the public voucher offered as a chip
    await expect(page.locator("#voucher-applied")).to_contain_text("hemat Rp4.000")

    shown = await settled_total(page)
    async with httpx.AsyncClient(base_url=live_server) as http:
        quote = await http.post(
            f"/public/form/{shop.slug}/quote",
            params={"store": shop.subdomain},
            json={
                "items": [{"variant_id": shop.large, "quantity": 2}],
                "region_code": PANCORAN_MAS,
                "courier": "jne",
                "courier_service": "REG",
                "payment_method": "bank_transfer",
                "voucher_code": VOUCHER_CODE,
                "phone": BUYER_PHONE,
            },
        )
    money = quote.json()["data"]["money"]
    assert shown == money["total"] == 40_000 - 4_000 + 12_000
    await expect(page.locator("#total")).to_have_text(format_rupiah(money["total"]))

    await page.get_by_role("button", name="Pesan Sekarang").click()
    await page.wait_for_url(re.compile(r"/public/order/[A-Za-z0-9_-]+$"))

    async with rt.db.session(write=False) as session:
        order = (await session.scalars(select(Order))).one()
        lines = (await session.scalars(select(OrderLine))).all()
        reserved = await session.scalar(
            select(Stock.reserved).where(Stock.variant_id == shop.large, Stock.warehouse_id == shop.warehouse)
        )
        lead = (await session.scalars(select(CheckoutLead))).one()
    assert order.status == "pending" and order.payment_status == "unpaid"
    assert order.payment_method == "bank_transfer"
    assert [(line.variant_id, line.quantity, line.unit_price) for line in lines] == [(shop.large, 2, 20_000)]
    assert order.product_discount == 4_000 and order.voucher_code == VOUCHER_CODE
    assert (order.courier, order.courier_service, order.shipping_cost) == ("jne", "REG", 12_000)
    assert order.region_code == PANCORAN_MAS
    assert 1 <= order.unique_code <= 999
    expected = sum(line.unit_price * line.quantity for line in lines) - 4_000 + 12_000 - order.unique_code
    assert order.total == expected
    assert reserved == 2
    assert order.handler_id == shop.cs_member
    assert lead.status == "converted" and lead.converted_order_id == order.id

    amount = format_rupiah(order.total)
    await expect(page.locator("h1")).to_contain_text(order.number)
    await expect(page.locator("#payment")).to_contain_text(f"Transfer tepat {amount} agar pesanan cepat diverifikasi")
    await expect(page.locator("#payment .acct")).to_contain_text("1234567890")
    await expect(page.locator("#payment .acct")).to_contain_text("Budi Santoso")
    await expect(page.locator("#order-total")).to_have_text(amount)


async def test_cod_on_a_phone_with_an_invalid_phone(phone: Page, live_server: str, rt: Runtime, shop: Shop) -> None:
    page = phone
    await page.goto(live_server + shop.page_path)
    # Phone layout: nothing wider than the screen, and the bar with the total and the button stays in view.
    assert await page.evaluate("document.documentElement.scrollWidth") <= 390
    button = page.get_by_role("button", name="Pesan Sekarang")
    box = await button.bounding_box()
    assert box is not None and box["y"] + box["height"] <= 844

    await page.get_by_label("Nama lengkap").fill("Budi")
    await page.get_by_label("Nomor WhatsApp").fill("12345")
    await pick_district(page, "Pancoran Mas", "Kota Depok")
    await page.get_by_label("Alamat lengkap").fill("Jl. Kenanga No. 5")
    await page.locator("label.choice", has_text="COD").click()
    # SiCepat BEST does not carry COD parcels: the quote leaves it out, and JNE REG, the only one left, is chosen.
    await expect(page.locator("#rates label.choice", has_text="SiCepat")).to_have_count(0)
    await expect(page.locator("#rates label.choice", has_text="JNE REG").locator("input")).to_be_checked()
    await expect(page.locator("#summary")).to_contain_text("Biaya COD")
    await page.get_by_label("Kode voucher").fill("SALAH")
    await page.get_by_role("button", name="Pakai").click()
    await expect(page.locator("#err-voucher")).to_have_text("Kode voucher tidak ditemukan.")
    await expect(page.locator("#voucher-applied")).to_be_hidden()
    shown = await settled_total(page)
    cod_fee = round((10_000 + 12_000) * 0.03)
    assert shown == 10_000 + 12_000 + cod_fee
    await expect(page.locator("#total")).to_have_text(format_rupiah(shown))

    await button.click()
    error = page.locator("#err-phone")
    await expect(error).to_have_text(re.compile("Nomor WhatsApp tidak valid"))
    await expect(page.get_by_label("Nomor WhatsApp")).to_have_attribute("aria-invalid", "true")
    await expect(button).to_be_enabled()
    # Right under the field (both measured at one instant: the page may still be scrolling to the error).
    gap = await page.evaluate(
        "document.getElementById('err-phone').getBoundingClientRect().top"
        " - document.getElementById('phone').getBoundingClientRect().bottom"
    )
    assert 0 <= gap < 20
    assert await order_count(rt) == 0


async def test_a_filled_honeypot_places_no_order(phone: Page, live_server: str, rt: Runtime, shop: Shop) -> None:
    page = phone
    await page.goto(live_server + shop.page_path)
    honeypot = page.locator("#website")
    box = await honeypot.bounding_box()
    assert box is not None and box["x"] + box["width"] < 0  # off-screen: people never see it
    assert await honeypot.get_attribute("tabindex") == "-1"

    await page.get_by_label("Nama lengkap").fill("Bot Pengisi")
    await page.get_by_label("Nomor WhatsApp").fill(BUYER_PHONE)
    await pick_district(page, "Pancoran Mas", "Kota Depok")
    await page.get_by_label("Alamat lengkap").fill("Jl. Spam No. 1")
    await page.locator("#rates label.choice", has_text="JNE REG").click()
    await page.locator("label.choice", has_text="Transfer Bank").click()
    await page.evaluate("document.getElementById('website').value = 'http://spam.example'")
    async with page.expect_response(lambda r: r.url.endswith("/public/checkout")) as answered:
        await page.get_by_role("button", name="Pesan Sekarang").click()
    assert (await answered.value).status == 422
    await expect(page.locator("#alert")).to_be_visible()
    assert "/f/" in page.url
    assert await order_count(rt) == 0


async def test_whatsapp_success_and_the_purchase_pixel(
    client: httpx.AsyncClient, phone: Page, live_server: str, rt: Runtime
) -> None:
    shop = await make_shop(
        client,
        rt,
        form={"meta_pixel_id": "123456789012", "payment_methods": ["cod"], "fields": {"address": "district"}},
    )
    saved = await client.put(
        f"/store/form/{shop.form_id}/success-page",
        json={"mode": "whatsapp", "whatsapp_text": "Halo, saya sudah pesan {{order_number}}"},
        headers=shop.headers,
    )
    assert saved.status_code == 200, saved.text
    page = phone
    await page.goto(live_server + shop.page_path)
    await expect(page.get_by_label("Alamat lengkap")).to_have_count(0)  # district-only form: no street address
    await page.get_by_label("Nama lengkap").fill("Siti Aminah")
    await page.get_by_label("Nomor WhatsApp").fill(BUYER_PHONE)
    await pick_district(page, "Pancoran Mas", "Kota Depok")
    await expect(page.locator("#rates input:checked")).to_have_count(1)  # COD only: JNE REG, chosen for the buyer
    total = await settled_total(page)
    opened: list[str] = []

    async def whatsapp(route: Route) -> None:  # answered here: the test never reaches wa.me
        opened.append(route.request.url)
        await route.fulfill(body="WhatsApp", content_type="text/plain")

    await page.context.route("https://wa.me/**", whatsapp)
    async with page.expect_popup() as popup:
        await page.get_by_role("button", name="Pesan Sekarang").click()
    await (await popup.value).wait_for_load_state()
    assert len(opened) == 1 and opened[0].startswith("https://wa.me/")

    async with rt.db.session(write=False) as session:
        order = (await session.scalars(select(Order))).one()
    assert order.total == total and order.payment_method == "cod" and order.address is None
    done = page.locator("#done")
    await expect(done).to_be_visible()
    await expect(page.locator("#checkout")).to_be_hidden()
    await expect(done).to_contain_text(order.number)
    await expect(done).to_contain_text(format_rupiah(total))
    link = page.get_by_role("link", name="Konfirmasi via WhatsApp")
    assert await link.get_attribute("href") == opened[0]
    assert order.number.replace("/", "%2F") in opened[0] or order.number in opened[0]
    queue = await page.evaluate("window.fbq.queue.map(function (call) { return Array.prototype.slice.call(call); })")
    assert ["track", "PageView"] in queue
    assert ["track", "Purchase", {"value": total, "currency": "IDR"}, {"eventID": order.number}] in queue


async def test_a_form_with_two_products(client: httpx.AsyncClient, phone: Page, live_server: str, rt: Runtime) -> None:
    shop = await make_shop(client, rt, extra_product=True, stock=(0, 3))
    page = phone
    await page.goto(live_server + shop.page_path)
    first, second = page.locator("fieldset.product").nth(0), page.locator("fieldset.product").nth(1)
    # 250 gr is out of stock: shown, marked, not choosable; 500 gr starts chosen, at most 3 (its stock).
    await expect(first.locator("label.vcard", has_text="250 gr")).to_contain_text("Stok habis")
    await expect(first.locator("label.vcard", has_text="250 gr").locator("input")).to_be_disabled()
    await expect(first.locator("label.vcard", has_text="500 gr").locator("input")).to_be_checked()
    for _ in range(2):
        await first.get_by_role("button", name="Tambah jumlah").click()
    await expect(first.locator(".stepper input")).to_have_value("3")
    await expect(first.get_by_role("button", name="Tambah jumlah")).to_be_disabled()
    # The second product is not in the cart until the buyer adds it.
    await expect(second.locator(".stepper input")).to_have_value("0")
    assert await settled_total(page) == 3 * 20_000
    await second.get_by_role("button", name="Tambah jumlah").click()
    assert await settled_total(page) == 3 * 20_000 + 50_000
    await expect(page.locator("#summary")).to_contain_text("Kopi Gayo")
