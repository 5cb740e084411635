"""Catalog races end in clean answers: one SKU or slug winner, the others a named 409, nothing half-written."""

from __future__ import annotations

import asyncio

import httpx
from sqlalchemy import func, select

from bosonline.models import Product, ProductVariant
from bosonline.runtime import Runtime
from tests.catalog.helpers import create_product, simple_product, variant
from tests.factories import seller


async def test_same_sku_created_at_once(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    bodies = [simple_product(variants=[variant(sku="REBUTAN")]) for _ in range(6)]
    responses = await asyncio.gather(*(client.post("/store/product", json=b, headers=owner["headers"]) for b in bodies))
    assert sorted(r.status_code for r in responses) == [201] + [409] * 5, [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"sku_taken"}
    async with rt.db.session() as session:
        assert await session.scalar(select(func.count()).select_from(Product)) == 1
        assert await session.scalar(select(func.count()).select_from(ProductVariant)) == 1


async def test_same_slug_created_at_once(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    responses = await asyncio.gather(
        *(client.post("/store/product", json=simple_product(slug="sama"), headers=owner["headers"]) for _ in range(4))
    )
    assert sorted(r.status_code for r in responses) == [201] + [409] * 3, [r.text for r in responses]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"slug_taken"}


async def test_concurrent_edits_of_one_product_stay_consistent(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    product = await create_product(client, owner["headers"])
    bodies = [simple_product(name=f"Nama {i}", variants=[variant(price=1_000 * (i + 1))]) for i in range(5)]
    responses = await asyncio.gather(
        *(client.put(f"/store/product/{product['id']}", json=b, headers=owner["headers"]) for b in bodies)
    )
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses]
    final = (await client.get(f"/store/product/{product['id']}", headers=owner["headers"])).json()["data"]
    # Whichever edit came last, the product and its derived price range agree, with one live variant.
    price = final["variants"][0]["price"]
    assert final["variant_count"] == 1 and final["price"] == {"min": price, "max": price}
    assert final["name"] == f"Nama {price // 1_000 - 1}"
