"""Recap Product (GET /store/recap/product and its download): per product and variant of the period's orders,
equal to the same figures computed plainly from the rows; ranked, paged and downloadable; bad periods refused."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.factories import staff_headers
from tests.order.helpers import make_checkout_shop
from tests.order.list_helpers import Line, Row, insert_orders
from tests.report.recap_helpers import get_ok, returned_then_closed

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)  # the tests' clock: 10:00 WIB
# The default period: 2026-10-23 … 2026-11-21 (WIB), i.e. from 2026-10-22 17:00 UTC.
FIRST = datetime(2026, 10, 22, 17, 0, tzinfo=UTC)
SORTS = ("revenue", "units", "orders", "paid_ratio", "cancel_rate", "rts_rate")
PATH = "/store/recap/product"


def ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def expected(rows: list[Row], closed_after_rts: set[int]) -> dict[tuple[int, int], dict[str, Any]]:
    """The figures the plain way: per (product id, variant id) of the rows (0 for a deleted one)."""
    got: dict[tuple[int, int], dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    for n, row in enumerate(rows):
        rts = row.status == "rts" or n in closed_after_rts
        live = row.status != "canceled" and not rts
        per_variant: dict[tuple[int, int], list[Line]] = defaultdict(list)
        for line in row.lines:
            per_variant[(line.product_id or 0, line.variant_id or 0)].append(line)
        for key, lines in per_variant.items():
            figures = got[key]
            figures["orders"] += 1
            figures["units"] += sum(line.quantity for line in lines) if live else 0
            figures["revenue"] += sum(line.unit_price * line.quantity for line in lines) if live else 0
            figures["paid_orders"] += row.payment_status in ("paid", "settled")
            figures["canceled_orders"] += row.status == "canceled"
            figures["shipped_orders"] += row.status in ("shipped", "completed", "rts", "closed")
            figures["rts_orders"] += rts
    for figures in got.values():
        figures["paid_ratio"] = ratio(figures["paid_orders"], figures["orders"])
        figures["cancel_rate"] = ratio(figures["canceled_orders"], figures["orders"])
        figures["rts_rate"] = ratio(figures["rts_orders"], figures["shipped_orders"])
    return got


def rank_key(sort: str, figures: dict[str, Any], key: tuple[int, int]) -> tuple[int, int, int]:
    parts = {"paid_ratio": ("paid_orders", "orders"), "cancel_rate": ("canceled_orders", "orders"),
             "rts_rate": ("rts_orders", "shipped_orders")}  # fmt: skip
    if sort in parts:
        part, whole = (figures[name] for name in parts[sort])
        value = part * 10_000 // whole if whole else 0
    else:
        value = figures[sort]
    return value, *key


@pytest.fixture
async def recap_shop(client: httpx.AsyncClient, rt: Runtime) -> Any:
    shop = await make_checkout_shop(client, rt, cs=0)
    red = Line(shop.kaos, shop.red, sku="KAOS-M", unit_price=50_000)
    black = Line(shop.kaos, shop.black, "Kaos Polos", "Hitam / M", sku="KAOS-H", unit_price=55_000, quantity=2)
    kopi = Line(shop.kopi, shop.kopi_variant, "Kopi Gayo", "Kopi Gayo", sku="KOPI", unit_price=85_000, quantity=3)
    gone = Line(None, None, "Sabun Lama", "Sabun Lama", unit_price=20_000)  # a product deleted since
    statuses = [("pending", "unpaid"), ("confirmed", "paid"), ("shipped", "paid"), ("completed", "settled"),
                ("canceled", "unpaid"), ("rts", "unpaid"), ("closed", "settled"), ("closed", "unpaid")]  # fmt: skip
    shapes = [[red], [black], [kopi, red], [black, red], [gone], [black, kopi], [kopi]]  # a variant once per order
    rows = [
        Row(FIRST + timedelta(hours=17 * n), status=statuses[n % 8][0], payment_status=statuses[n % 8][1],
            lines=shapes[n % 7])
        for n in range(40)
    ]  # fmt: skip
    outside = [Row(FIRST - timedelta(seconds=1), lines=[red]), Row(NOW + timedelta(hours=14), lines=[kopi])]
    ids = await insert_orders(rt, shop.store_id, rows + outside)
    # Closed orders: one in two came back (rts → closed) before closing.
    closed_after_rts = {n for n, row in enumerate(rows) if row.status == "closed" and n % 2}
    for n in closed_after_rts:
        await returned_then_closed(rt, shop.store_id, ids[n], NOW)
    return shop, rows, closed_after_rts


async def test_figures_equal_a_plain_computation(client: httpx.AsyncClient, rt: Runtime, recap_shop: Any) -> None:
    shop, rows, closed_after_rts = recap_shop
    want = expected(rows, closed_after_rts)
    body = await get_ok(client, PATH, shop.headers, limit=100)
    assert body["meta"] | {"next_cursor": None} == {
        "next_cursor": None, "total": len(want), "date_from": "2026-10-23", "date_to": "2026-11-21",
        "timezone": "Asia/Jakarta", "sort": "revenue", "order": "desc",
    }  # fmt: skip
    got = {(item["product_id"] or 0, item["variant_id"] or 0): item for item in body["data"]}
    assert set(got) == set(want)
    for key, figures in want.items():
        item = got[key]
        assert {name: item[name] for name in figures} == figures, key
    assert got[(shop.kopi, shop.kopi_variant)]["product_name"] == "Kopi Gayo"
    assert got[(0, 0)]["product_id"] is None and got[(0, 0)]["product_name"] == "Sabun Lama"
    top = body["data"][0]
    assert top["revenue_text"] == "Rp" + f"{top['revenue']:,}".replace(",", ".")
    # Half the period: only its orders (local days, WIB).
    half = await get_ok(client, PATH, shop.headers, **{"from": "2026-11-07", "to": "2026-11-21"})
    since = datetime(2026, 11, 6, 17, 0, tzinfo=UTC)
    later = expected([r if r.created_at >= since else Row(r.created_at) for r in rows], closed_after_rts)
    later = {key: figures for key, figures in later.items() if figures}
    assert {(i["product_id"] or 0, i["variant_id"] or 0): i["orders"] for i in half["data"]} == {
        key: figures["orders"] for key, figures in later.items()
    }


@pytest.mark.parametrize("order", ["desc", "asc"])
async def test_ranked_and_paged_by_every_sort(
    client: httpx.AsyncClient, rt: Runtime, recap_shop: Any, order: str
) -> None:
    shop, rows, closed_after_rts = recap_shop
    want = expected(rows, closed_after_rts)
    for sort in SORTS:
        ranking = sorted(want, key=lambda key: rank_key(sort, want[key], key), reverse=order == "desc")
        seen: list[tuple[int, int]] = []
        cursor = None
        while True:
            params: dict[str, Any] = {"sort": sort, "order": order, "limit": 2}
            if cursor:
                params["cursor"] = cursor
            body = await get_ok(client, PATH, shop.headers, **params)
            assert body["meta"]["total"] == len(want)
            seen += [(item["product_id"] or 0, item["variant_id"] or 0) for item in body["data"]]
            cursor = body["meta"]["next_cursor"]
            if cursor is None:
                break
        assert seen == ranking, sort


async def test_download_has_the_whole_ranking(client: httpx.AsyncClient, rt: Runtime, recap_shop: Any) -> None:
    shop, _, _ = recap_shop
    body = await get_ok(client, PATH, shop.headers, sort="units", limit=100)
    response = await client.get(f"{PATH}/download", params={"sort": "units"}, headers=shop.headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "recap-product-20261023-20261121" in response.headers["content-disposition"]
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table[0][:3] == ["Produk", "Varian", "SKU"]
    assert [(r[0], r[1], int(r[6]), int(r[7])) for r in table[1:]] == [
        (i["product_name"], i["variant_name"], i["units"], i["revenue"]) for i in body["data"]
    ]
    xlsx = await client.get(f"{PATH}/download", params={"format": "xlsx"}, headers=shop.headers)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


async def test_an_empty_period_is_an_empty_ranking(client: httpx.AsyncClient, rt: Runtime, recap_shop: Any) -> None:
    shop, _, _ = recap_shop
    body = await get_ok(client, PATH, shop.headers, **{"from": "2025-01-01", "to": "2025-12-31"})
    assert body["data"] == [] and body["meta"]["total"] == 0 and body["meta"]["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"from": "2026-11-21", "to": "2026-11-01"}, "period_reversed", "from"),
        ({"from": "2025-01-01", "to": "2026-01-02"}, "period_too_long", "to"),
        ({"from": "2100-12-31", "to": "2100-12-31"}, None, None),
        ({"from": "1999-12-31"}, "period_out_of_bounds", "from"),
        ({"to": "2101-01-01"}, "period_out_of_bounds", "to"),
        ({"to": "2026-02-30"}, "validation_error", "to"),
        ({"sort": "profit"}, "validation_error", "sort"),
        ({"order": "up"}, "validation_error", "order"),
        ({"limit": 101}, "validation_error", "limit"),
        ({"cursor": "bm90LWEtY3Vyc29y"}, "validation_error", "cursor"),
        ({"format": "pdf"}, "validation_error", "format"),
    ],
)
async def test_bad_input_is_a_clear_422(
    client: httpx.AsyncClient, rt: Runtime, recap_shop: Any, params: dict[str, Any], code: str | None,
    field: str | None,
) -> None:  # fmt: skip
    shop, _, _ = recap_shop
    path = f"{PATH}/download" if "format" in params else PATH
    response = await client.get(path, params=params, headers=shop.headers)
    if code is None:
        assert response.status_code == 200, response.text
        return
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert field in str(error.get("fields")), error


async def test_a_366_day_period_is_the_longest(client: httpx.AsyncClient, rt: Runtime, recap_shop: Any) -> None:
    shop, _, _ = recap_shop
    await get_ok(client, PATH, shop.headers, **{"from": "2025-11-21", "to": "2026-11-21"})
    refused = await client.get(f"{PATH}/download", params={"from": "2025-11-20", "to": "2026-11-21"},
                               headers=shop.headers)  # fmt: skip
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "period_too_long"


async def test_cs_cannot_read_it(client: httpx.AsyncClient, rt: Runtime, recap_shop: Any) -> None:
    shop, _, _ = recap_shop
    cs = await staff_headers(client, shop.headers, role="cs", email="cs-recap@example.com")
    for path in (PATH, f"{PATH}/download"):
        response = await client.get(path, headers=cs)
        assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
