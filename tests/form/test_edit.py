"""Edit Form, Edit Status Form, Delete Form; tenancy and roles over every route."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.envelope import assert_error, assert_validation
from tests.factories import add_staff, bearer, login
from tests.form.helpers import Shop, create_form, form_body, insert_order, item, make_shop


@pytest.fixture
async def shop(client: httpx.AsyncClient) -> Shop:
    return await make_shop(client)


async def test_put_replaces_the_form_and_keeps_item_ids(client: httpx.AsyncClient, shop: Shop, rt: Runtime) -> None:
    form = await create_form(client, shop, items=[item(shop.kopi), item(shop.madu, 0), item(shop.madu, 1)])
    kept_id = form["items"][2]["id"]
    rt.clock.advance(minutes=5)  # type: ignore[attr-defined]
    body: dict[str, Any] = {
        "title": "Paket Baru",
        "items": [item(shop.madu, 1, default_quantity=2), item(shop.madu)],
        "couriers": ["jnt"],
        "payment_methods": ["qris"],
    }
    response = await client.put(f"/store/form/{form['id']}", json=body, headers=shop.headers)
    assert response.status_code == 200, response.text
    edited = response.json()["data"]
    assert edited["slug"] == form["slug"]  # left out: kept
    assert (edited["title"], edited["couriers"], edited["payment_methods"]) == ("Paket Baru", ["jnt"], ["qris"])
    # a full replace: what is left out returns to its default
    assert (edited["max_quantity"], edited["accept_vouchers"], edited["status"]) == (100, True, "active")
    first, second = edited["items"]
    assert (first["id"], first["variant_id"], first["default_quantity"]) == (
        kept_id,
        shop.madu["variants"][1]["id"],
        2,
    )
    assert second["variant_id"] is None and second["id"] not in {i["id"] for i in form["items"]}
    assert edited["created_at"] == form["created_at"] and edited["updated_at"] > form["updated_at"]
    assert (await client.get(f"/store/form/{form['id']}", headers=shop.headers)).json()["data"] == edited

    listed = await client.get("/store/form", params={"product_id": shop.kopi["id"]}, headers=shop.headers)
    assert listed.json()["data"] == []


async def test_put_slug_rules(client: httpx.AsyncClient, shop: Shop) -> None:
    a = await create_form(client, shop, slug="promo-a")
    b = await create_form(client, shop, slug="promo-b")
    same = await client.put(f"/store/form/{a['id']}", json=form_body(shop, slug="promo-a"), headers=shop.headers)
    assert same.status_code == 200 and same.json()["data"]["slug"] == "promo-a"
    taken = await client.put(f"/store/form/{a['id']}", json=form_body(shop, slug=b["slug"]), headers=shop.headers)
    assert_error(taken, 409, "form_slug_taken", fields=["slug"])
    moved = await client.put(f"/store/form/{a['id']}", json=form_body(shop, slug="promo-c"), headers=shop.headers)
    assert moved.json()["data"]["slug"] == "promo-c"
    assert moved.json()["data"]["public_url"].split("?")[0].endswith("/f/promo-c")
    # the old slug is free again
    assert (await create_form(client, shop, slug="promo-a"))["slug"] == "promo-a"


async def test_put_refusals_change_nothing(client: httpx.AsyncClient, shop: Shop) -> None:
    form = await create_form(client, shop)
    h = shop.headers
    bad = [
        (form_body(shop, items=[item(shop.kopi, default_quantity=9)], max_quantity=8), "items.0.default_quantity"),
        (form_body(shop, items=[{"product_id": shop.kopi["id"], "variant_id": shop.madu["variants"][0]["id"]}]),
         "items.0.variant_id"),
        ({"items": [item(shop.kopi)]}, "title"),
    ]  # fmt: skip
    for body, named in bad:
        assert_validation(await client.put(f"/store/form/{form['id']}", json=body, headers=h), named, case=body)
    assert (await client.get(f"/store/form/{form['id']}", headers=h)).json()["data"] == form


async def test_status(client: httpx.AsyncClient, shop: Shop) -> None:
    form = await create_form(client, shop)
    url = f"/store/form/{form['id']}/status"
    response = await client.patch(url, json={"status": "inactive"}, headers=shop.headers)
    assert response.status_code == 200 and response.json()["data"]["status"] == "inactive"
    assert_validation(await client.patch(url, json={"status": "deleted"}, headers=shop.headers), "status")
    assert_validation(await client.patch(url, json={}, headers=shop.headers), "status")
    response = await client.patch(url, json={"status": "active"}, headers=shop.headers)
    assert response.json()["data"]["status"] == "active"


def form_changes(url: str, body: dict[str, Any], status: str = "inactive") -> list[tuple[str, str, Any]]:
    """Every change of the form at `url`: `body` its edit, `status` the one it is switched to."""
    return [
        ("PUT", url, body),
        ("PATCH", f"{url}/status", {"status": status}),
        ("DELETE", url, None),
        ("POST", f"{url}/duplicate", None),
        ("POST", f"{url}/success-page", {"mode": "message", "message": "Hai"}),
        ("PUT", f"{url}/success-page", {"mode": "message", "message": "Hai"}),
    ]


async def test_delete_is_soft_and_frees_the_slug(client: httpx.AsyncClient, shop: Shop, rt: Runtime) -> None:
    form = await create_form(client, shop, slug="promo-lebaran")
    order_id = await insert_order(rt, shop.store["id"], form["id"])
    url = f"/store/form/{form['id']}"
    response = await client.delete(url, headers=shop.headers)
    assert response.status_code == 200 and response.json() == {"data": {"id": form["id"], "deleted": True}}
    reads = [("GET", url, None), ("GET", f"{url}/success-page", None)]
    for method, path, body in reads + form_changes(url, form_body(shop), status="active"):
        assert_error(await client.request(method, path, json=body, headers=shop.headers), 404, "not_found")
    batch = await client.post("/store/form/duplicate", json={"ids": [form["id"]]}, headers=shop.headers)
    assert_validation(batch, "ids.0")
    assert (await client.get("/store/form", headers=shop.headers)).json()["meta"]["total"] == 0
    assert (await create_form(client, shop, slug="promo-lebaran"))["slug"] == "promo-lebaran"
    async with rt.db.session() as session:
        from bosonline.models import Form, Order

        row = await session.get(Form, form["id"])
        assert row is not None and row.slug is None and row.status == "inactive" and row.deleted_at is not None
        order = await session.get(Order, order_id)
        assert order is not None and order.form_id == form["id"]  # orders keep their form


async def test_another_stores_form_is_404_and_unchanged(client: httpx.AsyncClient, shop: Shop) -> None:
    form = await create_form(client, shop)
    intruder = await make_shop(client)
    url = f"/store/form/{form['id']}"
    reads = [("GET", url, None), ("GET", f"{url}/success-page", None)]
    for method, path, body in reads + form_changes(url, form_body(intruder)):
        response = await client.request(method, path, json=body, headers=intruder.headers)
        assert_error(response, 404, "not_found", message="Record not found", case=(method, path))
    batch = await client.post("/store/form/duplicate", json={"ids": [form["id"]]}, headers=intruder.headers)
    assert_validation(batch, "ids.0")
    for params in ({}, {"product_id": shop.kopi["id"]}, {"q": form["title"]}):
        listed = await client.get("/store/form", params=params, headers=intruder.headers)
        assert listed.json()["data"] == []
    assert (await client.get(url, headers=shop.headers)).json()["data"] == form
    assert (await client.get("/store/form", headers=shop.headers)).json()["meta"]["total"] == 1


async def test_cs_reads_but_cannot_write(client: httpx.AsyncClient, shop: Shop) -> None:
    form = await create_form(client, shop)
    staff = await add_staff(client, shop.headers, role="cs")
    cs = bearer(await login(client, staff["email"]))
    url = f"/store/form/{form['id']}"
    assert (await client.get(url, headers=cs)).status_code == 200
    assert (await client.get("/store/form", headers=cs)).status_code == 200
    assert (await client.get(f"{url}/success-page", headers=cs)).status_code == 200
    assert (await client.get("/store/form/download", headers=cs)).status_code == 200
    creations = [("POST", "/store/form", form_body(shop)), ("POST", "/store/form/duplicate", {"ids": [form["id"]]})]
    for method, path, body in creations + form_changes(url, form_body(shop)):
        response = await client.request(method, path, json=body, headers=cs)
        assert_error(response, 403, "permission_denied", case=(method, path))
    admin = await add_staff(client, shop.headers, role="admin", phone="081311112222")
    admin_headers = bearer(await login(client, admin["email"]))
    response = await client.patch(f"{url}/status", json={"status": "inactive"}, headers=admin_headers)
    assert response.status_code == 200
    assert (await client.get("/store/form", headers=shop.headers)).json()["meta"]["total"] == 1


async def test_unauthenticated_and_bad_ids(client: httpx.AsyncClient, shop: Shop) -> None:
    assert_error(await client.get("/store/form"), 401, "unauthorized")
    assert_validation(await client.get("/store/form/0", headers=shop.headers), "form_id")
    assert_validation(await client.get(f"/store/form/{2**53 + 1}", headers=shop.headers), "form_id")
    assert (await client.get("/store/form/abc", headers=shop.headers)).status_code == 404
