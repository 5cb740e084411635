"""Recap Order List (GET /store/order/recap): per status (every one), per payment status and overall, equal to a
plain aggregate over the orders; from the recap counters without reading `orders` when the filters allow it."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bosonline.order.state import STATUSES
from bosonline.runtime import Runtime
from tests.order.helpers import make_checkout_shop, place_orders, stats_match
from tests.order.list_helpers import Line, Row, insert_orders
from tests.querycount import count_queries

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
METHODS = ("bank_transfer", "cod", "qris")
PAYMENTS = ("unpaid", "paid", "conflict", "settled")


def expected(rows: list[Row]) -> dict[str, Any]:
    """The recap computed the plain way, from the rows themselves."""
    by_status: Counter[str] = Counter()
    sums: Counter[str] = Counter()
    by_payment: Counter[str] = Counter()
    payment_sums: Counter[str] = Counter()
    for row in rows:
        assert row.total is not None
        by_status[row.status] += 1
        sums[row.status] += row.total
        by_payment[row.payment_status] += 1
        payment_sums[row.payment_status] += row.total
    return {
        "overall": {"orders": len(rows), "total": sum(row.total or 0 for row in rows)},
        "statuses": [{"status": s, "orders": by_status[s], "total": sums[s]} for s in STATUSES],
        "payment_statuses": [
            {"payment_status": p, "orders": by_payment[p], "total": payment_sums[p]} for p in PAYMENTS
        ],
    }


async def recap(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    response = await client.get("/store/order/recap", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def test_recap_equals_a_plain_aggregate(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    handlers = [None, *shop.cs_members]
    kopi = Line(shop.kopi, shop.kopi_variant, "Kopi Gayo", "Kopi Gayo", sku="KOPI-1")
    kaos = Line(shop.kaos, shop.red, sku="KAOS-1")
    rows = [
        Row(
            NOW - timedelta(hours=7 * n),  # spread over ~9 days, across WIB midnights
            status=STATUSES[n % len(STATUSES)],
            payment_status=PAYMENTS[n % 4],
            payment_method=METHODS[n % 3],
            handler_id=handlers[n % 3],
            courier=("jne", "sicepat")[n % 2],
            customer_name=f"Pembeli {n}",
            total=10_000 + 1_000 * n,
            lines=[kopi] if n % 5 == 0 else [kaos],
        )
        for n in range(31)
    ]
    await insert_orders(rt, shop.store_id, rows)
    await stats_match(rt, shop.store_id)
    h = shop.headers

    def local_day(row: Row) -> str:
        return (row.created_at + timedelta(hours=7)).date().isoformat()

    cases: list[tuple[dict[str, Any], Any, str]] = [
        ({}, lambda r: True, "counters"),
        ({"status": "pending,shipped"}, lambda r: r.status in ("pending", "shipped"), "counters"),
        ({"payment_status": "paid", "payment_method": "cod"},
         lambda r: r.payment_status == "paid" and r.payment_method == "cod", "counters"),
        ({"handler_id": shop.cs_members[0]}, lambda r: r.handler_id == shop.cs_members[0], "counters"),
        ({"handler_id": 0}, lambda r: r.handler_id is None, "counters"),
        ({"date_from": "2026-11-15", "date_to": "2026-11-18"},
         lambda r: "2026-11-15" <= local_day(r) <= "2026-11-18", "counters"),
        ({"date_from": "2026-11-17", "status": "canceled,rts,closed"},
         lambda r: local_day(r) >= "2026-11-17" and r.status in ("canceled", "rts", "closed"), "counters"),
        ({"courier": "sicepat"}, lambda r: r.courier == "sicepat", "orders"),
        ({"product_id": shop.kopi}, lambda r: r.lines[0] is kopi, "orders"),
        ({"sku": "kaos-1", "status": "pending"}, lambda r: r.lines[0] is kaos and r.status == "pending", "orders"),
        ({"q": "pembeli 1"}, lambda r: r.customer_name.startswith("Pembeli 1"), "orders"),
        ({"form_id": shop.form_id}, lambda r: False, "orders"),
    ]  # fmt: skip
    for params, keep, source in cases:
        got = await recap(client, h, **params)
        assert got.pop("source") == source, params
        assert got == expected([row for row in rows if keep(row)]), params
        assert [s["status"] for s in got["statuses"]] == list(STATUSES)


async def test_counters_follow_real_orders(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    placed = await place_orders(client, rt, shop, 3)
    placed += await place_orders(client, rt, shop, 1, payment_method="cod")
    got = await recap(client, shop.headers)
    assert got["source"] == "counters"
    assert got["overall"] == {"orders": 4, "total": sum(p.total for p in placed)}
    pending = next(s for s in got["statuses"] if s["status"] == "pending")
    assert pending == {"status": "pending", "orders": 4, "total": sum(p.total for p in placed)}
    assert all(s["orders"] == 0 for s in got["statuses"] if s["status"] != "pending")
    cod = await recap(client, shop.headers, payment_method="cod")
    assert cod["overall"] == {"orders": 1, "total": placed[-1].total}
    # Same figures the slow way (a filter the counters do not key).
    assert (await recap(client, shop.headers, courier="jne"))["overall"] == got["overall"]


async def test_counter_recaps_never_read_orders(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=1)
    await insert_orders(rt, shop.store_id, [Row(NOW - timedelta(days=n), total=1000) for n in range(40)])
    for params in ({}, {"date_from": "2026-10-23", "date_to": "2026-11-21"}, {"status": "pending", "handler_id": 0}):
        with count_queries(rt) as queries:
            got = await recap(client, shop.headers, **params)
        assert got["source"] == "counters"
        assert not [sql for sql in queries.statements if "FROM orders" in sql], queries.statements
        assert got["overall"]["orders"] == (30 if "date_from" in params else 40), params
    with count_queries(rt) as queries:
        assert (await recap(client, shop.headers, courier="jne"))["overall"]["orders"] == 40
    assert [sql for sql in queries.statements if "FROM orders" in sql and "GROUP BY" in sql]


async def test_a_time_zone_change_moves_the_counters_days(client: httpx.AsyncClient, rt: Runtime, clock: Any) -> None:
    """The counters' day is the store-local date: after the store moves from WIB to WIT, an order placed at 23:30
    WIB on the 20th (01:30 WIT on the 21st) is counted on the 21st, as the list's date filter finds it."""
    shop = await make_checkout_shop(client, rt, cs=0)
    clock.advance(hours=-10.5)  # 2026-11-20 16:30 UTC
    await place_orders(client, rt, shop)
    clock.advance(hours=10.5)

    async def counted(day: str) -> tuple[int, int]:
        listed = await client.get("/store/order", params={"date_from": day, "date_to": day}, headers=shop.headers)
        summed = await recap(client, shop.headers, date_from=day, date_to=day)
        assert summed["source"] == "counters"
        return len(listed.json()["data"]), summed["overall"]["orders"]

    assert await counted("2026-11-20") == (1, 1)
    moved = await client.put("/store", json={"timezone": "Asia/Jayapura"}, headers=shop.headers)
    assert moved.status_code == 200, moved.text
    assert await counted("2026-11-20") == (0, 0)
    assert await counted("2026-11-21") == (1, 1)
    await stats_match(rt, shop.store_id)
