"""Edit Product Detail, Get Edit Product, status, Delete Product (erase or archive) and Duplicate Product."""

from __future__ import annotations

from typing import Any

import httpx

from bosonline.runtime import Runtime
from tests.catalog.helpers import (
    create_product,
    put_stock,
    record_order_reservation,
    simple_product,
    sized_product,
    variant,
)
from tests.envelope import assert_error, assert_validation
from tests.factories import seller


def _as_input(product: dict[str, Any]) -> dict[str, Any]:
    """The edit form's body for a product as the API shows it."""
    return {
        "name": product["name"],
        "weight_g": product["weight_g"],
        "attributes": product["attributes"],
        "variants": [
            {"id": v["id"], "options": v["options"], "price": v["price"], "sku": v["sku"], "status": v["status"]}
            for v in product["variants"]
        ],
    }


async def test_edit_keeps_variant_ids_and_stock_and_adds_new_combinations(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    owner = await seller(client)
    h = owner["headers"]
    product = await create_product(client, h, sized_product(sizes=("100gr", "200gr")))
    small, large = product["variants"]
    await put_stock(rt, owner["store"], small["id"], 7)
    body = sized_product(sizes=("100gr", "200gr", "500gr"), name="Madu Baru")
    body["variants"][0]["price"] = 12_345
    body["variants"][1].pop("options")
    body["variants"][1]["id"] = large["id"]
    body["variants"][1]["options"] = ["200gr"]
    response = await client.put(f"/store/product/{product['id']}", json=body, headers=h)
    assert response.status_code == 200, response.text
    edited = response.json()["data"]
    assert edited["name"] == "Madu Baru" and edited["slug"] == product["slug"]
    assert [v["id"] for v in edited["variants"][:2]] == [small["id"], large["id"]]
    assert edited["variants"][0]["price"] == 12_345
    assert edited["variants"][0]["stock"]["on_hand"] == 7
    assert edited["variants"][2]["options"] == ["500gr"] and edited["variants"][2]["id"] not in (
        small["id"],
        large["id"],
    )
    assert edited["stock"]["on_hand"] == 7


async def test_removing_a_variant_that_holds_stock_is_409(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    h = owner["headers"]
    product = await create_product(client, h, sized_product(sizes=("100gr", "200gr")))
    await put_stock(rt, owner["store"], product["variants"][1]["id"], 3)
    body = sized_product(sizes=("100gr",), name=product["name"])
    assert_error(await client.put(f"/store/product/{product['id']}", json=body, headers=h), 409, "variant_has_stock")
    unchanged = (await client.get(f"/store/product/{product['id']}", headers=h)).json()["data"]
    assert unchanged["variant_count"] == 2


async def test_removed_variant_frees_its_sku(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    h = owner["headers"]
    product = await create_product(client, h, sized_product(sizes=("100gr", "200gr"), skus=(None, "MADU-200")))
    shrunk = sized_product(sizes=("100gr",), name=product["name"])
    response = await client.put(f"/store/product/{product['id']}", json=shrunk, headers=h)
    assert response.status_code == 200 and response.json()["data"]["variant_count"] == 1
    check = (await client.get("/store/product/sku/check", params={"sku": "madu-200"}, headers=h)).json()["data"]
    assert check == {"sku": "madu-200", "available": True, "product_id": None, "variant_id": None,
                     "product_name": None, "variant_name": None}  # fmt: skip
    await create_product(client, h, simple_product(sku="MADU-200"))


async def test_edit_can_move_a_sku_between_its_own_variants(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    h = owner["headers"]
    product = await create_product(client, h, sized_product(sizes=("100gr", "200gr"), skus=("A-1",)))
    body = _as_input(product)
    body["variants"][0]["sku"], body["variants"][1]["sku"] = None, "a-1"
    response = await client.put(f"/store/product/{product['id']}", json=body, headers=h)
    assert response.status_code == 200, response.text
    other = await create_product(client, h)
    body = _as_input(other)
    body["variants"][0]["sku"] = "A-1"
    assert_error(await client.put(f"/store/product/{other['id']}", json=body, headers=h), 409, "sku_taken")


async def test_edit_with_a_foreign_variant_id_is_422(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    h = owner["headers"]
    one, two = await create_product(client, h), await create_product(client, h)
    body = _as_input(one)
    body["variants"][0]["id"] = two["variants"][0]["id"]
    assert_validation(await client.put(f"/store/product/{one['id']}", json=body, headers=h), "variants.0.id")


async def test_get_edit_product_gives_the_form_everything(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    h = owner["headers"]
    await client.post("/store/category", json={"name": "Arsip", "status": "inactive"}, headers=h)
    product = await create_product(client, h)
    form = (await client.get(f"/store/product/{product['id']}/edit", headers=h)).json()["data"]
    assert form["product"] == product
    names = [category["name"] for category in form["categories"]]
    assert "Fashion" in names and "Arsip" not in names
    assert form["limits"]["variants"] == 100 and form["limits"]["attributes"] == 3


async def test_status_product_and_variant(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    h = owner["headers"]
    product = await create_product(client, h, sized_product(sizes=("100gr", "200gr")))
    response = await client.patch(f"/store/product/{product['id']}/status", json={"status": "inactive"}, headers=h)
    assert response.json()["data"]["status"] == "inactive"
    assert_validation(
        await client.patch(f"/store/product/{product['id']}/status", json={"status": "gone"}, headers=h), "status"
    )
    cheap = product["variants"][0]
    response = await client.patch(
        f"/store/product/variant/{cheap['id']}/status", json={"status": "inactive"}, headers=h
    )
    assert response.status_code == 200 and response.json()["data"]["status"] == "inactive"
    detail = (await client.get(f"/store/product/{product['id']}", headers=h)).json()["data"]
    assert detail["price"] == {"min": 20_000, "max": 20_000}


async def test_delete_erases_a_product_never_ordered(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    h = owner["headers"]
    product = await create_product(client, h, simple_product(slug="hapus", sku="DEL-1"))
    await put_stock(rt, owner["store"], product["variants"][0]["id"], 2)
    response = await client.delete(f"/store/product/{product['id']}", headers=h)
    assert response.json()["data"] == {"id": product["id"], "deleted": True, "archived": False}
    assert_error(await client.get(f"/store/product/{product['id']}", headers=h), 404, "not_found")
    await create_product(client, h, simple_product(slug="hapus", sku="DEL-1"))


async def test_delete_archives_an_ordered_product(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    h = owner["headers"]
    product = await create_product(client, h, simple_product(slug="laris", sku="HOT-1"))
    variant_id = product["variants"][0]["id"]
    warehouse_id = await put_stock(rt, owner["store"], variant_id, 5, reserved=1)
    await record_order_reservation(rt, owner["store"], variant_id, warehouse_id)
    response = await client.delete(f"/store/product/{product['id']}", headers=h)
    assert response.json()["data"] == {"id": product["id"], "deleted": True, "archived": True}
    assert_error(await client.get(f"/store/product/{product['id']}", headers=h), 404, "not_found")
    assert (await client.get("/store/product", headers=h)).json()["data"] == []
    assert_error(await client.put(f"/store/product/variant/{variant_id}", json=variant(), headers=h), 404, "not_found")
    # The slug and SKU are free again; the archived row stays for the order.
    await create_product(client, h, simple_product(slug="laris", sku="HOT-1"))
    async with rt.db.session() as session:
        from bosonline.models import Product

        archived = await session.get(Product, product["id"])
        assert archived is not None and archived.archived_at is not None and archived.slug is None


async def test_duplicate_copies_without_skus_or_stock(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    h = owner["headers"]
    product = await create_product(client, h, sized_product(sizes=("100gr", "200gr"), skus=("ORI-100",), sku="ORI"))
    await put_stock(rt, owner["store"], product["variants"][0]["id"], 9)
    response = await client.post(f"/store/product/{product['id']}/duplicate", headers=h)
    assert response.status_code == 201, response.text
    copy = response.json()["data"]
    assert copy["id"] != product["id"]
    assert copy["name"] == product["name"] + " (copy)"
    assert copy["slug"] == product["slug"] + "-copy"
    assert copy["status"] == "inactive" and copy["sku"] is None
    assert [v["options"] for v in copy["variants"]] == [v["options"] for v in product["variants"]]
    assert all(v["sku"] is None and v["stock"]["on_hand"] == 0 for v in copy["variants"])
    again = (await client.post(f"/store/product/{product['id']}/duplicate", headers=h)).json()["data"]
    assert again["slug"] == product["slug"] + "-copy-2"
