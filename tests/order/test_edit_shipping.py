"""PUT and GET /store/order/{id}/shipping — Update Pengiriman Kurir (manual shipment)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx

from bosonline.kit.clock import FrozenClock
from bosonline.models import OrderTracking
from bosonline.runtime import Runtime
from tests.checkout.helpers import count
from tests.order.edit_helpers import cs_headers, events, move, shop_and_order, stranger
from tests.order.helpers import order_row, stats_match


def body(**overrides: Any) -> dict[str, Any]:
    return {"awb": "JNE-0012345678", "shipment_status": "picked_up", "note": "Diambil kurir"} | overrides


async def test_manual_shipment_is_recorded_without_moving_the_status(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock
) -> None:
    shop, placed = await shop_and_order(client, rt)
    url = f"/store/order/{placed.id}/shipping"
    response = await client.put(url, json=body(), headers=shop.headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "shipment_not_allowed"
    assert "confirm it first" in response.json()["error"]["message"]

    await move(rt, placed.id, status="confirmed")
    clock.advance(minutes=5)
    response = await client.put(url, json=body(), headers=shop.headers)
    assert response.status_code == 200, response.text
    detail = response.json()["data"]
    assert detail["status"] == "confirmed"  # PATCH …/status moves it, not this
    shipment = detail["shipment"]
    assert (shipment["awb"], shipment["status"]) == ("JNE-0012345678", "picked_up")
    assert shipment["shipped_at"].startswith("2026-11-21T03:05")
    assert [(t["status"], t["source"], t["note"]) for t in shipment["tracking"]] == [
        ("picked_up", "manual", "Diambil kurir")
    ]
    (event,) = await events(rt, placed.id, "shipment_updated")
    assert event.data["before"] == {"awb": None, "shipment_status": None, "shipped_at": None}
    assert event.data["after"]["awb"] == "JNE-0012345678"

    clock.advance(minutes=5)
    response = await client.put(
        url, json={"awb": "JNE-0012345678", "shipment_status": "delivered"}, headers=shop.headers
    )
    shipment = response.json()["data"]["shipment"]
    assert shipment["status"] == "delivered" and shipment["shipped_at"].startswith("2026-11-21T03:05")  # kept
    got = await client.get(url, headers=shop.headers)
    assert got.status_code == 200
    assert [t["status"] for t in got.json()["data"]["tracking"]] == ["picked_up", "delivered"]
    assert got.json()["data"]["courier"] == "jne" and got.json()["data"]["courier_name"] == "JNE"
    await stats_match(rt, shop.store_id)


async def test_a_booked_awb_has_no_shipped_at_until_given(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock
) -> None:
    shop, placed = await shop_and_order(client, rt)
    await move(rt, placed.id, status="shipped")
    url = f"/store/order/{placed.id}/shipping"
    response = await client.put(url, json=body(shipment_status="booked"), headers=shop.headers)
    assert response.json()["data"]["shipment"]["shipped_at"] is None
    when = clock.now() - timedelta(hours=3)
    response = await client.put(url, json=body(shipped_at=when.isoformat()), headers=shop.headers)
    assert response.json()["data"]["shipment"]["shipped_at"].startswith("2026-11-21T00:00")
    assert (await order_row(rt, placed.id)).shipped_at == when


async def test_shipment_refusals(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt, cs=1)
    await move(rt, placed.id, status="ready")
    url = f"/store/order/{placed.id}/shipping"
    now = rt.clock.now()
    for overrides in (
        {"awb": "AB"},
        {"awb": "A" * 41},
        {"awb": "JNE 123456"},
        {"awb": "JNE/123456"},
        {"shipment_status": "lost"},
        {"shipped_at": (now + timedelta(minutes=10)).isoformat()},
        {"shipped_at": (now - timedelta(days=3)).isoformat()},
        {"shipped_at": "0001-01-01T00:00:00+14:00"},  # before year 1 in UTC: out of range, not a 500
        {"shipped_at": "9999-12-31T23:59:59-14:00"},
        {"note": "x" * 501},
    ):
        response = await client.put(url, json=body(**overrides), headers=shop.headers)
        assert response.status_code == 422, (overrides, response.text)
    other, cs = await stranger(client), await cs_headers(client, rt, shop)
    for headers in (other, cs):
        assert (await client.put(url, json=body(), headers=headers)).status_code == 404
        assert (await client.get(url, headers=headers)).status_code == 404
    assert (await client.get("/store/order/9007199254740993/shipping", headers=shop.headers)).status_code == 422
    assert await count(rt, OrderTracking, OrderTracking.order_id == placed.id) == 0
    for status in ("canceled", "closed"):
        await move(rt, placed.id, status=status)
        response = await client.put(url, json=body(), headers=shop.headers)
        assert response.status_code == 409 and response.json()["error"]["code"] == "shipment_not_allowed"
