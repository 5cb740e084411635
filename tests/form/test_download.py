"""Form list Download: CSV and XLSX, parsed back and compared with the API; same filters as the list."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

import httpx
import openpyxl

from bosonline.runtime import Runtime
from tests.envelope import assert_validation
from tests.form.helpers import create_form, insert_order, item, make_shop

HEADER = [
    "id", "title", "slug", "status", "products", "payment_methods", "couriers", "accept_vouchers", "public_url",
    "orders", "created_at_store_time",
]  # fmt: skip


def _csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.content.startswith("\ufeff".encode())
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert reader.fieldnames == HEADER
    return list(reader)


def _xlsx(response: httpx.Response) -> list[dict[str, Any]]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


async def test_download_csv_and_xlsx(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_shop(client)
    h = shop.headers
    plain = await create_form(client, shop, title='=HYPERLINK("x") Promo', slug="promo")
    cod = await create_form(
        client,
        shop,
        title="COD Madu",
        items=[item(shop.madu, 1), item(shop.kopi)],
        payment_methods=["cod", "qris"],
        couriers=["jne", "jnt"],
        accept_vouchers=False,
        status="inactive",
    )
    deleted = await create_form(client, shop)
    assert (await client.delete(f"/store/form/{deleted['id']}", headers=h)).status_code == 200
    await insert_order(rt, shop.store["id"], cod["id"])
    await insert_order(rt, shop.store["id"], cod["id"])

    response = await client.get("/store/form/download", headers=h)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    subdomain = shop.store["subdomain"]
    assert f'filename="forms-{subdomain}-20261121.csv"' in response.headers["content-disposition"]
    rows = _csv(response)
    assert [int(row["id"]) for row in rows] == [plain["id"], cod["id"]]  # oldest first; deleted left out
    first, second = rows
    assert first["title"] == "'" + plain["title"]  # formula injection defused
    assert (first["slug"], first["status"], first["products"]) == ("promo", "active", "Kopi Gayo; Madu Hutan (200gr)")
    assert (first["payment_methods"], first["couriers"], first["accept_vouchers"]) == (
        "bank_transfer; cod",
        "all on the rate card",
        "true",
    )
    assert first["public_url"] == plain["public_url"] and first["orders"] == "0"
    # 03:00 UTC is 10:00 in Jakarta (WIB, UTC+7)
    assert datetime.fromisoformat(first["created_at_store_time"]).isoformat() == "2026-11-21T10:00:00+07:00"
    assert (second["status"], second["products"], second["orders"]) == (
        "inactive",
        "Madu Hutan (200gr); Kopi Gayo",
        "2",
    )
    assert (second["payment_methods"], second["couriers"], second["accept_vouchers"]) == (
        "cod; qris",
        "JNE; J&T Express",
        "false",
    )

    response = await client.get("/store/form/download", params={"format": "xlsx"}, headers=h)
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f'filename="forms-{subdomain}-20261121.xlsx"' in response.headers["content-disposition"]
    sheet = _xlsx(response)
    assert [row["id"] for row in sheet] == [plain["id"], cod["id"]]
    assert sheet[0]["title"] == plain["title"]  # a string cell, not a formula
    assert (sheet[1]["orders"], sheet[1]["accept_vouchers"]) == (2, False)
    assert sheet[0]["created_at_store_time"] == datetime(2026, 11, 21, 10, 0)


async def test_download_uses_the_list_filters(client: httpx.AsyncClient) -> None:
    shop = await make_shop(client)
    h = shop.headers
    kopi = await create_form(client, shop, title="Kopi", items=[item(shop.kopi)])
    madu = await create_form(client, shop, title="Madu", items=[item(shop.madu)], status="inactive")

    async def ids(**params: str | int) -> list[int]:
        return [int(row["id"]) for row in _csv(await client.get("/store/form/download", params=params, headers=h))]

    assert await ids(status="inactive") == [madu["id"]]
    assert await ids(q="kop") == [kopi["id"]]
    assert await ids(product_id=shop.madu["id"]) == [madu["id"]]
    assert await ids(q="nothing") == []
    assert_validation(await client.get("/store/form/download", params={"format": "pdf"}, headers=h), "format")
    other = await make_shop(client)
    assert _csv(await client.get("/store/form/download", headers=other.headers)) == []
