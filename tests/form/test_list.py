"""Form list: filters, keyset pages newest first, totals, order counts, and a query count that does not grow."""

from __future__ import annotations

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.envelope import assert_validation
from tests.form.helpers import Shop, create_form, insert_order, item, make_shop
from tests.querycount import count_queries


@pytest.fixture
async def shop(client: httpx.AsyncClient) -> Shop:
    return await make_shop(client)


async def test_list_is_newest_first_in_keyset_pages(client: httpx.AsyncClient, shop: Shop) -> None:
    made = [(await create_form(client, shop))["id"] for _ in range(5)]
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, str | int] = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        body = (await client.get("/store/form", params=params, headers=shop.headers)).json()
        assert body["meta"]["total"] == 5
        seen += [form["id"] for form in body["data"]]
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            break
    assert seen == made[::-1]
    response = await client.get("/store/form", params={"cursor": "not-a-cursor"}, headers=shop.headers)
    assert_validation(response, "cursor")


async def test_filters(client: httpx.AsyncClient, shop: Shop) -> None:
    h = shop.headers
    kopi_only = await create_form(client, shop, title="Kopi 100% Arabika", items=[item(shop.kopi)])
    madu_only = await create_form(client, shop, title="Madu_Hutan", slug="madu-promo", items=[item(shop.madu, 0)])
    both = await create_form(client, shop, title="Paket Hemat", status="inactive")

    async def ids(**params: str | int) -> list[int]:
        response = await client.get("/store/form", params=params, headers=h)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["meta"]["total"] == len(body["data"])
        return [form["id"] for form in body["data"]]

    assert await ids() == [both["id"], madu_only["id"], kopi_only["id"]]
    assert await ids(status="inactive") == [both["id"]]
    assert await ids(status="active") == [madu_only["id"], kopi_only["id"]]
    assert await ids(q="100%") == [kopi_only["id"]]  # literal: % is not a wildcard
    assert await ids(q="%") == [kopi_only["id"]]
    assert await ids(q="_") == [madu_only["id"]]
    assert await ids(q="PAKET") == [both["id"]]
    assert await ids(q="madu-pro") == [madu_only["id"]]  # the slug
    assert await ids(product_id=shop.kopi["id"]) == [both["id"], kopi_only["id"]]
    assert await ids(product_id=shop.madu["id"], status="active") == [madu_only["id"]]
    assert await ids(product_id=2**53) == []
    for params, named in (({"status": "deleted"}, "status"), ({"q": ""}, "q"), ({"product_id": 0}, "product_id")):
        assert_validation(await client.get("/store/form", params=params, headers=h), named)


async def test_orders_count(client: httpx.AsyncClient, shop: Shop, rt: Runtime) -> None:
    first = await create_form(client, shop)
    second = await create_form(client, shop)
    for _ in range(3):
        await insert_order(rt, shop.store["id"], first["id"])
    await insert_order(rt, shop.store["id"], None)
    listed = (await client.get("/store/form", headers=shop.headers)).json()["data"]
    assert {form["id"]: form["orders_count"] for form in listed} == {first["id"]: 3, second["id"]: 0}
    detail = (await client.get(f"/store/form/{first['id']}", headers=shop.headers)).json()["data"]
    assert detail["orders_count"] == 3


async def test_list_query_count_does_not_grow_with_forms(client: httpx.AsyncClient, shop: Shop, rt: Runtime) -> None:
    async def listed() -> tuple[int, int]:
        with count_queries(rt) as queries:
            response = await client.get("/store/form", headers=shop.headers)
        assert response.status_code == 200
        return len(response.json()["data"]), queries.count

    for _ in range(2):
        form = await create_form(client, shop)
        await insert_order(rt, shop.store["id"], form["id"])
    small_size, small = await listed()
    for _ in range(10):
        form = await create_form(client, shop)
        await insert_order(rt, shop.store["id"], form["id"])
    large_size, large = await listed()
    assert (small_size, large_size) == (2, 12)
    # auth (3) + total + page + items + products + variants + order counts
    assert small == large <= 10, large
