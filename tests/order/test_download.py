"""Download Order List (POST /store/order/download): streamed CSV and XLSX parsed back, the list's filters in the
body, read in batches (one orders query and one lines query per batch, never per order), CS visibility."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import openpyxl

from bosonline.kit.export import BATCH_SIZE
from bosonline.runtime import Runtime
from tests.envelope import assert_validation
from tests.factories import add_staff
from tests.order.helpers import cs_login, make_checkout_shop, place_orders
from tests.order.list_helpers import Line, Row, insert_orders
from tests.querycount import count_queries

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


def _csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.status_code == 200, response.text
    sheet = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


async def download(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> httpx.Response:
    return await client.post("/store/order/download", json=body, headers=headers)


async def test_csv_and_xlsx_hold_the_orders(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    items = [{"variant_id": shop.red, "quantity": 2}, {"variant_id": shop.kopi_variant, "quantity": 1}]
    [first] = await place_orders(client, rt, shop, 1, items=items, notes="Titip di satpam")
    [second] = await place_orders(client, rt, shop, 1, payment_method="cod", name="=HYPERLINK(1) Budi")

    response = await download(client, shop.headers)
    assert f'filename="orders-{shop.subdomain}-20261121.csv"' in response.headers["content-disposition"]
    rows = _csv(response)
    assert [row["number"] for row in rows] == [first.number, second.number]  # oldest first
    row = rows[0]
    assert row["created_at"] == "2026-11-21 10:00 WIB"
    assert (row["status"], row["payment_status"], row["payment_method"]) == ("pending", "unpaid", "bank_transfer")
    assert (row["customer_name"], row["phone"]) == ("Siti Aminah", "081234567890")
    assert row["address"] == "Jl. Margonda Raya No. 10" and "Depok" in row["region"]
    assert row["products"] == "Kaos Polos (Merah / L) ×2; Kopi Gayo ×1"
    assert row["quantity"] == "3"
    money = first.buyer["money"]
    assert int(row["product_price"]) == money["product_price"]
    assert int(row["shipping_cost"]) == money["shipping_cost"]
    assert int(row["unique_code"]) == money["unique_code"]
    assert int(row["total"]) == first.total
    assert (
        int(row["product_price"]) - int(row["discounts"]) + int(row["shipping_cost"]) + int(row["cod_fee"])
        + int(row["other_fee"]) - int(row["unique_code"])
    ) == first.total  # fmt: skip
    assert (row["courier"], row["service"], row["awb"]) == ("jne", "REG", "")
    assert row["handler"].startswith("CS ") and row["notes"] == "Titip di satpam"
    assert rows[1]["customer_name"] == "'=HYPERLINK(1) Budi"  # a formula in a spreadsheet: defused
    assert rows[1]["payment_method"] == "cod" and int(rows[1]["cod_fee"]) > 0

    response = await download(client, shop.headers, format="xlsx", payment_method="cod")
    assert response.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="orders-' in response.headers["content-disposition"]
    [cod] = _xlsx(response)
    assert cod["number"] == second.number and cod["customer_name"] == "=HYPERLINK(1) Budi"  # a string cell
    assert cod["total"] == second.total and cod["quantity"] == 2 and cod["products"] == "Kaos Polos (Merah / L) ×2"
    assert cod["created_at"] == "2026-11-21 10:00 WIB"


async def test_download_reads_in_batches(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=1)
    kaos = Line(shop.kaos, shop.red, quantity=2)
    kopi = Line(shop.kopi, shop.kopi_variant, "Kopi Gayo", "Kopi Gayo")
    n = BATCH_SIZE + 345
    rows = [
        Row(NOW - timedelta(seconds=n - i), number=f"INV/20261121/{i:05d}", lines=[kaos, kopi] if i % 2 else [kopi],
            status="confirmed" if i % 3 == 0 else "pending", handler_id=shop.cs_members[0] if i % 4 == 0 else None)
        for i in range(n)
    ]  # fmt: skip
    await insert_orders(rt, shop.store_id, rows)
    with count_queries(rt) as queries:
        got = _csv(await download(client, shop.headers))
    assert [row["number"] for row in got] == [row.number for row in rows]
    for i in (0, 1, BATCH_SIZE - 1, BATCH_SIZE, n - 1):
        expected = "Kaos Polos (Merah / L) ×2; Kopi Gayo ×1" if i % 2 else "Kopi Gayo ×1"
        assert (got[i]["products"], got[i]["quantity"]) == (expected, "3" if i % 2 else "1"), i
        assert got[i]["handler"] == ("CS 1" if i % 4 == 0 else ""), i
    # Two batches: each one page of orders and one query for their lines, whatever the number of orders.
    pages = [sql for sql in queries.statements if "FROM orders" in sql]
    lines = [sql for sql in queries.statements if "FROM order_lines" in sql]
    assert len(pages) == 2 and all("LIMIT" in sql for sql in pages), pages
    assert len(lines) == 2, lines
    # The filters in the body, as in the list.
    confirmed = _csv(await download(client, shop.headers, status=["confirmed"], handler_id=shop.cs_members[0]))
    assert [row["number"] for row in confirmed] == [row.number for i, row in enumerate(rows) if i % 12 == 0]


async def test_download_filters_scope_and_cs(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    other = await make_checkout_shop(client, rt, cs=0)
    email = "putri-download@example.com"
    putri = await add_staff(client, shop.headers, email=email, name="Putri")
    late = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)  # 23:30 WIB on the 20th
    await insert_orders(
        rt, shop.store_id,
        [Row(late, number="INV/1/MINE", handler_id=putri["id"]), Row(NOW, number="INV/2/NOBODY", courier="sicepat")],
    )  # fmt: skip
    await insert_orders(rt, other.store_id, [Row(NOW, number="INV/3/THEIRS")])
    h = shop.headers

    async def numbers(headers: dict[str, str], **body: Any) -> list[str]:
        return [row["number"] for row in _csv(await download(client, headers, **body))]

    assert await numbers(h) == ["INV/1/MINE", "INV/2/NOBODY"]
    assert await numbers(h, date_from="2026-11-20", date_to="2026-11-20") == ["INV/1/MINE"]
    assert await numbers(h, courier="sicepat", q="nobody") == ["INV/2/NOBODY"]
    assert await numbers(h, status="pending,canceled") == ["INV/1/MINE", "INV/2/NOBODY"]
    assert await numbers(other.headers) == ["INV/3/THEIRS"]
    [mine] = _csv(await download(client, h, date_to="2026-11-20"))
    assert mine["created_at"] == "2026-11-20 23:30 WIB" and mine["handler"] == "Putri"
    cs = await cs_login(client, shop, email)
    assert await numbers(cs) == ["INV/1/MINE"]

    for body, field in (
        ({"format": "pdf"}, "format"),
        ({"status": ["lost"]}, "status.0"),
        ({"date_from": "2026-11-21", "date_to": "2026-11-20"}, "date_to"),
        ({"handler_id": 2**53 + 1}, "handler_id"),
        ({"q": "x" * 101}, "q"),
        ({"limit": 5}, "limit"),  # unknown keys are refused, not ignored
    ):
        assert_validation(await download(client, h, **body), field, case=body)
