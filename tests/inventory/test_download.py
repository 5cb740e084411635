"""GET /store/inventory/download: CSV and XLSX parsed back and compared with GET /store/inventory."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime
from typing import Any

import httpx
import openpyxl
import pytest
from sqlalchemy import update

from bosonline.inventory.export import HEADER, inventory_batches
from bosonline.inventory.repository import InventoryFilters
from bosonline.kit.clock import FrozenClock
from bosonline.models import Store
from bosonline.runtime import Runtime
from tests.envelope import assert_error, assert_validation
from tests.factories import bearer, login
from tests.inventory.helpers import Shop, bulk_variants, make_product, make_shop, put_stock
from tests.querycount import count_queries

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def shop(client: httpx.AsyncClient, rt: Runtime) -> Shop:
    shop = await make_shop(client, rt)
    await put_stock(rt, shop.store_id, shop.kaos_red, shop.main, 10, 3)
    await put_stock(rt, shop.store_id, shop.kopi_variant, shop.branch, 2)
    return shop


async def listed(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> list[list[Any]]:
    """Every row of GET /store/inventory (all pages) in the download's column order."""
    rows: list[list[Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 100, **({"cursor": cursor} if cursor else {})}
        body = (await client.get("/store/inventory", params=query, headers=headers)).json()
        rows += [
            [
                r["variant_id"],
                r["product_id"],
                r["product_name"],
                r["variant_name"],
                r["sku"],
                r["status"],
                r["warehouse"]["id"],
                r["warehouse"]["name"],
                r["on_hand"],
                r["reserved"],
                r["available"],
            ]
            for r in body["data"]
        ]
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            return rows


def parse_csv(response: httpx.Response) -> list[list[Any]]:
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    header, *rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff"))))
    assert tuple(header) == HEADER
    numeric = {0, 1, 6, 8, 9, 10}
    return [[int(cell) if i in numeric else (cell or None) for i, cell in enumerate(row)] for row in rows]


def parse_xlsx(response: httpx.Response) -> list[list[Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert tuple(header) == HEADER
    return rows


async def download(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> httpx.Response:
    response = await client.get("/store/inventory/download", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response


async def test_csv_matches_the_listing(client: httpx.AsyncClient, shop: Shop) -> None:
    response = await download(client, shop.headers, format="csv")
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    subdomain = shop.owner["store"]["subdomain"]
    assert f'filename="inventory-{subdomain}-20261121.csv"' in response.headers["content-disposition"]
    rows = parse_csv(response)
    assert rows == await listed(client, shop.headers)
    assert len(rows) == 6
    assert rows[0] == [
        shop.kaos_red,
        shop.kaos,
        "Kaos Polos",
        "Merah / L",
        "KAOS-MRH-L",
        "active",
        shop.main,
        "Gudang Utama",
        10,
        3,
        7,
    ]


async def test_xlsx_matches_the_listing(client: httpx.AsyncClient, shop: Shop) -> None:
    response = await download(client, shop.headers, format="xlsx")
    assert response.headers["content-type"] == XLSX
    assert "20261121.xlsx" in response.headers["content-disposition"]
    assert parse_xlsx(response) == await listed(client, shop.headers)


async def test_csv_is_the_default_format(client: httpx.AsyncClient, shop: Shop) -> None:
    response = await download(client, shop.headers)
    assert response.headers["content-type"].startswith("text/csv")


async def test_filters_apply(client: httpx.AsyncClient, shop: Shop) -> None:
    for params in (
        {"low_stock": "true", "threshold": 2},
        {"out_of_stock": "true"},
        {"warehouse_id": shop.branch},
        {"q": "kopi"},
        {"product_id": shop.kaos, "status": "active"},
        {"status": "inactive"},
    ):
        rows = parse_csv(await download(client, shop.headers, **params))
        assert rows == await listed(client, shop.headers, **params), params
        assert parse_xlsx(await download(client, shop.headers, format="xlsx", **params)) == rows, params
    assert parse_csv(await download(client, shop.headers, status="inactive")) == []


async def test_formula_like_names_are_not_formulas(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    await make_product(rt, shop.store_id, name='=HYPERLINK("http://x")', skus=["+62-SKU"])
    csv_rows = parse_csv(await download(client, shop.headers, q="hyperlink"))
    assert csv_rows[0][2:5] == ['\'=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")', "'+62-SKU"]
    xlsx_rows = parse_xlsx(await download(client, shop.headers, format="xlsx", q="hyperlink"))
    assert xlsx_rows[0][2:5] == ['=HYPERLINK("http://x")', '=HYPERLINK("http://x")', "+62-SKU"]


async def test_file_name_uses_the_store_day_and_falls_back_to_the_id(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, shop: Shop
) -> None:
    clock.advance(hours=15, minutes=30)  # 18:30 UTC = 01:30 the next day in Jakarta
    assert clock.now() == datetime(2026, 11, 21, 18, 30, tzinfo=UTC)
    subdomain = shop.owner["store"]["subdomain"]
    response = await client.get("/store/inventory/download", params={"format": "xlsx"}, headers=shop.headers)
    assert response.status_code == 401  # the token of 03:00 has expired: log in again at the new time
    headers = bearer(await login(client, shop.owner["email"]))
    response = await download(client, headers, format="xlsx")
    assert f'filename="inventory-{subdomain}-20261122.xlsx"' in response.headers["content-disposition"]
    async with rt.db.session() as session:
        await session.execute(
            update(Store).where(Store.id == shop.store_id).values(subdomain=None, timezone="Asia/Jayapura")
        )
        await session.commit()
    response = await download(client, headers, format="csv")
    assert f'filename="inventory-{shop.store_id}-20261122.csv"' in response.headers["content-disposition"]


async def test_batches_end_and_resume_between_variants(rt: Runtime, client: httpx.AsyncClient, shop: Shop) -> None:
    """Batches of 2 variants over 3 variants × 2 warehouses: the rows of every batch, in order, are the listing."""
    for filters, params in (
        (InventoryFilters(), {}),
        (InventoryFilters(warehouse_id=shop.branch), {"warehouse_id": shop.branch}),
        (InventoryFilters(out_of_stock=True), {"out_of_stock": "true"}),
    ):
        batches = [batch async for batch in inventory_batches(rt.db, shop.store_id, filters, batch_size=2)]
        assert [list(row) for batch in batches for row in batch] == await listed(client, shop.headers, **params)
        assert all(batches)


async def test_large_download_crosses_batches(client: httpx.AsyncClient, rt: Runtime, shop: Shop) -> None:
    product, (default_variant,) = await make_product(rt, shop.store_id, name="Grosir")
    variants = await bulk_variants(rt, shop.store_id, product, 3000)
    for variant in (variants[0], variants[999], variants[1000], variants[2999]):
        await put_stock(rt, shop.store_id, variant, shop.branch, variant % 97 + 1)
    expected_pairs = sorted(
        (variant, warehouse)
        for variant in [shop.kaos_red, shop.kaos_black, shop.kopi_variant, default_variant, *variants]
        for warehouse in (shop.main, shop.branch)
    )
    timings = {}
    for fmt in ("csv", "xlsx"):
        with count_queries(rt) as log:
            started = time.perf_counter()
            response = await download(client, shop.headers, format=fmt)
            timings[fmt] = (time.perf_counter() - started, len(response.content))
        # auth (2) + per batch of 1,000 variants: their ids, then their rows (4 batches)
        assert log.count <= 2 + 2 * 4, log.statements
        rows = parse_csv(response) if fmt == "csv" else parse_xlsx(response)
        pairs = [(row[0], row[6]) for row in rows]
        assert pairs == expected_pairs
        by_pair = {(row[0], row[6]): row for row in rows}
        for variant in (variants[0], variants[999], variants[1000], variants[2999]):
            assert by_pair[(variant, shop.branch)][8:] == [variant % 97 + 1, 0, variant % 97 + 1]
            assert by_pair[(variant, shop.main)][8:] == [0, 0, 0]
    print(
        "\ndownload 3,004 variants x 2 warehouses: "
        + ", ".join(f"{fmt} {t * 1000:.0f} ms ({size // 1024} KiB)" for fmt, (t, size) in timings.items())
    )


async def test_access(client: httpx.AsyncClient, shop: Shop) -> None:
    assert parse_csv(await download(client, shop.cs_headers)) == await listed(client, shop.headers)
    assert_error(await client.get("/store/inventory/download"), 401, "unauthorized")
    assert_validation(
        await client.get("/store/inventory/download", params={"format": "pdf"}, headers=shop.headers), "format"
    )
    assert_validation(
        await client.get("/store/inventory/download", params={"threshold": -1}, headers=shop.headers), "threshold"
    )
