"""Form: creating a checkout form, what it answers, and every refusal and bound of its body."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.catalog.helpers import create_product, put_stock, record_order_reservation, simple_product
from tests.envelope import assert_error, assert_validation
from tests.factories import seller
from tests.form.helpers import Shop, create_form, form_body, insert_forms, item, make_shop


@pytest.fixture
async def shop(client: httpx.AsyncClient) -> Shop:
    return await make_shop(client)


async def test_create_answers_the_whole_form_with_defaults(client: httpx.AsyncClient, shop: Shop) -> None:
    response = await client.post(
        "/store/form",
        json={"title": "Promo Kopi Gayo!", "items": [item(shop.kopi), item(shop.madu, 1, default_quantity=3)]},
        headers=shop.headers,
    )
    assert response.status_code == 201, response.text
    form = response.json()["data"]
    assert form["slug"] == "promo-kopi-gayo"
    assert (form["title"], form["description"], form["status"]) == ("Promo Kopi Gayo!", "", "active")
    assert form["fields"] == {"email": "hidden", "notes": "optional", "address": "full"}
    assert form["payment_methods"] == ["bank_transfer", "cod"]
    assert form["couriers"] == []
    assert (form["accept_vouchers"], form["max_quantity"]) == (True, 100)
    assert (form["meta_pixel_id"], form["tiktok_pixel_id"]) == (None, None)
    assert form["success_page"] == {"mode": "message", "is_custom": False}
    assert form["orders_count"] == 0
    subdomain = shop.store["subdomain"]
    assert form["public_url"].endswith(f"/f/promo-kopi-gayo?store={subdomain}")
    whole, variant = form["items"]
    assert whole["product_id"] == shop.kopi["id"] and whole["variant_id"] is None
    assert (whole["product_name"], whole["variant_name"], whole["product_status"]) == ("Kopi Gayo", None, "active")
    assert whole["price"] == {"min": 50_000, "max": 50_000} and whole["default_quantity"] == 1
    madu_200 = shop.madu["variants"][1]
    assert (variant["variant_id"], variant["variant_name"]) == (madu_200["id"], madu_200["name"])
    assert variant["price"] == {"min": madu_200["price"], "max": madu_200["price"]}
    assert (variant["variant_status"], variant["default_quantity"]) == ("active", 3)
    assert isinstance(whole["id"], int) and whole["id"] != variant["id"]

    detail = await client.get(f"/store/form/{form['id']}", headers=shop.headers)
    assert detail.status_code == 200 and detail.json()["data"] == form


async def test_create_keeps_every_setting(client: httpx.AsyncClient, shop: Shop) -> None:
    settings: dict[str, Any] = {
        "slug": "cod-madu",
        "description": "Madu asli.\nBayar di tempat.",
        "status": "inactive",
        "fields": {"email": "required", "notes": "hidden", "address": "district"},
        "payment_methods": ["cod", "qris", "bank_transfer"],
        "couriers": ["jne", "sicepat", "kurir_toko"],
        "accept_vouchers": False,
        "max_quantity": 5,
        "meta_pixel_id": "123456789012345",
        "tiktok_pixel_id": "C4ABCDEF1234567890",
    }
    form = await create_form(client, shop, items=[item(shop.madu, 0, default_quantity=5)], **settings)
    assert {key: form[key] for key in settings} == settings
    assert len(form["items"]) == 1 and form["items"][0]["default_quantity"] == 5


async def test_default_slug_counts_up_and_explicit_taken_slug_is_refused(client: httpx.AsyncClient, shop: Shop) -> None:
    slugs = [(await create_form(client, shop, title="Promo Ramadan"))["slug"] for _ in range(3)]
    assert slugs == ["promo-ramadan", "promo-ramadan-2", "promo-ramadan-3"]
    response = await client.post("/store/form", json=form_body(shop, slug="promo-ramadan-2"), headers=shop.headers)
    assert_error(response, 409, "form_slug_taken", fields=["slug"])
    # Another store may use the same slug; a title without letters or digits still gets one.
    other = await make_shop(client)
    assert (await create_form(client, other, title="Promo Ramadan"))["slug"] == "promo-ramadan"
    assert (await create_form(client, other, title="!!! ???"))["slug"] == "form"
    long_title = "Kopi " * 30
    first, second = [(await create_form(client, other, title=long_title))["slug"] for _ in range(2)]
    assert len(first) <= 80 and len(second) <= 80 and second.endswith("-2") and first != second


@pytest.mark.parametrize(
    "slug", ["", "Promo", "promo_kopi", "promo--kopi", "-promo", "promo-", "promo kopi", "a" * 81, "kopi/1"]
)
async def test_bad_slugs_are_refused(client: httpx.AsyncClient, shop: Shop, slug: str) -> None:
    response = await client.post("/store/form", json=form_body(shop, slug=slug), headers=shop.headers)
    assert_validation(response, "slug", case=slug)


async def test_slug_bounds_accepted(client: httpx.AsyncClient, shop: Shop) -> None:
    for slug in ("a", "a" * 80, "promo-kopi-2"):
        assert (await create_form(client, shop, slug=slug))["slug"] == slug


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 151}, "title"),
        ({"title": "Promo\u0000"}, "title"),
        ({"description": "x" * 2001}, "description"),
        ({"status": "draft"}, "status"),
        ({"items": []}, "items"),
        ({"fields": {"email": "always"}}, "fields.email"),
        ({"fields": {"address": "village"}}, "fields.address"),
        ({"fields": {"phone": "required"}}, "fields.phone"),
        ({"payment_methods": []}, "payment_methods"),
        ({"payment_methods": ["cod", "gopay"]}, "payment_methods.1"),
        ({"payment_methods": ["cod", "qris", "bank_transfer", "cod"]}, "payment_methods"),
        ({"payment_methods": ["cod", "cod"]}, "payment_methods.1"),
        ({"couriers": ["jne", "fedex"]}, "couriers.1"),
        ({"couriers": ["jne", "jnt", "jne"]}, "couriers.2"),
        ({"max_quantity": 0}, "max_quantity"),
        ({"max_quantity": 1001}, "max_quantity"),
        ({"meta_pixel_id": "1234"}, "meta_pixel_id"),
        ({"meta_pixel_id": "1" * 21}, "meta_pixel_id"),
        ({"meta_pixel_id": "12345abc"}, "meta_pixel_id"),
        ({"tiktok_pixel_id": "C4AB"}, "tiktok_pixel_id"),
        ({"tiktok_pixel_id": "c4abcdef"}, "tiktok_pixel_id"),
        ({"tiktok_pixel_id": "C" * 33}, "tiktok_pixel_id"),
        ({"tiktok_pixel_id": "C4AB-CDEF"}, "tiktok_pixel_id"),
        ({"accept_vouchers": "maybe"}, "accept_vouchers"),
        ({"unknown": 1}, "unknown"),
    ],
)
async def test_body_bounds(client: httpx.AsyncClient, shop: Shop, fields: dict[str, Any], named: str) -> None:
    response = await client.post("/store/form", json=form_body(shop, **fields), headers=shop.headers)
    assert_validation(response, named, case=fields)


async def test_couriers_bound_and_every_known_code(client: httpx.AsyncClient, shop: Shop) -> None:
    from bosonline.shipping.couriers import COURIERS

    codes = list(COURIERS)
    assert len(codes) == 15
    assert (await create_form(client, shop, couriers=codes))["couriers"] == codes
    response = await client.post("/store/form", json=form_body(shop, couriers=[*codes, "jne"]), headers=shop.headers)
    assert_validation(response, "couriers")


async def test_item_bounds(client: httpx.AsyncClient, shop: Shop) -> None:
    h = shop.headers
    cases: list[tuple[list[dict[str, Any]], dict[str, Any], str]] = [
        ([item(shop.kopi, default_quantity=0)], {}, "items.0.default_quantity"),
        ([item(shop.kopi, default_quantity=1001)], {}, "items.0.default_quantity"),
        ([item(shop.kopi, default_quantity=6)], {"max_quantity": 5}, "items.0.default_quantity"),
        ([item(shop.kopi), item(shop.kopi)], {}, "items.1"),
        ([item(shop.madu, 0), item(shop.madu, 1), item(shop.madu, 0)], {}, "items.2"),
        ([{"product_id": 0}], {}, "items.0.product_id"),
        ([{"product_id": shop.kopi["id"], "variant_id": 2**53 + 1}], {}, "items.0.variant_id"),
        ([{"product_id": shop.kopi["id"], "quantity": 1}], {}, "items.0.quantity"),
        ([{"variant_id": shop.madu["variants"][0]["id"]}], {}, "items.0.product_id"),
    ]
    for items, extra, named in cases:
        response = await client.post("/store/form", json=form_body(shop, items=items, **extra), headers=h)
        assert_validation(response, named, case=(items, extra))
    # default_quantity may equal max_quantity
    form = await create_form(client, shop, items=[item(shop.kopi, default_quantity=5)], max_quantity=5)
    assert form["items"][0]["default_quantity"] == 5


async def test_twenty_items_and_not_twenty_one(client: httpx.AsyncClient, shop: Shop) -> None:
    products = [shop.kopi, shop.madu] + [
        await create_product(client, shop.headers, simple_product()) for _ in range(19)
    ]
    items = [item(product) for product in products]
    response = await client.post("/store/form", json=form_body(shop, items=items), headers=shop.headers)
    assert_validation(response, "items")
    form = await create_form(client, shop, items=items[:20])
    assert [row["product_id"] for row in form["items"]] == [product["id"] for product in products[:20]]


async def test_items_must_be_live_products_of_the_store(client: httpx.AsyncClient, shop: Shop, rt: Runtime) -> None:
    h = shop.headers
    other = await seller(client)
    foreign = await create_product(client, other["headers"], simple_product())
    archived = await create_product(client, h, simple_product())
    # an ordered product is archived by Delete Product, not erased
    warehouse_id = await put_stock(rt, shop.store, archived["variants"][0]["id"], 5)
    await record_order_reservation(rt, shop.store, archived["variants"][0]["id"], warehouse_id)
    deleted = await client.delete(f"/store/product/{archived['id']}", headers=h)
    assert deleted.json()["data"]["archived"] is True
    inactive = await create_product(client, h, simple_product(status="inactive"))
    cases = [
        ([item(shop.kopi), item(foreign)], "items.1.product_id"),
        ([item(archived)], "items.0.product_id"),
        ([{"product_id": 2**53}], "items.0.product_id"),
        ([{"product_id": shop.kopi["id"], "variant_id": shop.madu["variants"][0]["id"]}], "items.0.variant_id"),
        ([{"product_id": shop.kopi["id"], "variant_id": foreign["variants"][0]["id"]}], "items.0.variant_id"),
        ([{"product_id": foreign["id"], "variant_id": foreign["variants"][0]["id"]}], "items.0.product_id"),
    ]
    for items, named in cases:
        response = await client.post("/store/form", json=form_body(shop, items=items), headers=h)
        assert_validation(response, named, case=items)
    # an inactive product may be put on a form (the seller publishes it later); its status shows
    form = await create_form(client, shop, items=[item(inactive)])
    assert form["items"][0]["product_status"] == "inactive"


async def test_archived_variant_is_refused(client: httpx.AsyncClient, shop: Shop) -> None:
    madu = shop.madu
    body = {
        "name": madu["name"],
        "weight_g": 300,
        "attributes": [{"name": "Ukuran", "items": ["100gr"]}],
        "variants": [{"id": madu["variants"][0]["id"], "price": 10_000, "options": ["100gr"]}],
    }
    response = await client.put(f"/store/product/{madu['id']}", json=body, headers=shop.headers)
    assert response.status_code == 200, response.text
    response = await client.post("/store/form", json=form_body(shop, items=[item(madu, 1)]), headers=shop.headers)
    assert_validation(response, "items.0.variant_id")


async def test_form_limit_counts_live_forms_only(client: httpx.AsyncClient, shop: Shop, rt: Runtime) -> None:
    await insert_forms(rt, shop.store["id"], 5, deleted=True)
    await insert_forms(rt, shop.store["id"], 199)
    await create_form(client, shop)
    response = await client.post("/store/form", json=form_body(shop), headers=shop.headers)
    assert_error(response, 409, "form_limit")
    listed = await client.get("/store/form", params={"limit": 1}, headers=shop.headers)
    assert listed.json()["meta"]["total"] == 200


async def test_nothing_is_written_when_refused(client: httpx.AsyncClient, shop: Shop) -> None:
    response = await client.post(
        "/store/form", json=form_body(shop, items=[item(shop.kopi), {"product_id": 2**53}]), headers=shop.headers
    )
    assert response.status_code == 422
    listed = await client.get("/store/form", headers=shop.headers)
    assert listed.json() == {"data": [], "meta": {"next_cursor": None, "total": 0}}
