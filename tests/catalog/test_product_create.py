"""POST /store/product and Product Detail: products with variants, SKUs, slugs, categories and bad input."""

from __future__ import annotations

import httpx

from tests.catalog.helpers import create_product, simple_product, sized_product, variant
from tests.envelope import assert_error, assert_validation
from tests.factories import seller


async def test_create_simple_product_has_one_default_variant(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    body = simple_product(name="Kopi Gayo", sku="KG-01", description="Biji kopi\nsangrai medium")
    body["variants"] = [variant(price=85_000, cogs=60_000, sku="KG-01-250")]
    product = await create_product(client, owner["headers"], body)
    assert product["name"] == "Kopi Gayo"
    assert product["slug"] == "kopi-gayo"
    assert product["status"] == "active"
    assert product["price"] == {"min": 85_000, "max": 85_000}
    assert product["cogs"] == {"min": 60_000, "max": 60_000}
    assert product["variant_count"] == 1
    assert product["stock"] == {"on_hand": 0, "reserved": 0, "available": 0}
    [only] = product["variants"]
    assert only["name"] == "Default" and only["options"] == [] and only["sku"] == "KG-01-250"
    assert only["weight_g"] == 250  # the product's weight
    detail = await client.get(f"/store/product/{product['id']}", headers=owner["headers"])
    assert detail.status_code == 200
    assert detail.json()["data"] == product


async def test_create_product_with_two_attributes(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    body = sized_product(sizes=("100gr", "200gr", "500gr"), colors=("Merah", "Biru"))
    body["variants"][1]["status"] = "inactive"
    product = await create_product(client, owner["headers"], body)
    assert product["variant_count"] == 6
    names = [v["name"] for v in product["variants"]]
    assert names[:2] == ["100gr / Merah", "100gr / Biru"]
    assert product["attributes"] == [
        {"name": "Ukuran", "items": ["100gr", "200gr", "500gr"]},
        {"name": "Warna", "items": ["Merah", "Biru"]},
    ]
    # The range covers the active variants only: 20,000 belongs to the inactive one.
    assert product["price"] == {"min": 10_000, "max": 60_000}


async def test_missing_or_extra_combinations_are_422(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    body = sized_product(sizes=("100gr", "200gr"))
    body["variants"] = body["variants"][:1]
    assert_validation(await client.post("/store/product", json=body, headers=owner["headers"]), "variants")
    body = sized_product(sizes=("100gr", "200gr"))
    body["variants"][1]["options"] = ["300gr"]
    assert_validation(await client.post("/store/product", json=body, headers=owner["headers"]), "variants.1.options")
    body = sized_product(sizes=("100gr", "200gr"))
    body["variants"][1]["options"] = ["100GR"]
    assert_validation(await client.post("/store/product", json=body, headers=owner["headers"]), "variants.1.options")


async def test_more_than_100_variants_is_422(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    sizes = tuple(f"S{i}" for i in range(11))
    colors = tuple(f"C{i}" for i in range(10))
    body = sized_product(sizes=sizes, colors=colors)
    body["variants"] = body["variants"][:100]
    error = assert_validation(await client.post("/store/product", json=body, headers=owner["headers"]), "attributes")
    assert "110" in error["fields"]["attributes"]
    body = simple_product(variants=[variant() for _ in range(101)])
    assert_validation(await client.post("/store/product", json=body, headers=owner["headers"]), "variants")


async def test_bounds_on_prices_weights_and_texts(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    cases = {
        "variants.0.price": simple_product(variants=[variant(price=-1)]),
        "variants.0.cogs": simple_product(variants=[variant(cogs=1_000_000_001)]),
        "weight_g": simple_product(weight_g=0),
        "length_cm": simple_product(length_cm=501),
        "name": simple_product(name=""),
        "sku": simple_product(sku="has space"),
        "slug": simple_product(slug="Not A Slug"),
        "image_ids": simple_product(image_ids=[1, 1]),
        "attributes": simple_product(attributes=[{"name": f"A{i}", "items": ["x"]} for i in range(4)]),
        "variants.0.wholesale_tiers": simple_product(
            variants=[
                variant(price=10_000, wholesale_tiers=[{"min_qty": 10, "price": 9_000}, {"min_qty": 5, "price": 8_000}])
            ]
        ),
        "variants.0.wholesale_tiers ": simple_product(
            variants=[variant(price=10_000, wholesale_tiers=[{"min_qty": 10, "price": 12_000}])]
        ),
        "unknown": {**simple_product(), "unknown": 1},
        "description": simple_product(description="x" * 10_001),
        "variants.0.price  ": simple_product(variants=[variant(price=1.5)]),
    }
    for field, body in cases.items():
        response = await client.post("/store/product", json=body, headers=owner["headers"])
        assert_validation(response, field.strip(), case=field)
    listing = await client.get("/store/product", headers=owner["headers"])
    assert listing.json()["data"] == []  # nothing was written


async def test_duplicate_sku_is_409_across_products_and_variants(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    await create_product(client, owner["headers"], simple_product(sku="PARENT-1", variants=[variant(sku="V-1")]))
    for body, field in (
        (simple_product(sku="v-1"), "sku"),
        (simple_product(variants=[variant(sku="parent-1")]), "variants.0.sku"),
    ):
        error = assert_error(await client.post("/store/product", json=body, headers=owner["headers"]), 409, "sku_taken")
        assert set(error["fields"]) == {field}
    same_twice = sized_product()
    same_twice["variants"][0]["sku"] = same_twice["variants"][1]["sku"] = "TWIN"
    assert_validation(await client.post("/store/product", json=same_twice, headers=owner["headers"]), "variants.1.sku")


async def test_slug_generated_unique_and_explicit_conflict(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    first = await create_product(client, owner["headers"], simple_product(name="Keripik Pedas!"))
    second = await create_product(client, owner["headers"], simple_product(name="Keripik  pedas"))
    assert (first["slug"], second["slug"]) == ("keripik-pedas", "keripik-pedas-2")
    response = await client.post("/store/product", json=simple_product(slug="keripik-pedas"), headers=owner["headers"])
    assert_error(response, 409, "slug_taken", fields=["slug"])


async def test_same_sku_and_slug_are_fine_in_another_store(client: httpx.AsyncClient) -> None:
    one, two = await seller(client), await seller(client)
    for owner in (one, two):
        await create_product(client, owner["headers"], simple_product(slug="sama", sku="SAMA"))


async def test_category_must_be_the_stores_or_a_default(client: httpx.AsyncClient) -> None:
    one, two = await seller(client), await seller(client)
    theirs = (await client.post("/store/category", json={"name": "Rahasia"}, headers=two["headers"])).json()["data"]
    response = await client.post(
        "/store/product", json=simple_product(category_id=theirs["id"]), headers=one["headers"]
    )
    assert_error(response, 404, "category_not_found", fields=["category_id"], message="Record not found")
    defaults = (await client.get("/store/category", headers=one["headers"])).json()["data"]
    fashion = next(c for c in defaults if c["name"] == "Fashion")
    product = await create_product(client, one["headers"], simple_product(category_id=fashion["id"]))
    assert product["category"] == {"id": fashion["id"], "name": "Fashion"}


async def test_unknown_or_foreign_image_is_404_naming_the_field(client: httpx.AsyncClient) -> None:
    from tests.media.helpers import jpeg

    owner, other = await seller(client), await seller(client)
    upload = await client.post(
        "/store/product/image", files={"file": ("a.jpg", jpeg(), "image/jpeg")}, headers=owner["headers"]
    )
    mine = upload.json()["data"]["id"]
    upload = await client.post(
        "/store/product/image", files={"file": ("b.jpg", jpeg(), "image/jpeg")}, headers=other["headers"]
    )
    theirs = upload.json()["data"]["id"]
    response = await client.post(
        "/store/product", json=simple_product(image_ids=[mine, 999_999]), headers=owner["headers"]
    )
    assert_error(response, 404, "image_not_found", fields=["image_ids.1"])
    body = simple_product(image_ids=[mine], variants=[variant(image_id=theirs)])
    response = await client.post("/store/product", json=body, headers=owner["headers"])
    assert_error(response, 404, "image_not_found", fields=["variants.0.image_id"])
    body = simple_product(image_ids=[mine], variants=[variant(image_id=mine)])
    product = await create_product(client, owner["headers"], body)
    assert product["images"][0]["id"] == product["variants"][0]["image"]["id"] == mine


async def test_other_store_product_is_404_and_cs_cannot_create(client: httpx.AsyncClient) -> None:
    from tests.factories import add_staff, bearer, login

    one, two = await seller(client), await seller(client)
    product = await create_product(client, one["headers"])
    for method, path in (("GET", ""), ("GET", "/edit"), ("GET", "/variant"), ("DELETE", ""), ("POST", "/duplicate")):
        response = await client.request(method, f"/store/product/{product['id']}{path}", headers=two["headers"])
        assert_error(response, 404, "not_found", message="Record not found", case=(method, path))
    cs = await add_staff(client, one["headers"], role="cs")
    cs_headers = bearer(await login(client, cs["email"]))
    assert_error(
        await client.post("/store/product", json=simple_product(), headers=cs_headers), 403, "permission_denied"
    )
    assert (await client.get(f"/store/product/{product['id']}", headers=cs_headers)).status_code == 200
