"""PUT /store/order/{id}/customer — Edit Customer Order."""

from __future__ import annotations

from typing import Any

import httpx

from bosonline.models import Customer
from bosonline.runtime import Runtime
from tests.checkout.helpers import JAKARTA_DISTRICT, count
from tests.order.edit_helpers import assert_consistent, cs_headers, events, move, shop_and_order, stranger
from tests.order.helpers import order_row, stats_match


def body(**overrides: Any) -> dict[str, Any]:
    """A new buyer in Gambir, Jakarta Pusat; `overrides` replace fields."""
    return {
        "name": "Siti Rahma",
        "phone": "+62 857 1234 567",
        "email": "siti@example.com",
        "address": "Jl. Kebon Sirih No. 5",
        "region_code": "3171011001",
        "postal_code": "10110",
        "notes": "Titip satpam",
    } | overrides


async def test_edit_customer_replaces_the_buyer_and_records_it(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt)
    first_customer = (await order_row(rt, placed.id)).customer_id
    response = await client.put(f"/store/order/{placed.id}/customer", json=body(), headers=shop.headers)
    assert response.status_code == 200, response.text
    detail = response.json()["data"]
    customer = detail["customer"]
    assert customer["name"] == "Siti Rahma"
    assert customer["phone"] == "08571234567" and customer["phone_e164"] == "628571234567"
    assert customer["region_code"] == "31.71.01.1001" and customer["region_name"].startswith("Gambir, Gambir")
    assert customer["postal_code"] == "10110" and customer["notes"] == "Titip satpam"
    # The shipping cost is not re-priced by a region change (the courier endpoint does that): money unchanged.
    assert detail["money"]["total"] == placed.total
    await assert_consistent(rt, placed.id, detail)
    # The new phone is another buyer of the store: the order now points at that customer.
    assert await count(rt, Customer, Customer.store_id == shop.store_id) == 2
    assert customer["id"] != first_customer
    assert (await order_row(rt, placed.id)).customer_id == customer["id"]
    (event,) = await events(rt, placed.id, "customer_edited")
    assert event.data["before"]["customer_phone"] == "6281234567890"
    assert event.data["after"]["customer_phone"] == "628571234567"
    assert event.data["after"]["region_code"] == "31.71.01.1001"
    assert event.note == "Wilayah diubah: ongkir tidak dihitung ulang (pilih kurir lagi untuk menghitung ulang ongkir)"
    assert detail["events"][-1]["kind"] == "customer_edited" and detail["events"][-1]["note"] == event.note
    assert detail["events"][0]["note"] == f"Pesanan dibuat lewat formulir {shop.slug}"
    await stats_match(rt, shop.store_id)


async def test_edit_customer_defaults_the_postal_code_and_clears_optional_fields(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    shop, placed = await shop_and_order(client, rt)
    response = await client.put(
        f"/store/order/{placed.id}/customer",
        json={"name": "Siti", "phone": "081234567890", "region_code": "31.71.01.1001"},
        headers=shop.headers,
    )
    assert response.status_code == 200, response.text
    customer = response.json()["data"]["customer"]
    assert customer["postal_code"] == "10110"
    assert customer["email"] is None and customer["address"] is None and customer["notes"] is None


async def test_edit_customer_refusals(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt)
    url = f"/store/order/{placed.id}/customer"
    bad = [
        ({"phone": "0215551234"}, "phone"),  # a landline
        ({"phone": "0812"}, "phone"),
        ({"region_code": "32.76"}, "region_code"),  # a city
        ({"region_code": "99.99.99"}, "region_code"),
        ({"region_code": "Depok"}, "region_code"),
        ({"region_code": JAKARTA_DISTRICT, "postal_code": "16431"}, "postal_code"),
        ({"name": ""}, "name"),
        ({"address": "x" * 501}, "address"),
        ({"unknown": 1}, "unknown"),
    ]
    for overrides, field in bad:
        response = await client.put(url, json=body(**overrides), headers=shop.headers)
        assert response.status_code == 422, (overrides, response.text)
        assert field in str(response.json()["error"].get("fields")), (overrides, response.text)
    huge = await client.put("/store/order/9007199254740993/customer", json=body(), headers=shop.headers)
    assert huge.status_code == 422
    assert (await client.put("/store/order/999999/customer", json=body(), headers=shop.headers)).status_code == 404
    assert (await client.put(url, json=body(), headers=await stranger(client))).status_code == 404
    assert await events(rt, placed.id, "customer_edited") == []

    await move(rt, placed.id, status="shipped")
    response = await client.put(url, json=body(), headers=shop.headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_past_shipping"
    await move(rt, placed.id, status="canceled")
    response = await client.put(url, json=body(), headers=shop.headers)
    assert response.status_code == 409 and response.json()["error"]["code"] == "order_canceled"


async def test_a_cs_edits_only_the_orders_assigned_to_them(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt, cs=1)
    assert placed.handler_id == shop.cs_members[0]
    url = f"/store/order/{placed.id}/customer"
    other_cs = await cs_headers(client, rt, shop)
    assert (await client.put(url, json=body(), headers=other_cs)).status_code == 404
    handler = await cs_headers(client, rt, shop, shop.cs_members[0])
    response = await client.put(url, json=body(), headers=handler)
    assert response.status_code == 200, response.text
    (event,) = await events(rt, placed.id, "customer_edited")
    assert event.actor_label == "CS 1"
