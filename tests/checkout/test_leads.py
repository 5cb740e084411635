"""Abandoned checkouts: saved by the page, converted by a later order, listed for the seller."""

from __future__ import annotations

import httpx

from bosonline.runtime import Runtime
from tests.checkout.helpers import CheckoutShop, make_checkout_shop, place
from tests.envelope import assert_error, assert_validation
from tests.factories import add_staff, bearer, login


def lead_body(shop: CheckoutShop, **values: object) -> dict[str, object]:
    return {"form": shop.slug, "store": shop.subdomain, "name": "Siti", "phone": "081234567890"} | values


async def test_lead_saved_updated_converted_listed(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    created = await client.post("/public/checkout/abandoned", json=lead_body(shop))
    assert created.status_code == 201, created.text
    token = created.json()["data"]["token"]
    update = {"name": "Siti Aminah", "phone": "081234567890", "items": [{"variant_id": shop.red, "quantity": 2}]}
    updated = await client.put(f"/public/checkout/abandoned/{token}", json=update | {"payment_method": "cod"})
    assert updated.status_code == 200, updated.text
    other = await client.post("/public/checkout/abandoned", json=lead_body(shop, phone="081299999999", name="Joko"))
    assert other.status_code == 201

    listed = (await client.get("/store/order/abandoned", headers=shop.headers)).json()
    assert listed["meta"]["total"] == 2
    first = listed["data"][1]
    assert (first["name"], first["phone"], first["status"], first["items"]) == (
        "Siti Aminah",
        "081234567890",
        "open",
        [{"variant_id": shop.red, "quantity": 2}],
    )
    assert first["form"]["id"] == shop.form_id

    order = await place(client, shop, payment_method="cod")
    assert order.status_code == 201
    converted = (
        await client.get("/store/order/abandoned", params={"status": "converted"}, headers=shop.headers)
    ).json()
    assert [(lead["name"], lead["converted_order"]["number"]) for lead in converted["data"]] == [
        ("Siti Aminah", order.json()["data"]["number"])
    ]
    still_open = (await client.get("/store/order/abandoned", params={"status": "open"}, headers=shop.headers)).json()
    assert [lead["name"] for lead in still_open["data"]] == ["Joko"]
    assert_error(await client.put(f"/public/checkout/abandoned/{token}", json=update), 409, "lead_converted")
    found = (await client.get("/store/order/abandoned", params={"q": "0812999"}, headers=shop.headers)).json()
    assert [lead["name"] for lead in found["data"]] == ["Joko"]


async def test_lead_refusals(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    assert_validation(await client.post("/public/checkout/abandoned", json=lead_body(shop, phone="12")), "phone")
    assert_validation(await client.post("/public/checkout/abandoned", json=lead_body(shop, name="")), "name")
    assert_error(await client.post("/public/checkout/abandoned", json=lead_body(shop, form="nope")), 404, "not_found")
    bot = await client.post("/public/checkout/abandoned", json=lead_body(shop, website="x"))
    assert_error(bot, 422, "rejected")
    unknown = await client.put("/public/checkout/abandoned/" + "a" * 24, json={"name": "A", "phone": "081234567890"})
    assert_error(unknown, 404, "not_found")
    assert_validation(
        await client.put("/public/checkout/abandoned/short", json={"name": "A", "phone": "081234567890"}), "token"
    )


async def test_leads_are_the_stores_own(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    await client.post("/public/checkout/abandoned", json=lead_body(shop))
    other = await make_checkout_shop(client, rt)
    assert (await client.get("/store/order/abandoned", headers=other.headers)).json()["data"] == []
    cs = await add_staff(client, shop.headers, name="CS Lain", email="cs-leads@example.com")
    cs_headers = bearer(await login(client, cs["email"]))
    assert len((await client.get("/store/order/abandoned", headers=cs_headers)).json()["data"]) == 1
    assert (await client.get("/store/order/abandoned")).status_code == 401


async def test_lead_list_query_budget(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    from tests.querycount import count_queries

    async def listed() -> int:
        with count_queries(rt) as log:
            assert (await client.get("/store/order/abandoned", headers=shop.headers)).status_code == 200
        return log.count

    for n in range(2):
        await client.post("/public/checkout/abandoned", json=lead_body(shop, phone=f"08129999000{n}"))
    few = await listed()
    for n in range(2, 12):
        await client.post("/public/checkout/abandoned", json=lead_body(shop, phone=f"0812999900{n:02d}"))
    assert await place(client, shop, phone="081299990005", payment_method="cod") is not None
    assert await listed() == few + 1  # + the order numbers of converted leads, once
