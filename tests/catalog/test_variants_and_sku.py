"""Product Variant, Update Variant, Edit Status Variant and Cek SKU."""

from __future__ import annotations

import httpx

from bosonline.runtime import Runtime
from tests.catalog.helpers import create_product, put_stock, simple_product, sized_product, variant
from tests.envelope import assert_error, assert_validation
from tests.factories import add_staff, bearer, login, seller


async def test_variant_list_in_order_with_stock(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    h = owner["headers"]
    product = await create_product(client, h, sized_product(sizes=("S", "M", "L")))
    await put_stock(rt, owner["store"], product["variants"][2]["id"], 4, reserved=1)
    variants = (await client.get(f"/store/product/{product['id']}/variant", headers=h)).json()["data"]
    assert [v["name"] for v in variants] == ["S", "M", "L"]
    assert variants[2]["stock"] == {"on_hand": 4, "reserved": 1, "available": 3}


async def test_update_variant_replaces_its_fields_and_the_ranges(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    h = owner["headers"]
    product = await create_product(client, h, sized_product(sizes=("S", "M")))
    target = product["variants"][0]
    body = variant(
        price=99_000, cogs=40_000, sku="BAJU-S", weight_g=120, name="Kecil",
        wholesale_min_qty=10, wholesale_tiers=[{"min_qty": 10, "price": 95_000}, {"min_qty": 50, "price": 90_000}],
    )  # fmt: skip
    response = await client.put(f"/store/product/variant/{target['id']}", json=body, headers=h)
    assert response.status_code == 200, response.text
    updated = response.json()["data"]
    assert updated["name"] == "Kecil" and updated["options"] == ["S"] and updated["sku"] == "BAJU-S"
    assert updated["wholesale_tiers"] == [{"min_qty": 10, "price": 95_000}, {"min_qty": 50, "price": 90_000}]
    detail = (await client.get(f"/store/product/{product['id']}", headers=h)).json()["data"]
    assert detail["price"] == {"min": 20_000, "max": 99_000}
    assert detail["cogs"] == {"min": 0, "max": 40_000}
    check = (await client.get("/store/product/sku/check", params={"sku": "baju-s"}, headers=h)).json()["data"]
    assert check["available"] is False and check["variant_id"] == target["id"]
    assert check["product_name"] == product["name"] and check["variant_name"] == "Kecil"


async def test_update_variant_sku_conflicts_and_bounds(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    h = owner["headers"]
    product = await create_product(client, h, sized_product(sizes=("S", "M"), sku="PARENT"))
    other = await create_product(client, h, simple_product(variants=[variant(sku="ELSEWHERE")]))
    first, second = product["variants"]
    await client.put(f"/store/product/variant/{second['id']}", json=variant(sku="MINE"), headers=h)
    for sku in ("PARENT", "mine", "elsewhere"):
        response = await client.put(f"/store/product/variant/{first['id']}", json=variant(sku=sku), headers=h)
        assert_error(response, 409, "sku_taken", case=sku)
    # Keeping its own SKU is fine.
    response = await client.put(f"/store/product/variant/{second['id']}", json=variant(sku="MINE", price=1), headers=h)
    assert response.status_code == 200
    assert_validation(await client.put(f"/store/product/variant/{first['id']}", json={"price": -5}, headers=h), "price")
    assert_validation(
        await client.put(f"/store/product/variant/{first['id']}", json=variant(options=["X"]), headers=h), "options"
    )
    assert other["variants"][0]["sku"] == "ELSEWHERE"


async def test_variant_of_another_store_is_404_and_cs_is_403(client: httpx.AsyncClient) -> None:
    one, two = await seller(client), await seller(client)
    product = await create_product(client, one["headers"])
    variant_id = product["variants"][0]["id"]
    assert_error(
        await client.put(f"/store/product/variant/{variant_id}", json=variant(), headers=two["headers"]),
        404,
        "not_found",
    )
    assert_error(
        await client.patch(
            f"/store/product/variant/{variant_id}/status", json={"status": "inactive"}, headers=two["headers"]
        ),
        404,
        "not_found",
    )
    assert_error(await client.get(f"/store/product/{product['id']}/variant", headers=two["headers"]), 404, "not_found")
    cs = await add_staff(client, one["headers"], role="cs")
    cs_headers = bearer(await login(client, cs["email"]))
    assert_error(
        await client.put(f"/store/product/variant/{variant_id}", json=variant(), headers=cs_headers),
        403,
        "permission_denied",
    )


async def test_sku_check(client: httpx.AsyncClient) -> None:
    owner, other = await seller(client), await seller(client)
    h = owner["headers"]
    product = await create_product(client, h, simple_product(sku="KOPI-1"))
    taken = (await client.get("/store/product/sku/check", params={"sku": "kopi-1"}, headers=h)).json()["data"]
    assert taken["available"] is False and taken["product_id"] == product["id"] and taken["variant_id"] is None
    mine = await client.get(
        "/store/product/sku/check", params={"sku": "KOPI-1", "exclude_product_id": product["id"]}, headers=h
    )
    assert mine.json()["data"]["available"] is True
    elsewhere = await client.get("/store/product/sku/check", params={"sku": "KOPI-1"}, headers=other["headers"])
    assert elsewhere.json()["data"]["available"] is True
    for bad in ("", "a b", "x" * 65):
        assert_validation(await client.get("/store/product/sku/check", params={"sku": bad}, headers=h), "sku", case=bad)
    assert_validation(await client.get("/store/product/sku/check", headers=h), "sku")


async def test_product_paths_reject_non_numeric_and_huge_ids(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    h = owner["headers"]
    assert_error(await client.get("/store/product/abc", headers=h), 404, "not_found")
    assert_validation(await client.get(f"/store/product/{2**60}", headers=h), "product_id")
    assert_validation(await client.get("/store/product/0", headers=h), "product_id")
