"""Revenue (GET /store/revenue): the recap counters' sums per day, week and month equal the figures computed from
the orders themselves; costs frozen at checkout; the period's bounds and defaults; who may read it."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bosonline.models import Order, OrderLine
from bosonline.runtime import Runtime
from tests.envelope import assert_data, assert_error, assert_validation
from tests.factories import add_staff, bearer, login
from tests.order.helpers import make_checkout_shop, place_orders, stats_match
from tests.order.list_helpers import Line, Row, insert_orders
from tests.report.helpers import local_day, orders_of, plain_figures, plain_series

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)  # the test clock: 10:00 WIB, 21 Nov 2026 (a Saturday)
STATUSES = ("pending", "shipped", "completed", "closed", "canceled", "rts", "draft", "confirmed")
PAYMENTS = ("unpaid", "paid", "settled", "conflict")
METHODS = ("bank_transfer", "cod", "qris")


async def set_cogs(client: httpx.AsyncClient, headers: dict[str, str], variant_id: int, cogs: int) -> None:
    """Update Variant (the catalog's route) with a new COGS; the red variant's other fields as the shop made them."""
    body = {"name": "Merah / L", "price": 50_000, "cogs": cogs, "weight_g": 200}
    assert_data(await client.put(f"/store/product/variant/{variant_id}", json=body, headers=headers))


async def revenue(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    return assert_data(await client.get("/store/revenue", params=params, headers=headers))  # type: ignore[no-any-return]


def _without_dates(point: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in point.items() if k not in ("start", "end")}


async def test_checkout_freezes_the_cost_price_on_the_line(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    await set_cogs(client, shop.headers, shop.red, 30_000)
    (costed,) = await place_orders(client, rt, shop)  # 2 × red
    (unknown,) = await place_orders(
        client,
        rt,
        shop,
        items=[{"variant_id": shop.red, "quantity": 1}, {"variant_id": shop.kopi_variant, "quantity": 1}],
    )
    await set_cogs(client, shop.headers, shop.red, 45_000)  # later catalog edits do not change sold lines
    async with rt.db.session(write=False) as session:
        lines = {
            (line.order_id, line.variant_id): line
            for line in await session.scalars(select(OrderLine).where(OrderLine.store_id == shop.store_id))
        }
        orders = {o.id: o for o in await session.scalars(select(Order).where(Order.store_id == shop.store_id))}
    red = lines[(costed.id, shop.red)]
    assert (red.unit_cost, red.cost_estimated) == (30_000, False)
    assert (orders[costed.id].cost, orders[costed.id].cost_estimated) == (60_000, False)
    assert lines[(unknown.id, shop.kopi_variant)].unit_cost is None  # the kopi has no COGS: unknown, not free
    assert orders[unknown.id].cost is None
    await stats_match(rt, shop.store_id)

    data = await revenue(client, shop.headers)
    assert data["totals"] == plain_figures(list(orders.values()))
    assert data["totals"]["costed_orders"] == 1
    assert data["totals"]["profit"] == orders[costed.id].product_price - 60_000


async def _varied_store(client: httpx.AsyncClient, rt: Runtime) -> tuple[Any, list[Order]]:
    """A shop with ~80 orders over 75 days (every status, payment status and method, costs known, unknown and
    estimated, discounts and fees), plus three checkout orders (a transfer's unique code drawn in the chain)."""
    shop = await make_checkout_shop(client, rt)
    kaos = Line(shop.kaos, shop.red, sku="KAOS-1", quantity=2)
    rows = []
    for n in range(80):
        cost = None if n % 5 == 0 else 20_000 + 500 * n
        rows.append(
            Row(
                NOW - timedelta(hours=23 * n),  # across WIB midnights, weeks and three months
                status=STATUSES[n % len(STATUSES)],
                payment_status=PAYMENTS[n % 4],
                payment_method=METHODS[n % 3],
                lines=[kaos],
                total=100_000 + 10_000 - 5_000 - 2_000 + 1_500 * (n % 2) + 300 - (n % 3),
                extra={
                    "product_discount": 5_000,
                    "shipping_discount": 2_000,
                    "cod_fee": 1_500 * (n % 2),
                    "other_fee": 300,
                    "unique_code": n % 3,
                    "cost": cost,
                    "cost_estimated": cost is not None and n % 3 == 0,
                },
            )
        )
    await set_cogs(client, shop.headers, shop.red, 31_000)
    await place_orders(client, rt, shop, n=2)
    await place_orders(client, rt, shop, payment_method="cod", phone="081300000001")
    await insert_orders(
        rt,
        shop.store_id,
        [replace(row, number=f"INV/X/{n}", customer_phone=f"62857{n:08d}") for n, row in enumerate(rows)],
    )
    await stats_match(rt, shop.store_id)
    return shop, await orders_of(rt, shop.store_id)


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _month(day: date) -> date:
    return day.replace(day=1)


@pytest.mark.parametrize(
    ("granularity", "start", "end", "bucket"),
    [
        ("day", date(2026, 10, 20), date(2026, 11, 21), lambda d: d),
        ("week", date(2026, 9, 9), date(2026, 11, 21), _week),  # a Wednesday: the first week is cut
        ("month", date(2026, 8, 15), date(2026, 12, 31), _month),
    ],
)
async def test_series_equal_the_orders_figures(
    client: httpx.AsyncClient, rt: Runtime, granularity: str, start: date, end: date, bucket: Any
) -> None:
    shop, orders = await _varied_store(client, rt)
    data = await revenue(
        client, shop.headers, **{"from": start.isoformat(), "to": end.isoformat(), "granularity": granularity}
    )
    assert (data["date_from"], data["date_to"], data["granularity"]) == (
        start.isoformat(),
        end.isoformat(),
        granularity,
    )
    assert data["timezone"] == "Asia/Jakarta" and data["cod_settled_basis"] == "delivered"
    expected = plain_series(orders, start, end, bucket)
    assert [date.fromisoformat(point["start"]) for point in data["series"]] == [max(key, start) for key in expected]
    assert [_without_dates(point) for point in data["series"]] == list(expected.values())
    assert date.fromisoformat(data["series"][-1]["end"]) == end
    assert data["totals"] == plain_figures([o for o in orders if start <= local_day(o) <= end])
    totals = data["totals"]
    assert totals["orders"] > 20 and totals["estimated_cost"] > 0 and totals["cod_settled"] > 0
    assert totals["discounts"] > 0 and totals["profit"] is not None


async def test_a_status_change_moves_the_money(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    await set_cogs(client, shop.headers, shop.red, 30_000)
    (order,) = await place_orders(client, rt, shop)
    before = (await revenue(client, shop.headers))["totals"]
    assert before["orders"] == 1 and before["cost"] == 60_000
    response = await client.patch(f"/store/order/{order.id}/status", json={"status": "canceled"}, headers=shop.headers)
    assert response.status_code == 200, response.text
    after = (await revenue(client, shop.headers))["totals"]
    assert (after["orders"], after["gross"], after["cost"], after["canceled_orders"]) == (0, 0, 0, 1)
    assert after["profit"] is None
    await stats_match(rt, shop.store_id)


async def test_defaults_bounds_and_who_may_read(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    h = shop.headers
    data = await revenue(client, h)  # the last 30 days of the store's time zone, by day
    assert (data["date_from"], data["date_to"], data["granularity"]) == ("2026-10-23", "2026-11-21", "day")
    assert len(data["series"]) == 30 and all(point["orders"] == 0 for point in data["series"])
    assert data["totals"]["profit"] is None
    data = await revenue(client, h, **{"from": "2026-01-01"})  # from alone: 30 days from it
    assert (data["date_from"], data["date_to"]) == ("2026-01-01", "2026-01-30")
    data = await revenue(client, h, to="2026-02-10")
    assert (data["date_from"], data["date_to"]) == ("2026-01-12", "2026-02-10")
    data = await revenue(client, h, **{"from": "2017-01-01", "to": "2026-11-30", "granularity": "month"})
    assert len(data["series"]) == 119

    refused = [
        ({"from": "2026-11-21", "to": "2026-11-01"}, "period_reversed", "from"),
        ({"from": "2016-01-01", "to": "2026-01-01"}, "period_too_long", "to"),  # daily over ten years
        ({"from": "2025-01-01", "to": "2026-01-02"}, "period_too_long", "to"),  # 367 days by day
        ({"from": "2020-01-01", "to": "2026-01-01", "granularity": "week"}, "period_too_long", "to"),
        ({"from": "2000-01-01", "to": "2026-01-01", "granularity": "month"}, "period_too_long", "to"),
        ({"from": "1999-12-31"}, "period_out_of_bounds", "from"),
        ({"to": "2101-01-01", "granularity": "month"}, "period_out_of_bounds", "to"),
    ]
    for params, code, field in refused:
        assert_error(
            await client.get("/store/revenue", params=params, headers=h), 422, code, fields=[field], case=params
        )
    assert_validation(await client.get("/store/revenue", params={"granularity": "hour"}, headers=h), "granularity")
    assert_validation(await client.get("/store/revenue", params={"from": "2026-02-30"}, headers=h), "from")

    member = await add_staff(client, h, email="cs-revenue@example.com")
    assert member["role"] == "cs"
    cs = bearer(await login(client, "cs-revenue@example.com"), shop.store_id)
    assert_error(await client.get("/store/revenue", headers=cs), 403, "permission_denied")
    admin = await add_staff(client, h, role="admin", email="admin-revenue@example.com", phone="081398765400")
    assert admin["role"] == "admin"
    assert (
        await client.get(
            "/store/revenue", headers=bearer(await login(client, "admin-revenue@example.com"), shop.store_id)
        )
    ).status_code == 200
    assert_error(await client.get("/store/revenue"), 401, "unauthorized")
