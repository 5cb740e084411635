"""GET /f/{slug} without a browser: the HTML, the embedded form data, the security headers, the 404 page, the
script asset, and the order status page the checkout endpoint renders through web/pages.py."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest
from markupsafe import escape

from bosonline.runtime import Runtime
from bosonline.web.assets import asset_url
from tests.e2e.helpers import Shop, embedded_form_data, make_shop, ok

INJECTION = "Madu </script><script>alert(1)</script> & 'Co'"


@pytest.fixture
async def shop(client: httpx.AsyncClient, rt: Runtime) -> Shop:
    return await make_shop(client, rt)


def csp_directives(response: httpx.Response) -> dict[str, list[str]]:
    policy = response.headers["content-security-policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in policy.split(";")) if part}


async def test_page_embeds_the_form_and_renders_its_choices(client: httpx.AsyncClient, shop: Shop) -> None:
    response = await client.get(shop.page_path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    data = embedded_form_data(page)
    api = await ok(await client.get(f"/public/form/{shop.slug}", params={"store": shop.subdomain}))
    assert data == {"store": shop.subdomain, "slug": shop.slug, "page": api}
    assert "Promo Madu Hutan" in page
    assert f'value="{shop.small}"' in page and f'value="{shop.large}"' in page
    assert "Rp10.000" in page and "Rp20.000" in page
    assert "Pesan Sekarang" in page
    for label in (
        "Transfer Bank",
        "COD",
        "Bayar tunai ke kurir",
        "QRIS",
        "Nomor WhatsApp",
        "Kecamatan",
        "Kode voucher",
    ):
        assert label in page
    # The honeypot: present for bots, out of reach for people.
    assert re.search(r'<input id="website" name="website" type="text" tabindex="-1" autocomplete="off">', page)
    assert asset_url("checkout.js") in page


async def test_security_headers(client: httpx.AsyncClient, shop: Shop) -> None:
    response = await client.get(shop.page_path)
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    directives = csp_directives(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'" and directives["script-src"][1].startswith("'nonce-")
    assert len(directives["script-src"]) == 2  # no pixel: no third-party host
    assert directives["connect-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    nonce = directives["script-src"][1][len("'nonce-") : -1]
    assert f'<style nonce="{nonce}">' in response.text
    assert "fbq(" not in response.text and "ttq" not in response.text
    second = await client.get(shop.page_path)
    assert csp_directives(second)["script-src"][1] != directives["script-src"][1]  # a nonce per response


async def test_pixels_open_only_their_hosts(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_shop(client, rt, form={"meta_pixel_id": "123456789012", "tiktok_pixel_id": "C4ABCDEF12"})
    response = await client.get(shop.page_path)
    directives = csp_directives(response)
    assert "https://connect.facebook.net" in directives["script-src"]
    assert "https://analytics.tiktok.com" in directives["script-src"]
    nonce = directives["script-src"][1][len("'nonce-") : -1]
    assert f'<script nonce="{nonce}">' in response.text
    assert "fbq('init', \"123456789012\");" in response.text
    assert "fbq('track', 'PageView');" in response.text
    assert 'ttq.load("C4ABCDEF12")' in response.text


async def test_unknown_or_inactive_forms_answer_the_html_404(client: httpx.AsyncClient, shop: Shop) -> None:
    paths = [
        f"/f/nope?store={shop.subdomain}",
        f"/f/{shop.slug}?store=no-such-store",
        f"/f/{shop.slug}",  # no store named at all
        f"/f/{'x' * 81}?store={shop.subdomain}",
        f"/f/{shop.slug}?store={'y' * 31}",
    ]
    for path in paths:
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("text/html")
        assert "Halaman tidak ditemukan" in response.text
        assert response.headers["x-frame-options"] == "DENY"
    await ok(
        await client.patch(f"/store/form/{shop.form_id}/status", json={"status": "inactive"}, headers=shop.headers)
    )
    response = await client.get(shop.page_path)
    assert response.status_code == 404 and "Halaman tidak ditemukan" in response.text


async def test_another_stores_form_is_not_found(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    other = await make_shop(client, rt)
    response = await client.get(f"/f/{other.slug}?store={shop.subdomain}")
    assert response.status_code == 404


async def test_names_cannot_inject_script(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_shop(client, rt, product_name=INJECTION, form={"title": INJECTION, "description": INJECTION})
    response = await client.get(shop.page_path)
    assert response.status_code == 200
    page = response.text
    assert "<script>alert(1)" not in page
    assert "</script><script>" not in page
    assert f"<legend>{escape(INJECTION)}</legend>" in page
    assert f"<h1>{escape(INJECTION)}</h1>" in page
    data = embedded_form_data(page)  # the JSON still carries the exact text
    assert data["page"]["products"][0]["name"] == INJECTION
    assert data["page"]["form"]["title"] == INJECTION
    # Exactly the scripts the page means to have: the JSON island and its own script file.
    assert re.findall(r"<script[^>]*>", page) == [
        '<script type="application/json" id="form-data">',
        f'<script src="{asset_url("checkout.js")}" defer>',
    ]


async def test_page_counts_in_the_public_rate_limit(
    client: httpx.AsyncClient, rt: Runtime, shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = 5
    monkeypatch.setattr(rt.settings, "public_rate_limit_per_minute", limit)
    statuses = [(await client.get(shop.page_path)).status_code for _ in range(limit)]
    assert statuses == [200] * limit
    last = await client.get(shop.page_path)
    assert last.status_code == 429
    assert last.headers["content-type"].startswith("text/html")
    assert int(last.headers["retry-after"]) >= 1
    assert "Sebentar ya" in last.text


async def test_script_asset(client: httpx.AsyncClient) -> None:
    response = await client.get(asset_url("checkout.js"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "Idempotency-Key" in response.text
    missing = await client.get("/assets/web/nope.js")
    assert missing.status_code == 404


async def place_order(client: httpx.AsyncClient, shop: Shop, **overrides: object) -> dict[str, object]:
    body: dict[str, object] = {
        "form": shop.slug,
        "store": shop.subdomain,
        "items": [{"variant_id": shop.large, "quantity": 2}],
        "name": "Siti <b>Aminah</b>",
        "phone": "081234567890",
        "region_code": "32.76.01",
        "address": "Jl. Margonda Raya No. 10",
        "courier": "jne",
        "courier_service": "REG",
        "payment_method": "bank_transfer",
    }
    body.update(overrides)
    response = await client.post("/public/checkout", json=body, headers={"Idempotency-Key": str(uuid.uuid4())})
    return await ok(response, 201)  # type: ignore[no-any-return]


async def status_page(client: httpx.AsyncClient, order: dict[str, object]) -> httpx.Response:
    response = await client.get(str(order["status_url"]), headers={"Accept": "text/html,application/xhtml+xml"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["x-frame-options"] == "DENY"
    assert "noindex" in response.text
    return response


async def test_order_page_bank_transfer(client: httpx.AsyncClient, shop: Shop) -> None:
    order = await place_order(client, shop)
    page = (await status_page(client, order)).text
    total = order["money"]["total"]  # type: ignore[index]
    amount = "Rp" + f"{total:,}".replace(",", ".")
    assert str(order["number"]) in page
    assert f"Transfer tepat <strong>{amount}</strong> agar pesanan cepat diverifikasi" in page
    assert f'data-copy="{total}"' in page
    assert "1234567890" in page and 'data-copy="1234567890"' in page and "Budi Santoso" in page
    assert "Menunggu konfirmasi" in page and "Belum dibayar" in page
    assert "Siti &lt;b&gt;Aminah&lt;/b&gt;" in page
    assert "Kode unik" in page


async def test_order_page_qris_and_cod(client: httpx.AsyncClient, shop: Shop) -> None:
    qris = await place_order(client, shop, payment_method="qris")
    page = (await status_page(client, qris)).text
    assert "<svg" in page and "Scan kode QR" in page
    assert f'href="{qris["payment"]["qris_image_url"]}" download' in page  # type: ignore[index]
    cod = await place_order(client, shop, payment_method="cod")
    page = (await status_page(client, cod)).text
    total = cod["money"]["total"]  # type: ignore[index]
    assert cod["money"]["cod_fee"] > 0  # type: ignore[index]
    assert "Siapkan uang tunai Rp" + f"{total:,}".replace(",", ".") in page
    assert "Biaya COD" in page


async def test_unknown_order_page_is_the_html_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/public/order/" + "a" * 24, headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.text
