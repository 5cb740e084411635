"""GET /store/followup/stats: per-step results of a small crafted story."""

from __future__ import annotations

from datetime import timedelta

import httpx

from bosonline.kit.clock import FrozenClock
from bosonline.runtime import Runtime
from tests.envelope import assert_error
from tests.factories import add_staff
from tests.followup.dispatch_helpers import insert_template, schedule
from tests.followup.order_helpers import add_lead, add_template, follow_up, messages, set_lead, set_message
from tests.order.helpers import cs_login, make_checkout_shop, place_orders
from tests.order.status_helpers import patch_status
from tests.querycount import count_queries

ZERO = {"scheduled": 0, "sent": 0, "delivered": 0, "read": 0, "failed": 0, "unknown": 0, "skipped": 0,
        "canceled": 0, "converted": 0}  # fmt: skip


async def pay(client: httpx.AsyncClient, headers: dict[str, str], order_id: int, amount: int) -> httpx.Response:
    return await client.post(f"/store/order/{order_id}/confirm-payment", json={"amount": amount}, headers=headers)


async def test_per_step_results(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    h = shop.headers
    await add_template(rt, shop.store_id, shop.kaos, "FU 1", 1)
    await add_template(rt, shop.store_id, shop.kaos, "FU 2", 2, hours_after=24)
    await add_template(rt, shop.store_id, shop.kaos, "Konfirmasi", 3, trigger="confirmed", change_status=True)
    # an old follow-up, outside the default 30 days
    (old,) = await place_orders(client, rt, shop)
    for row in await messages(rt, order_id=old.id):
        await set_message(rt, row.id, created_at=clock.now() - timedelta(days=40))

    a, b, c, d = await place_orders(client, rt, shop, 4)
    # D is paid before anyone follows it up: a CS can no longer do its payment reminder; one sent anyway (as a
    # gateway send claimed just before the payment could be) converts nothing
    assert (await pay(client, h, d.id, d.total)).status_code == 200
    clock.advance(minutes=1)
    for order in (a, b, c):
        assert (await follow_up(client, h, order.id, step=1)).status_code == 200
    assert_error(await follow_up(client, h, d.id, step=1), 409, "followup_not_applicable")
    await set_message(rt, (await messages(rt, order_id=d.id))[0].id, status="sent", sent_at=clock.now(), error=None)
    clock.advance(minutes=1)
    assert (await pay(client, h, a.id, a.total)).status_code == 200
    assert (await patch_status(client, h, b.id, status="confirmed")).status_code == 200
    a_rows = await messages(rt, order_id=a.id)
    await set_message(rt, a_rows[0].id, status="read", delivered_at=clock.now(), read_at=clock.now())
    c_rows = await messages(rt, order_id=c.id)
    await set_message(rt, c_rows[1].id, status="failed", error="invalid token")

    with count_queries(rt) as log:
        response = await client.get("/store/followup/stats", headers=h)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert (data["from"], data["to"], data["timezone"]) == ("2026-10-23", "2026-11-21", "Asia/Jakarta")
    steps = {s.pop("step"): s for s in data["steps"]}
    assert steps == {
        1: ZERO | {"scheduled": 4, "sent": 4, "delivered": 1, "read": 1, "converted": 2},
        2: ZERO | {"scheduled": 4, "failed": 1, "canceled": 3},
        3: ZERO | {"scheduled": 1},
    }
    assert log.count <= 3 and sum(1 for sql in log.statements if "GROUP BY" in sql) == 1

    wide = await client.get("/store/followup/stats", params={"from": "2026-10-01", "to": "2026-11-21"}, headers=h)
    assert wide.json()["data"]["steps"][0]["scheduled"] == 5
    before = await client.get("/store/followup/stats", params={"from": "2026-01-01", "to": "2026-01-31"}, headers=h)
    assert before.json()["data"]["steps"] == []
    only_from = await client.get("/store/followup/stats", params={"from": "2026-11-20"}, headers=h)
    assert only_from.json()["data"]["to"] == "2026-11-21"


async def test_bad_ranges_and_permissions(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    url = "/store/followup/stats"
    assert_error(await client.get(url, params={"from": "2026-11-21", "to": "2026-11-01"}, headers=shop.headers),
                 422, "period_reversed", fields=["from"])  # fmt: skip
    assert_error(await client.get(url, params={"from": "2025-01-01", "to": "2026-11-21"}, headers=shop.headers),
                 422, "period_too_long", fields=["to"])  # fmt: skip
    assert (await client.get(url, params={"from": "kemarin"}, headers=shop.headers)).status_code == 422
    ok = await client.get(url, params={"from": "2025-11-21", "to": "2026-11-21"}, headers=shop.headers)
    assert ok.status_code == 200  # 366 days
    await add_staff(client, shop.headers, email="cs.stats@example.com")
    cs = await cs_login(client, shop, "cs.stats@example.com")
    assert_error(await client.get(url, headers=cs), 403, "permission_denied")


async def test_days_out_of_range_are_refused(client: httpx.AsyncClient, rt: Runtime) -> None:
    """Dates Python can parse but the range arithmetic cannot handle: a 422 naming the field, never a 500."""
    shop = await make_checkout_shop(client, rt, cs=0)
    url = "/store/followup/stats"
    for params, fields in (
        ({"from": "0001-01-01", "to": "0001-01-02"}, ["from", "to"]),
        ({"from": "9999-12-30", "to": "9999-12-31"}, ["from", "to"]),
        ({"to": "0001-01-01"}, ["to"]),
        ({"from": "0001-01-01"}, ["from"]),
        ({"from": "1999-12-31", "to": "2000-01-10"}, ["from"]),
        ({"from": "2100-12-30", "to": "2101-01-01"}, ["to"]),
    ):
        assert_error(await client.get(url, params=params, headers=shop.headers), 422, "period_out_of_bounds",
                     fields=fields, case=params)  # fmt: skip
    for params in ({"from": "2000-01-01", "to": "2000-01-31"}, {"from": "2100-12-01", "to": "2100-12-31"}):
        response = await client.get(url, params=params, headers=shop.headers)
        assert response.status_code == 200, response.text
        assert response.json()["data"]["steps"] == []


async def test_abandoned_checkouts_are_counted_apart_from_the_order_steps(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock
) -> None:
    """Step 1 of the orders and the abandoned-checkout template (also first of the product) do not mix: the orders'
    rows per step, the checkouts' rows in `abandoned`, converted = checkouts that became orders after a send."""
    shop = await make_checkout_shop(client, rt, cs=0)
    await add_template(rt, shop.store_id, shop.kaos, "FU 1", 1)
    abandoned = await insert_template(
        rt, shop.store_id, shop.kaos, position=1, name="Keranjang", provider="manual", change_status=False,
        hours_after=1, trigger="abandoned", wa_gateway_assignation_type="fixed", text_for_bank_transfer="Kak?",
        text_for_cod="Kak?", text_for_epayment="Kak?",
    )  # fmt: skip
    (order,) = await place_orders(client, rt, shop)
    assert (await follow_up(client, shop.headers, order.id)).status_code == 200
    converted, still_open, converted_first = [
        await add_lead(rt, shop.store_id, shop.form_id, shop.red, phone=f"62813111122{n:02d}") for n in range(3)
    ]
    ids = await schedule(rt, abandoned, lead_ids=[converted, still_open, converted_first])
    clock.advance(minutes=3)
    for message_id in ids[:2]:
        await set_message(rt, message_id, status="sent", sent_at=clock.now())
    await set_message(rt, ids[2], status="canceled", error="checkout converted to an order")
    await set_lead(rt, converted_first, status="converted", updated_at=clock.now() - timedelta(minutes=1))
    clock.advance(minutes=3)
    await set_lead(rt, converted, status="converted", updated_at=clock.now())

    with count_queries(rt) as log:
        response = await client.get("/store/followup/stats", headers=shop.headers)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["steps"] == [{"step": 1, **ZERO, "scheduled": 1, "sent": 1}]
    assert data["abandoned"] == ZERO | {"scheduled": 3, "sent": 2, "canceled": 1, "converted": 1}
    assert sum(1 for sql in log.statements if "GROUP BY" in sql) == 1

    empty = await client.get("/store/followup/stats", params={"from": "2026-01-01", "to": "2026-01-31"},
                             headers=shop.headers)  # fmt: skip
    assert empty.json()["data"]["abandoned"] == ZERO
