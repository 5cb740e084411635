"""Download Product and Download Variant: streamed CSV and XLSX, parsed back and compared with the API."""

from __future__ import annotations

import csv
import io
from typing import Any

import httpx
import openpyxl

from bosonline.runtime import Runtime
from tests.catalog.helpers import create_product, put_stock, simple_product, sized_product
from tests.envelope import assert_validation
from tests.factories import seller
from tests.querycount import count_queries


def _csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response: httpx.Response) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


async def test_product_download_csv_and_xlsx_match_the_list(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    h = owner["headers"]
    tricky = await create_product(client, h, simple_product(name='=HYPERLINK("x") "Kopi", 1kg', sku="SKU-1"))
    sized = await create_product(client, h, sized_product(sizes=("S", "M"), status="inactive"))
    await put_stock(rt, owner["store"], sized["variants"][0]["id"], 6, reserved=2)

    response = await client.get("/store/product/download", headers=h)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    subdomain = owner["store"]["subdomain"]
    assert f'filename="products-{subdomain}-' in response.headers["content-disposition"]
    rows = {int(row["product_id"]): row for row in _csv(response)}
    assert set(rows) == {tricky["id"], sized["id"]}
    assert rows[tricky["id"]]["name"] == "'" + tricky["name"]  # formula injection defused
    assert rows[sized["id"]]["status"] == "inactive"
    assert (rows[sized["id"]]["on_hand"], rows[sized["id"]]["available"], rows[sized["id"]]["variants"]) == (
        "6",
        "4",
        "2",
    )

    response = await client.get("/store/product/download", params={"format": "xlsx", "status": "active"}, headers=h)
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["content-disposition"].split(";")[1].strip().endswith('.xlsx"')
    [row] = _xlsx(response)
    assert row["product_id"] == tricky["id"] and row["name"] == tricky["name"]  # a string cell, not a formula
    assert row["price_min"] == 50_000


async def test_variant_download_crosses_batches_and_matches(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    h = owner["headers"]
    sizes = tuple(f"S{i}" for i in range(10))
    colors = tuple(f"C{i}" for i in range(10))
    made = [await create_product(client, h, sized_product(sizes=sizes, colors=colors)) for _ in range(11)]
    expected = {v["id"]: (p["name"], v) for p in made for v in p["variants"]}
    with count_queries(rt) as queries:
        response = await client.get("/store/product/variant/download", params={"format": "csv"}, headers=h)
    rows = _csv(response)
    assert len(rows) == 1100 == len(expected)
    for row in rows:
        product_name, v = expected[int(row["variant_id"])]
        assert (row["product_name"], row["variant_name"], int(row["price"])) == (product_name, v["name"], v["price"])
    # Two batches of at most 1000, each one page plus one stock query: memory holds one batch, not the catalog.
    selects = [sql for sql in queries.statements if "FROM product_variants" in sql and "LIMIT" in sql]
    assert len(selects) == 2, selects
    xlsx_rows = _xlsx(await client.get("/store/product/variant/download", params={"format": "xlsx"}, headers=h))
    assert [row["variant_id"] for row in xlsx_rows] == [int(row["variant_id"]) for row in rows]


async def test_downloads_are_scoped_and_validated(client: httpx.AsyncClient) -> None:
    one, two = await seller(client), await seller(client)
    await create_product(client, one["headers"])
    assert _csv(await client.get("/store/product/download", headers=two["headers"])) == []
    assert (
        _xlsx(await client.get("/store/product/variant/download", params={"format": "xlsx"}, headers=two["headers"]))
        == []
    )
    assert_validation(
        await client.get("/store/product/download", params={"format": "pdf"}, headers=one["headers"]), "format"
    )
