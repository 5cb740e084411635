"""Every bound of a voucher body: refused with a 422 naming the field, and nothing written."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bosonline.kit.fields import MAX_PRICE
from bosonline.models import Voucher
from bosonline.runtime import Runtime
from tests.envelope import assert_error, assert_validation, refusals
from tests.factories import seller
from tests.inventory.helpers import archive_product, count_rows, make_product
from tests.voucher.helpers import create_voucher, voucher_body

BAD: list[tuple[dict[str, Any], str]] = [
    *refusals({"code": ["AB", "A" * 33, "HEMAT 10", "HEMAT!", "DISKÖN", "", 123]}),
    *refusals({"name": ["", "   ", "x" * 101, "Diskon\x00"]}),
    *refusals({"kind": ["bogo"]}),
    *refusals({"target": ["all"]}),
    *refusals({"value": [0, -5, 101]}),  # 101: over a percentage
    ({"kind": "fixed", "max_discount": None, "value": MAX_PRICE + 1}, "value"),
    *refusals({"value": [1.5]}),
    *refusals({"max_discount": [0, MAX_PRICE + 1]}),
    ({"kind": "fixed", "value": 10_000, "max_discount": 5_000}, "max_discount"),
    *refusals({"min_purchase": [-1, MAX_PRICE + 1, None]}),
    *refusals({"starts_at": ["2026-12-01T00:00:00"]}),  # naive
    *refusals({"ends_at": ["2026-12-01T00:00:00"]}),  # naive
    *refusals({"starts_at": ["kemarin", "1999-12-31T00:00:00Z"]}),
    *refusals({"ends_at": ["2100-01-01T00:00:00Z", "9999-12-31T23:00:00-14:00"]}),
    ({"starts_at": "2026-12-02T00:00:00Z", "ends_at": "2026-12-01T00:00:00Z"}, "ends_at"),
    ({"starts_at": "2026-12-01T07:00:00+07:00", "ends_at": "2026-12-01T00:00:00Z"}, "ends_at"),  # equal
    *refusals({"quota_total": [0, 1_000_001]}),
    *refusals({"quota_per_buyer": [0, 1_001]}),
    ({"quota_total": 5, "quota_per_buyer": 6}, "quota_per_buyer"),
    *refusals({"show_on_checkout": ["maybe"]}),
    *refusals({"product_ids": [[1, 1]]}),
    ({"product_ids": [0]}, "product_ids.0"),
    ({"product_ids": [2**53 + 1]}, "product_ids.0"),
    *refusals({"product_ids": [list(range(1, 202)), "1,2"]}),
    *refusals({"used_count": [0]}),  # not an input
    *refusals({"status": ["inactive"]}),  # has its own route
]


@pytest.fixture
async def owner(client: httpx.AsyncClient) -> dict[str, Any]:
    return await seller(client)


async def test_every_bound_is_refused_on_create_and_replace(
    client: httpx.AsyncClient, rt: Runtime, owner: dict[str, Any]
) -> None:
    existing = await create_voucher(client, owner["headers"], code="TETAP")
    for fields, field in BAD:
        body = voucher_body(**fields)
        created = await client.post("/store/voucher", json=body, headers=owner["headers"])
        assert_validation(created, field, case=fields)
        replaced = await client.put(f"/store/voucher/{existing['id']}", json=body, headers=owner["headers"])
        assert_validation(replaced, field, case=fields)
    assert await count_rows(rt, Voucher) == 1
    unchanged = (await client.get(f"/store/voucher/{existing['id']}", headers=owner["headers"])).json()["data"]
    assert unchanged == existing


async def test_missing_required_fields(client: httpx.AsyncClient, owner: dict[str, Any]) -> None:
    for field in ("code", "name", "kind", "target", "value"):
        body = voucher_body()
        del body[field]
        assert_validation(await client.post("/store/voucher", json=body, headers=owner["headers"]), field, case=field)
    for raw in (b"", b"[]", b"null"):
        response = await client.post(
            "/store/voucher", content=raw, headers={**owner["headers"], "content-type": "application/json"}
        )
        assert response.status_code in (400, 422), (raw, response.text)


async def test_bounds_that_are_allowed(client: httpx.AsyncClient, rt: Runtime, owner: dict[str, Any]) -> None:
    product_ids = [(await make_product(rt, owner["store"]["id"], name=f"Produk {i}"))[0] for i in range(3)]
    accepted = [
        {"code": "abc"},
        {"code": "A-b_" + "9" * 28},
        {"value": 1, "max_discount": 1},
        {"value": 100},
        {"kind": "fixed", "value": MAX_PRICE, "max_discount": None},
        {"min_purchase": 0},
        {"min_purchase": MAX_PRICE},
        {"quota_total": 1_000_000, "quota_per_buyer": 1_000},
        {"quota_total": 1, "quota_per_buyer": 1},
        {"quota_per_buyer": 1_000},
        {"starts_at": "2000-01-01T00:00:00Z", "ends_at": "2099-12-31T23:59:59+00:00"},
        {"starts_at": "2026-12-01T00:00:00+07:00"},
        {"product_ids": product_ids},
    ]
    for fields in accepted:
        body = voucher_body(**fields)
        if "code" not in fields:
            body["code"] = f"OK{accepted.index(fields)}"
        response = await client.post("/store/voucher", json=body, headers=owner["headers"])
        assert response.status_code == 201, (fields, response.text)


async def test_product_ids_must_be_live_products_of_the_store(
    client: httpx.AsyncClient, rt: Runtime, owner: dict[str, Any]
) -> None:
    store_id = owner["store"]["id"]
    kaos, _ = await make_product(rt, store_id, name="Kaos")
    old, _ = await make_product(rt, store_id, name="Lama")
    await archive_product(rt, old, rt.clock.now())
    other = await seller(client)
    foreign, _ = await make_product(rt, other["store"]["id"], name="Punya Orang")
    existing = await create_voucher(client, owner["headers"], code="TETAP", product_ids=[kaos])

    cases = [
        ([kaos, foreign], ["product_ids.1"]),
        ([old], ["product_ids.0"]),
        ([999_999, kaos, old], ["product_ids.0", "product_ids.2"]),
    ]
    for product_ids, fields in cases:
        body = voucher_body(product_ids=product_ids)
        error = assert_error(
            await client.post("/store/voucher", json=body, headers=owner["headers"]),
            422,
            "validation_error",
            fields=fields,
        )
        assert set(error["fields"]) == set(fields), error
        assert_error(
            await client.put(f"/store/voucher/{existing['id']}", json=body, headers=owner["headers"]),
            422,
            "validation_error",
            fields=fields,
        )
    assert await count_rows(rt, Voucher) == 1
    after = (await client.get(f"/store/voucher/{existing['id']}", headers=owner["headers"])).json()["data"]
    assert after["product_ids"] == [kaos]


async def test_query_bounds(client: httpx.AsyncClient, owner: dict[str, Any]) -> None:
    for query, field in (
        ("status=deleted", "status"),
        ("state=soon", "state"),
        ("q=", "q"),
        ("q=" + "x" * 101, "q"),
        ("limit=0", "limit"),
        ("limit=101", "limit"),
        ("cursor=not-a-cursor", "cursor"),
    ):
        assert_validation(await client.get(f"/store/voucher?{query}", headers=owner["headers"]), field, case=query)
