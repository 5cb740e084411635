"""PATCH /store/order/{id}/status: the transition table, the timeline, who may change which order."""

from __future__ import annotations

import httpx

from bosonline.order.state import STATUSES, TRANSITIONS
from bosonline.runtime import Runtime
from tests.factories import add_staff, seller
from tests.order.helpers import cs_login, make_checkout_shop, order_row, place_orders, stats_match
from tests.order.status_helpers import clone_orders, patch_status, set_status
from tests.orders_support import set_store_settings


async def test_every_allowed_transition_and_every_forbidden_one(client: httpx.AsyncClient, rt: Runtime) -> None:
    """The whole table: from each status, each allowed move answers 200 and each other one (the same status
    included) a 409 naming the allowed ones, leaving the order as it was."""
    shop = await make_checkout_shop(client, rt, cs=0, stock=100)
    (first,) = await place_orders(client, rt, shop)
    placed = iter([first.id, *await clone_orders(rt, first.id, sum(max(len(n), 1) for n in TRANSITIONS.values()) - 1)])
    for current in STATUSES:
        allowed = TRANSITIONS[current]
        orders = [next(placed) for _ in range(max(len(allowed), 1))]
        await set_status(rt, orders, current)
        for target in [s for s in STATUSES if s not in allowed]:
            response = await patch_status(client, shop.headers, orders[0], status=target)
            assert response.status_code == 409, (current, target, response.text)
            error = response.json()["error"]
            assert error["code"] == "invalid_transition"
            assert all(name in error["message"] for name in allowed), (current, error)
            assert allowed or "final status" in error["message"]
        assert (await order_row(rt, orders[0])).status == current
        for order, target in zip(orders, allowed, strict=False):
            response = await patch_status(client, shop.headers, order, status=target)
            assert response.status_code == 200, (current, target, response.text)
            assert response.json()["data"]["status"] == target
            assert response.json()["data"]["allowed_next_statuses"] == list(TRANSITIONS[target])


async def test_change_is_in_the_timeline_and_the_detail(client: httpx.AsyncClient, rt: Runtime, clock) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    (order,) = await place_orders(client, rt, shop)
    clock.advance(seconds=90)

    response = await patch_status(client, shop.headers, order.id, status="confirmed", note="  Sudah ditelepon  ")
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["status"] == "confirmed"
    assert data["allowed_next_statuses"] == ["in_process", "ready", "shipped", "canceled"]
    event = data["events"][-1]
    assert event["kind"] == "status_changed"
    assert (event["from_status"], event["to_status"], event["note"]) == (
        "pending",
        "confirmed",
        "Sudah ditelepon",
    )
    assert event["actor"] == "Budi Pemilik"
    assert event["actor_user_id"] == shop.owner["user"]["id"]
    row = await order_row(rt, order.id)
    assert row.status_changed_at == clock.now()
    assert row.shipped_at is None

    clock.advance(seconds=60)
    response = await patch_status(client, shop.headers, order.id, status="shipped", note="")
    assert response.status_code == 200, response.text
    event = response.json()["data"]["events"][-1]
    assert (event["from_status"], event["to_status"], event["note"]) == ("confirmed", "shipped", None)
    row = await order_row(rt, order.id)
    assert row.shipped_at == clock.now() == row.status_changed_at
    assert response.json()["data"]["shipment"]["shipped_at"] is not None
    await stats_match(rt, shop.store_id)


async def test_shipped_at_of_the_first_shipment_stays(client: httpx.AsyncClient, rt: Runtime, clock) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    (order,) = await place_orders(client, rt, shop)
    first = clock.now()
    await set_status(rt, [order.id], "ready", shipped_at=first)  # shipped once, returned to the shelf by hand
    clock.advance(seconds=600)
    assert (await patch_status(client, shop.headers, order.id, status="shipped")).status_code == 200
    assert (await order_row(rt, order.id)).shipped_at == first


async def test_same_status_is_a_conflict_and_changes_nothing(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    (order,) = await place_orders(client, rt, shop)
    response = await patch_status(client, shop.headers, order.id, status="pending")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "invalid_transition"
    assert "confirmed, in_process, ready, shipped, canceled" in response.json()["error"]["message"]
    detail = (await client.get(f"/store/order/{order.id}", headers=shop.headers)).json()["data"]
    assert [e["kind"] for e in detail["events"]] == ["created"]


async def test_bad_bodies_are_422(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    (order,) = await place_orders(client, rt, shop)
    for body in (
        {},
        {"status": "lost"},
        {"status": "canceled", "note": "x" * 501},
        {"status": "canceled", "extra": 1},
        {"status": ["canceled"]},
        {"status": "canceled", "note": 5},
    ):
        response = await client.patch(f"/store/order/{order.id}/status", json=body, headers=shop.headers)
        assert response.status_code == 422, (body, response.text)
    assert (await order_row(rt, order.id)).status == "pending"


async def test_ids_out_of_range_and_unknown(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    for bad in ("0", "abc", str(2**53 + 1)):
        response = await client.patch(f"/store/order/{bad}/status", json={"status": "canceled"}, headers=shop.headers)
        assert response.status_code == 422, bad
    response = await client.patch("/store/order/999999/status", json={"status": "canceled"}, headers=shop.headers)
    assert response.status_code == 404
    assert response.json()["error"] == {"code": "not_found", "message": "Record not found"}


async def test_another_stores_order_is_404(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    (order,) = await place_orders(client, rt, shop)
    stranger = await seller(client)
    response = await patch_status(client, stranger["headers"], order.id, status="canceled")
    assert response.status_code == 404
    assert (await order_row(rt, order.id)).status == "pending"


async def test_a_cs_changes_only_their_orders(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    ani = await add_staff(client, shop.headers, name="Ani", email="ani@example.com", phone="081311112222")
    await add_staff(client, shop.headers, name="Beni", email="beni@example.com", phone="081311113333")
    placed = await place_orders(client, rt, shop, 2)
    mine = next(o for o in placed if o.handler_id == ani["id"])
    theirs = next(o for o in placed if o.handler_id != ani["id"])
    headers = await cs_login(client, shop, "ani@example.com")

    response = await patch_status(client, headers, theirs.id, status="canceled")
    assert response.status_code == 404
    assert (await order_row(rt, theirs.id)).status == "pending"
    response = await patch_status(client, headers, mine.id, status="confirmed")
    assert response.status_code == 200, response.text
    assert response.json()["data"]["events"][-1]["actor"] == "Ani"

    await set_store_settings(rt, shop.store_id, cs_sees_all_orders=True)  # a store that lets CS see every order
    response = await patch_status(client, headers, theirs.id, status="confirmed")
    assert response.status_code == 200, response.text
    await stats_match(rt, shop.store_id)
