"""List Voucher: newest first, keyset pages, filters by status, state and code/name, and no N+1."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from bosonline.models import Voucher
from bosonline.runtime import Runtime
from tests.factories import seller
from tests.inventory.helpers import make_product
from tests.querycount import count_queries
from tests.voucher.helpers import create_voucher


@pytest.fixture
async def owner(client: httpx.AsyncClient) -> dict[str, Any]:
    return await seller(client)


def codes(response: httpx.Response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["code"] for item in response.json()["data"]]


async def test_newest_first_in_pages(client: httpx.AsyncClient, owner: dict[str, Any]) -> None:
    made = [await create_voucher(client, owner["headers"], code=f"KODE{i:02d}") for i in range(7)]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        query = "?limit=3" + (f"&cursor={cursor}" if cursor else "")
        response = await client.get(f"/store/voucher{query}", headers=owner["headers"])
        seen += codes(response)
        assert response.json()["meta"]["total"] == 7
        cursor = response.json()["meta"]["next_cursor"]
        pages += 1
        if cursor is None:
            break
    assert pages == 3
    assert seen == [v["code"] for v in reversed(made)]


async def test_filters(client: httpx.AsyncClient, rt: Runtime, owner: dict[str, Any]) -> None:
    h = owner["headers"]
    now = rt.clock.now()
    await create_voucher(client, h, code="RUNNING", name="Promo Gajian")
    await create_voucher(client, h, code="SOON", starts_at=(now + timedelta(hours=1)).isoformat())
    await create_voucher(client, h, code="OVER", ends_at=(now - timedelta(seconds=0)).isoformat())
    used_up = await create_voucher(client, h, code="HABIS", quota_total=2)
    off = await create_voucher(client, h, code="MATI", name="Promo Lama")
    await client.patch(f"/store/voucher/{off['id']}/status", json={"status": "inactive"}, headers=h)
    async with rt.db.session() as session:
        await session.execute(update(Voucher).where(Voucher.id == used_up["id"]).values(used_count=2))
        await session.commit()

    async def listed(query: str) -> tuple[list[str], int]:
        response = await client.get(f"/store/voucher?{query}", headers=h)
        return codes(response), response.json()["meta"]["total"]

    assert await listed("state=running") == (["MATI", "RUNNING"], 2)  # state is the clock's, status apart
    assert await listed("state=scheduled") == (["SOON"], 1)
    assert await listed("state=expired") == (["OVER"], 1)
    assert await listed("state=exhausted") == (["HABIS"], 1)
    assert await listed("status=inactive") == (["MATI"], 1)
    assert await listed("status=active&state=running") == (["RUNNING"], 1)
    assert await listed("q=promo") == (["MATI", "RUNNING"], 2)  # name, any case
    assert await listed("q=bis") == (["HABIS"], 1)  # code, any case
    assert await listed("q=%25") == ([], 0)  # % is literal
    assert await listed("q=zzz") == ([], 0)
    states = {item["code"]: item["state"] for item in (await client.get("/store/voucher", headers=h)).json()["data"]}
    assert states == {
        "RUNNING": "running", "SOON": "scheduled", "OVER": "expired", "HABIS": "exhausted", "MATI": "running"
    }  # fmt: skip


async def test_list_query_count_does_not_grow_with_vouchers(
    client: httpx.AsyncClient, rt: Runtime, owner: dict[str, Any]
) -> None:
    store_id = owner["store"]["id"]
    products = [(await make_product(rt, store_id, name=f"Produk {i}"))[0] for i in range(3)]

    async def measure() -> int:
        with count_queries(rt) as log:
            response = await client.get("/store/voucher?limit=100", headers=owner["headers"])
        assert response.status_code == 200
        return log.count

    for i in range(2):
        await create_voucher(client, owner["headers"], product_ids=products[: i + 1])
    two = await measure()
    for i in range(10):
        await create_voucher(client, owner["headers"], product_ids=products[: i % 3 + 1])
    twelve = await measure()
    data = (await client.get("/store/voucher?limit=100", headers=owner["headers"])).json()["data"]
    assert len(data) == 12 and all(item["product_ids"] for item in data)
    assert two == twelve, (two, twelve)
