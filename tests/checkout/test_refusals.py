"""Bad input at checkout: a clear 4xx naming what is wrong, and nothing left behind."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from bosonline.models import (
    CheckoutKey,
    Customer,
    Form,
    InventoryMovement,
    Order,
    ProductVariant,
    Store,
    VoucherRedemption,
)
from bosonline.runtime import Runtime
from tests.checkout.helpers import (
    DEPOK_DISTRICT,
    CheckoutShop,
    count,
    make_checkout_shop,
    make_voucher,
    place,
    stock_row,
)
from tests.envelope import assert_error, assert_validation


@pytest.fixture
async def shop(client: httpx.AsyncClient, rt: Runtime) -> CheckoutShop:
    return await make_checkout_shop(client, rt, stock=5, max_quantity=10)


async def nothing_left_behind(rt: Runtime, shop: CheckoutShop) -> None:
    for model in (Order, Customer, CheckoutKey, InventoryMovement, VoucherRedemption):
        assert await count(rt, model) == 0, model
    assert await stock_row(rt, shop.red, shop.warehouse) == (5, 0)


async def set_rows(rt: Runtime, model: Any, where: Any, **values: Any) -> None:
    async with rt.db.session() as session:
        await session.execute(update(model).where(where).values(**values))
        await session.commit()


async def test_out_of_stock_names_the_variant(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    response = await place(client, shop, items=[{"variant_id": shop.red, "quantity": 6}])
    body = assert_error(response, 409, "out_of_stock")
    assert "Kaos Polos (Merah / L)" in body["message"]
    assert body["fields"] == {"items.0.variant_id": "Kaos Polos (Merah / L): 5 left"}
    await nothing_left_behind(rt, shop)


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"items": [{"variant_id": 1, "quantity": 0}]}, "items.0.quantity"),
        ({"items": [{"variant_id": 1, "quantity": 11}]}, "items.0.quantity"),  # above the form's maximum
        ({"items": []}, "items"),
        ({"phone": "0211234567"}, "phone"),  # a Jakarta landline
        ({"phone": "08123"}, "phone"),
        ({"region_code": "32.76.99"}, "region_code"),  # no such district
        ({"region_code": "32"}, "region_code"),  # a province
        ({"region_code": "abc"}, "region_code"),
        ({"address": None}, "address"),
        ({"payment_method": "ovo"}, "payment_method"),
        ({"courier": "tiki"}, "courier"),  # not on the card
        ({"courier": None}, "courier"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"postal_code": "1234"}, "postal_code"),
        ({"notes": "a\x00b"}, "notes"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
async def test_invalid_fields(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, overrides: dict[str, Any], field: str
) -> None:
    if overrides.get("items"):
        overrides["items"][0]["variant_id"] = shop.red
    assert_validation(await place(client, shop, **overrides), field)
    await nothing_left_behind(rt, shop)


async def test_cod_needs_a_cod_courier(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    response = await place(client, shop, payment_method="cod", courier="sicepat", courier_service="BEST")
    assert_validation(response, "courier")
    await nothing_left_behind(rt, shop)


async def test_unknown_or_inactive_things_are_404(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    assert_error(await place(client, shop, form="nope"), 404, "not_found")
    assert_error(await place(client, shop, store="nope"), 404, "not_found")
    response = await place(client, shop, items=[{"variant_id": 999_999, "quantity": 1}])
    assert assert_error(response, 404, "not_found")["fields"] == {"items.0.variant_id": "is not offered on this form"}
    other = await make_checkout_shop(client, rt)
    assert_error(await place(client, shop, items=[{"variant_id": other.red, "quantity": 1}]), 404, "not_found")
    await set_rows(rt, ProductVariant, ProductVariant.id == shop.black, status="inactive")
    assert_error(await place(client, shop, items=[{"variant_id": shop.black, "quantity": 1}]), 404, "not_found")
    await set_rows(rt, Form, Form.id == shop.form_id, status="inactive")
    assert_error(await place(client, shop), 404, "not_found")
    await set_rows(rt, Form, Form.id == shop.form_id, status="active")
    await set_rows(rt, Store, Store.id == shop.store_id, status="closed")
    assert_error(await place(client, shop), 404, "not_found")
    await nothing_left_behind(rt, shop)


async def test_variant_listed_twice(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    items = [{"variant_id": shop.red, "quantity": 1}, {"variant_id": shop.red, "quantity": 1}]
    assert_validation(await place(client, shop, items=items), "items.1.variant_id")


@pytest.mark.parametrize(
    ("voucher", "code", "overrides"),
    [
        ({}, "voucher_not_found", {"voucher_code": "NOPE"}),
        ({"status": "inactive"}, "voucher_inactive", {}),
        ({"ends_at": "past"}, "voucher_expired", {}),
        ({"starts_at": "future"}, "voucher_not_started", {}),
        ({"quota_total": 1, "used_count": 1}, "voucher_exhausted", {}),
        ({"min_purchase": 500_000}, "voucher_below_minimum", {}),
        ({"product_ids": "kopi"}, "voucher_not_for_products", {}),
    ],
)
async def test_voucher_refusals(
    client: httpx.AsyncClient,
    rt: Runtime,
    shop: CheckoutShop,
    voucher: dict[str, Any],
    code: str,
    overrides: dict[str, Any],
) -> None:
    now = rt.clock.now()
    values = dict(voucher)
    if values.get("ends_at") == "past":
        values["ends_at"] = now - timedelta(minutes=1)
    if values.get("starts_at") == "future":
        values["starts_at"] = now + timedelta(days=1)
    if values.get("product_ids") == "kopi":
        values["product_ids"] = [shop.kopi]
    await make_voucher(rt, shop, "PROMO", **values)
    response = await place(client, shop, **({"voucher_code": "promo"} | overrides))
    body = assert_error(response, 422, code)
    assert "voucher_code" in body["fields"]
    await nothing_left_behind(rt, shop)


async def test_form_without_vouchers(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    await make_voucher(rt, shop, "PROMO")
    await set_rows(rt, Form, Form.id == shop.form_id, accept_vouchers=False)
    assert_error(await place(client, shop, voucher_code="PROMO"), 422, "vouchers_not_accepted")


async def test_honeypot_rejects_bots(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    assert_error(await place(client, shop, website="http://spam.example"), 422, "rejected")
    await nothing_left_behind(rt, shop)


async def test_idempotency_key_is_required_and_bounded(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    from tests.checkout.helpers import order_body

    body = order_body(shop)
    assert_validation(await client.post("/public/checkout", json=body), "Idempotency-Key")
    for bad in ("short", "x" * 101, "spaces are bad"):
        response = await client.post("/public/checkout", json=body, headers={"Idempotency-Key": bad})
        assert_validation(response, "Idempotency-Key")
    await nothing_left_behind(rt, shop)


async def test_qris_needs_the_stores_qris(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    from bosonline.models import StoreSettings

    await set_rows(rt, StoreSettings, StoreSettings.store_id == shop.store_id, qris_payload=None)
    assert_validation(await place(client, shop, payment_method="qris"), "payment_method")


async def test_malformed_json_and_types(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    headers = {"Idempotency-Key": "key-malformed-1", "content-type": "application/json"}
    assert_error(await client.post("/public/checkout", content=b"{nope", headers=headers), 400, "invalid_json")
    for items in ("x", [{"variant_id": 2**70, "quantity": 1}], [{"variant_id": 1, "quantity": None}]):
        response = await place(client, shop, items=items)
        assert response.status_code == 422, response.text
    await nothing_left_behind(rt, shop)


async def test_lines_in_different_warehouses(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    """Each line is in stock, but in different warehouses: one order ships from one warehouse, so it is refused
    and says why instead of inventing a shortage."""
    from tests.inventory.helpers import make_warehouse, put_stock

    second = await make_warehouse(rt, shop.owner["user"]["id"], name="Gudang Dua", ships_for=shop.store_id)
    await put_stock(rt, shop.store_id, shop.black, second, 10)
    items = [{"variant_id": shop.red, "quantity": 5}, {"variant_id": shop.black, "quantity": 8}]
    body = assert_error(await place(client, shop, items=items), 409, "out_of_stock")
    assert "not all in one warehouse" in body["message"]
    assert body["fields"] == {
        "items.0.variant_id": "Kaos Polos (Merah / L): in stock, but not in the same warehouse as the other items",
        "items.1.variant_id": "Kaos Polos (Hitam / M): in stock, but not in the same warehouse as the other items",
    }
    await nothing_left_behind(rt, shop)


async def test_a_kode_pos_must_belong_to_the_district(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    wrong = await place(client, shop, region_code=DEPOK_DISTRICT, postal_code="10110")  # Jakarta Pusat's
    assert wrong.status_code == 422, wrong.text
    assert "postal_code" in wrong.json()["error"]["fields"]
    right = await place(client, shop, region_code=DEPOK_DISTRICT, postal_code="16431")  # a village of Pancoran Mas
    assert right.status_code == 201, right.text
    assert right.json()["data"]["postal_code"] == "16431"
