"""GET /admin/dashboard: the platform's figures from the order counters, and its period's bounds."""

from __future__ import annotations

import httpx

from bosonline.report.periods import PERIOD_CODES
from bosonline.runtime import Runtime
from tests.admin.helpers import platform_admin
from tests.checkout.helpers import make_checkout_shop, place
from tests.envelope import assert_validation
from tests.factories import seller

PERIOD = {"from": "2026-11-01", "to": "2026-12-31"}  # the frozen clock's day, and the wall clock's (stores' creation)


async def test_figures_across_stores(client: httpx.AsyncClient, rt: Runtime) -> None:
    admin = (await platform_admin(client, rt))["headers"]
    shop = await make_checkout_shop(client, rt)
    quiet = await seller(client)
    transfer = (await place(client, shop)).json()["data"]
    cod = (await place(client, shop, payment_method="cod")).json()["data"]
    suspended = await client.post(
        f"/admin/stores/{quiet['store']['id']}/suspend", json={"reason": "Spam"}, headers=admin
    )
    assert suspended.status_code == 200

    response = await client.get("/admin/dashboard", params=PERIOD, headers=admin)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["period"] == {"from": "2026-11-01", "to": "2026-12-31", "timezone": "Asia/Jakarta"}
    assert data["stores"] == {"total": 2, "created": 2, "active": 2, "with_orders": 1, "suspended": 1}
    totals = transfer["money"]["total"], cod["money"]["total"]
    revenue = data["revenue"]
    assert revenue["orders"] == 2 and revenue["gmv"] == sum(totals) and revenue["paid_gmv"] == 0
    assert revenue["cod_gmv"] == totals[1] and revenue["cod_share"] == round(totals[1] / sum(totals), 4)
    assert len(revenue["by_day"]) == 61
    busy = [day for day in revenue["by_day"] if day["orders"]]
    assert busy == [
        {
            "day": "2026-11-21",
            "orders": 2,
            "gmv": sum(totals),
            "paid_gmv": 0,
            "cod_gmv": totals[1],
            "cod_share": revenue["cod_share"],
        }
    ]
    assert data["orders"]["by_status"] == [{"status": "pending", "orders": 2, "total": sum(totals)}]
    methods = {m["payment_method"]: m for m in data["orders"]["by_payment_method"]}
    assert methods["cod"]["orders"] == 1 and methods["bank_transfer"]["total"] == totals[0]
    assert [s["store_id"] for s in data["top_stores"]] == [shop.store_id]
    assert data["top_stores"][0]["name"] == "Toko Berkah" and data["top_stores"][0]["gmv"] == sum(totals)

    empty = (
        await client.get("/admin/dashboard", params={"from": "2025-01-01", "to": "2025-01-31"}, headers=admin)
    ).json()
    assert empty["data"]["revenue"]["gmv"] == 0 and empty["data"]["top_stores"] == []
    default = (await client.get("/admin/dashboard", headers=admin)).json()["data"]["period"]
    assert default["to"] == "2026-11-21" and default["from"] == "2026-10-23"


async def test_bad_periods(client: httpx.AsyncClient, rt: Runtime) -> None:
    admin = (await platform_admin(client, rt))["headers"]
    for params, field in [
        ({"from": "2026-12-31", "to": "2026-01-01"}, "from"),
        ({"from": "2016-01-01", "to": "2026-01-01"}, "to"),
        ({"from": "1999-12-31"}, "from"),
        ({"to": "2101-01-01"}, "to"),
    ]:
        response = await client.get("/admin/dashboard", params=params, headers=admin)
        assert response.status_code == 422, (params, response.text)
        assert response.json()["error"]["code"] in PERIOD_CODES and field in response.json()["error"]["fields"], params
    for params in ({"from": "2026-02-30"}, {"from": "yesterday"}):
        assert_validation(await client.get("/admin/dashboard", params=params, headers=admin), "from", case=params)
