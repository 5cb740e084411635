"""Recap Store (GET /store/recap/store): the caller's stores side by side with Revenue's figures, only those where
their role may read reports, in one statement whatever the number of stores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from bosonline.runtime import Runtime
from tests.envelope import assert_data, assert_error
from tests.factories import add_staff, bearer, create_store, login, seller
from tests.order.list_helpers import Row, insert_orders
from tests.querycount import count_queries
from tests.report.helpers import local_day, orders_of, plain_figures

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)


def _rows(n: int, phone_prefix: str, **values: Any) -> list[Row]:
    return [
        Row(
            NOW - timedelta(days=3 * k),
            status=("completed", "pending", "canceled")[k % 3],
            payment_status=("paid", "unpaid")[k % 2],
            payment_method=("cod", "bank_transfer")[k % 2],
            customer_phone=f"{phone_prefix}{k:06d}",
            number=f"INV/{phone_prefix}/{k}",
            extra={"cost": 40_000 if k % 2 else None},
            **values,
        )
        for k in range(n)
    ]


async def test_stores_side_by_side_only_where_reports_may_be_read(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client, name="Budi Pemilik")
    first = owner["store"]["id"]
    second = (await create_store(client, owner["headers"], name="Toko Kedua"))["id"]
    empty = (await create_store(client, owner["headers"], name="Toko Kosong"))["id"]
    other = await seller(client, name="Sari Lain")  # Budi is admin in one of Sari's stores and CS in another
    as_admin = other["store"]["id"]
    as_cs = (await create_store(client, other["headers"], name="Toko CS"))["id"]
    await add_staff(client, bearer(other["tokens"], as_admin), role="admin", email=owner["user"]["email"])
    await add_staff(client, bearer(other["tokens"], as_cs), role="cs", email=owner["user"]["email"])
    for store_id, prefix, n in (
        (first, "628111", 20),
        (second, "628122", 7),
        (as_admin, "628133", 5),
        (as_cs, "628144", 9),
    ):
        await insert_orders(rt, store_id, _rows(n, prefix))

    params = {"from": "2026-10-23", "to": "2026-11-21"}
    with count_queries(rt) as log:
        data = assert_data(await client.get("/store/recap/store", params=params, headers=owner["headers"]))
    selects = [sql for sql in log.statements if sql.startswith("SELECT")]
    assert len(selects) == 2, log.statements  # the caller and their login; then the recap itself
    assert (data["date_from"], data["date_to"]) == ("2026-10-23", "2026-11-21")
    listed = [store["store_id"] for store in data["stores"]]
    assert listed == sorted([first, second, empty, as_admin])  # not the store where Budi is CS
    start, end = datetime(2026, 10, 23).date(), datetime(2026, 11, 21).date()
    for store in data["stores"]:
        orders = [o for o in await orders_of(rt, store["store_id"]) if start <= local_day(o) <= end]
        figures = {k: v for k, v in store.items() if k not in ("store_id", "store_name", "subdomain", "timezone")}
        assert figures == plain_figures(orders), store["store_name"]
    by_id = {store["store_id"]: store for store in data["stores"]}
    assert by_id[empty]["orders"] == 0 and by_id[empty]["profit"] is None
    assert by_id[second]["store_name"] == "Toko Kedua" and by_id[first]["orders"] > 0
    assert data["totals"]["orders"] == sum(store["orders"] for store in data["stores"])
    assert data["totals"]["total"] == sum(store["total"] for store in data["stores"])

    assert_error(
        await client.get(
            "/store/recap/store", params={"from": "2026-11-22", "to": "2026-11-21"}, headers=owner["headers"]
        ),
        422,
        "period_reversed",
    )
    assert_error(
        await client.get(
            "/store/recap/store", params={"from": "2025-01-01", "to": "2026-11-21"}, headers=owner["headers"]
        ),
        422,
        "period_too_long",
    )
    # A CS alone sees no store; the default period is the last 30 days.
    member = await add_staff(client, owner["headers"] | {"X-Store-Id": str(first)}, email="cs-only@example.com")
    assert member["role"] == "cs"
    cs_tokens = await login(client, "cs-only@example.com")
    data = assert_data(await client.get("/store/recap/store", headers=bearer(cs_tokens)))
    assert data["stores"] == [] and data["totals"]["orders"] == 0
    assert (data["date_from"], data["date_to"]) == ("2026-10-23", "2026-11-21")
    assert_error(await client.get("/store/recap/store"), 401, "unauthorized")
