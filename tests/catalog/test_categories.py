"""Get Category and the store's own categories: defaults read-only, names unique, in-use categories kept."""

from __future__ import annotations

import httpx

from tests.catalog.helpers import create_product, simple_product
from tests.envelope import assert_error, assert_validation
from tests.factories import add_staff, bearer, login, seller

DEFAULTS = ["Fashion", "Kecantikan", "Kesehatan", "Makanan & Minuman", "Elektronik", "Rumah Tangga", "Ibu & Bayi",
            "Olahraga", "Otomotif", "Hobi", "Buku & Alat Tulis", "Lainnya"]  # fmt: skip


async def test_defaults_listed_after_own_with_product_counts(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    h = owner["headers"]
    listed = (await client.get("/store/category", headers=h)).json()["data"]
    assert [c["name"] for c in listed] == DEFAULTS and all(c["is_default"] for c in listed)
    own = (await client.post("/store/category", json={"name": "Kopi Nusantara"}, headers=h)).json()["data"]
    assert own["is_default"] is False and own["status"] == "active" and own["product_count"] == 0
    await create_product(client, h, simple_product(category_id=own["id"]))
    listed = (await client.get("/store/category", headers=h)).json()["data"]
    assert listed[0] == {**own, "product_count": 1}


async def test_names_unique_ignoring_case_including_defaults(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    h = owner["headers"]
    await client.post("/store/category", json={"name": "Kopi"}, headers=h)
    for name in ("kopi", "  KOPI ", "fashion"):
        assert_error(
            await client.post("/store/category", json={"name": name}, headers=h), 409, "category_exists", case=name
        )
    other = await seller(client)
    assert (await client.post("/store/category", json={"name": "Kopi"}, headers=other["headers"])).status_code == 201


async def test_edit_and_inactive_category_cannot_take_products(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    h = owner["headers"]
    category = (await client.post("/store/category", json={"name": "Teh"}, headers=h)).json()["data"]
    renamed = await client.put(f"/store/category/{category['id']}", json={"name": "Teh Hijau"}, headers=h)
    assert renamed.json()["data"]["name"] == "Teh Hijau"
    same_name_other_case = await client.put(f"/store/category/{category['id']}", json={"name": "TEH HIJAU"}, headers=h)
    assert same_name_other_case.status_code == 200
    await client.put(f"/store/category/{category['id']}", json={"status": "inactive"}, headers=h)
    response = await client.post("/store/product", json=simple_product(category_id=category["id"]), headers=h)
    assert_error(response, 404, "category_not_found")
    assert_validation(await client.put(f"/store/category/{category['id']}", json={}, headers=h), "body")
    assert_validation(await client.put(f"/store/category/{category['id']}", json={"name": None}, headers=h), "body")
    assert_validation(await client.post("/store/category", json={"name": "x" * 61}, headers=h), "name")


async def test_defaults_are_read_only_and_other_stores_invisible(client: httpx.AsyncClient) -> None:
    one, two = await seller(client), await seller(client)
    fashion = (await client.get("/store/category", headers=one["headers"])).json()["data"][0]
    assert_error(
        await client.put(f"/store/category/{fashion['id']}", json={"name": "X"}, headers=one["headers"]),
        403,
        "default_category",
    )
    assert_error(
        await client.delete(f"/store/category/{fashion['id']}", headers=one["headers"]), 403, "default_category"
    )
    mine = (await client.post("/store/category", json={"name": "Milik Saya"}, headers=one["headers"])).json()["data"]
    assert_error(
        await client.put(f"/store/category/{mine['id']}", json={"name": "Y"}, headers=two["headers"]), 404, "not_found"
    )
    assert_error(await client.delete(f"/store/category/{mine['id']}", headers=two["headers"]), 404, "not_found")
    assert "Milik Saya" not in [
        c["name"] for c in (await client.get("/store/category", headers=two["headers"])).json()["data"]
    ]


async def test_delete_refuses_categories_in_use(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    h = owner["headers"]
    category = (await client.post("/store/category", json={"name": "Sambal"}, headers=h)).json()["data"]
    product = await create_product(client, h, simple_product(category_id=category["id"]))
    renamed = await client.put(f"/store/category/{category['id']}", json={"name": "Sambal Bawang"}, headers=h)
    assert renamed.json()["data"]["product_count"] == 1
    assert_error(await client.delete(f"/store/category/{category['id']}", headers=h), 409, "category_in_use")
    await client.delete(f"/store/product/{product['id']}", headers=h)
    response = await client.delete(f"/store/category/{category['id']}", headers=h)
    assert response.json()["data"] == {"id": category["id"], "deleted": True}


async def test_cs_reads_but_cannot_write(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    cs = await add_staff(client, owner["headers"], role="cs")
    cs_headers = bearer(await login(client, cs["email"]))
    assert (await client.get("/store/category", headers=cs_headers)).status_code == 200
    assert_error(await client.post("/store/category", json={"name": "Z"}, headers=cs_headers), 403, "permission_denied")
