"""Forms under concurrency: the per-store limit and generated slugs hold when creations race. On PostgreSQL the
requests run in parallel and queue on the store row's lock; on SQLite they queue on the write lock."""

from __future__ import annotations

import asyncio

import httpx

from bosonline.runtime import Runtime
from tests.form.helpers import form_body, insert_forms, make_shop


async def test_racing_creations_with_one_title_get_distinct_slugs(client: httpx.AsyncClient) -> None:
    shop = await make_shop(client)
    responses = await asyncio.gather(
        *(client.post("/store/form", json=form_body(shop, title="Flash Sale"), headers=shop.headers) for _ in range(10))
    )
    assert [r.status_code for r in responses] == [201] * 10, [r.text for r in responses]
    slugs = {r.json()["data"]["slug"] for r in responses}
    assert slugs == {"flash-sale"} | {f"flash-sale-{n}" for n in range(2, 11)}


async def test_racing_creations_stop_at_the_limit(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_shop(client)
    await insert_forms(rt, shop.store["id"], 197)
    responses = await asyncio.gather(
        *(client.post("/store/form", json=form_body(shop), headers=shop.headers) for _ in range(8))
    )
    assert sorted(r.status_code for r in responses) == [201] * 3 + [409] * 5, [r.text for r in responses]
    assert all(r.json()["error"]["code"] == "form_limit" for r in responses if r.status_code == 409)
    listed = await client.get("/store/form", params={"limit": 1}, headers=shop.headers)
    assert listed.json()["meta"]["total"] == 200
