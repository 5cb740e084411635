"""Product List: search by name or SKU, filters, sorts, keyset pagination, counts per status, query budget."""

from __future__ import annotations

import httpx

from bosonline.runtime import Runtime
from tests.catalog.helpers import create_product, simple_product, variant
from tests.envelope import assert_validation
from tests.factories import seller
from tests.querycount import count_queries


async def _ids(client: httpx.AsyncClient, headers: dict[str, str], **params: object) -> list[int]:
    response = await client.get("/store/product", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return [product["id"] for product in response.json()["data"]]


async def test_search_filters_and_counts(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    h = owner["headers"]
    category = (await client.post("/store/category", json={"name": "Camilan"}, headers=h)).json()["data"]
    kopi = await create_product(client, h, simple_product(name="Kopi Toraja", variants=[variant(sku="TRJ-250")]))
    teh = await create_product(client, h, simple_product(name="Teh Melati 50%", status="inactive"))
    keripik = await create_product(client, h, simple_product(name="Keripik", category_id=category["id"], sku="KRP_01"))
    assert await _ids(client, h, q="kopi") == [kopi["id"]]
    assert await _ids(client, h, q="trj-2") == [kopi["id"]]  # a variant's SKU, case-insensitive
    assert await _ids(client, h, q="krp_") == [keripik["id"]]  # the product's own SKU, _ taken literally
    assert await _ids(client, h, q="50%") == [teh["id"]]
    assert await _ids(client, h, q="%") == [teh["id"]]
    assert await _ids(client, h, status="inactive") == [teh["id"]]
    assert await _ids(client, h, category_id=category["id"]) == [keripik["id"]]
    body = (await client.get("/store/product", params={"status": "active"}, headers=h)).json()
    assert body["meta"]["counts"] == {"all": 3, "active": 2, "inactive": 1}
    assert body["meta"]["total"] == 2
    searched = (await client.get("/store/product", params={"q": "k"}, headers=h)).json()["meta"]
    assert searched["counts"] == {"all": 2, "active": 2, "inactive": 0}


async def test_sorts_and_pagination(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    h = owner["headers"]
    made = []
    for name, price in (("Bawang", 30_000), ("Apel", 10_000), ("Cabai", 20_000), ("Durian", 20_000)):
        made.append(await create_product(client, h, simple_product(name=name, variants=[variant(price=price)])))
    by_name = {p["name"]: p["id"] for p in made}
    assert await _ids(client, h) == [p["id"] for p in reversed(made)]
    assert await _ids(client, h, sort="oldest") == [p["id"] for p in made]
    assert await _ids(client, h, sort="name_asc") == [by_name[n] for n in ("Apel", "Bawang", "Cabai", "Durian")]
    assert await _ids(client, h, sort="name_desc") == [by_name[n] for n in ("Durian", "Cabai", "Bawang", "Apel")]
    assert await _ids(client, h, sort="price_asc") == [by_name[n] for n in ("Apel", "Cabai", "Durian", "Bawang")]
    for sort in ("newest", "name_asc", "price_asc", "price_desc"):
        seen: list[int] = []
        cursor = None
        while True:
            params = {"sort": sort, "limit": 1} | ({"cursor": cursor} if cursor else {})
            body = (await client.get("/store/product", params=params, headers=h)).json()
            seen += [p["id"] for p in body["data"]]
            cursor = body["meta"]["next_cursor"]
            if cursor is None:
                break
        assert seen == await _ids(client, h, sort=sort), sort


async def test_bad_list_parameters_are_422(client: httpx.AsyncClient) -> None:
    owner = await seller(client)
    for params, field in (
        ({"sort": "random"}, "sort"),
        ({"limit": 101}, "limit"),
        ({"status": "deleted"}, "status"),
        ({"q": "x" * 101}, "q"),
        ({"cursor": "garbage!"}, "cursor"),
        ({"category_id": 0}, "category_id"),
    ):
        assert_validation(
            await client.get("/store/product", params=params, headers=owner["headers"]), field, case=params
        )


async def test_list_shows_only_this_stores_products(client: httpx.AsyncClient) -> None:
    one, two = await seller(client), await seller(client)
    await create_product(client, one["headers"])
    assert await _ids(client, two["headers"]) == []


async def test_list_costs_a_fixed_number_of_queries(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    h = owner["headers"]
    category = (await client.post("/store/category", json={"name": "Minuman"}, headers=h)).json()["data"]
    await create_product(client, h, simple_product(category_id=category["id"]))
    with count_queries(rt) as one_product:
        assert (await client.get("/store/product", headers=h)).status_code == 200
    for index in range(15):
        await create_product(client, h, simple_product(category_id=category["id"] if index % 2 else None))
    with count_queries(rt) as many:
        assert len((await client.get("/store/product", headers=h)).json()["data"]) == 16
    assert many.count == one_product.count <= 9, many.statements


async def test_detail_costs_the_same_for_1_or_100_variants(client: httpx.AsyncClient, rt: Runtime) -> None:
    from tests.catalog.helpers import sized_product

    owner = await seller(client)
    h = owner["headers"]
    small = await create_product(client, h)
    large = await create_product(
        client, h, sized_product(sizes=tuple(f"S{i}" for i in range(10)), colors=tuple(f"C{i}" for i in range(10)))
    )
    with count_queries(rt) as one:
        assert (await client.get(f"/store/product/{small['id']}", headers=h)).status_code == 200
    with count_queries(rt) as hundred:
        assert len((await client.get(f"/store/product/{large['id']}", headers=h)).json()["data"]["variants"]) == 100
    assert hundred.count == one.count <= 10, hundred.statements
