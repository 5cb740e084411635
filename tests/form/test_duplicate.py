"""Duplicate form and Duplicate form batch: full copies, inactive, `-copy` slugs, all or nothing, the limit."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.envelope import assert_error, assert_validation
from tests.form.helpers import Shop, create_form, insert_forms, insert_order, item, make_shop

_COPIED = (
    "description", "fields", "payment_methods", "couriers", "accept_vouchers", "max_quantity", "meta_pixel_id",
    "tiktok_pixel_id",
)  # fmt: skip


@pytest.fixture
async def shop(client: httpx.AsyncClient) -> Shop:
    return await make_shop(client)


async def _source(client: httpx.AsyncClient, shop: Shop, **fields: Any) -> dict[str, Any]:
    form = await create_form(
        client,
        shop,
        slug="cod-madu",
        description="Madu asli",
        items=[item(shop.madu, 0, default_quantity=2), item(shop.kopi)],
        fields={"email": "optional", "notes": "required", "address": "district"},
        payment_methods=["cod"],
        couriers=["jne", "anteraja"],
        accept_vouchers=False,
        max_quantity=10,
        meta_pixel_id="99887766",
        tiktok_pixel_id="CTIKTOK1",
        **fields,
    )
    page = {"mode": "whatsapp", "whatsapp_text": "Halo {{cs_name}}, pesanan {{order_number}}", "message": "Makasih"}
    response = await client.put(f"/store/form/{form['id']}/success-page", json=page, headers=shop.headers)
    assert response.status_code == 200, response.text
    return form


def _same_content(copy: dict[str, Any], source: dict[str, Any]) -> None:
    assert {key: copy[key] for key in _COPIED} == {key: source[key] for key in _COPIED}
    strip = [{k: v for k, v in row.items() if k != "id"} for row in source["items"]]
    assert [{k: v for k, v in row.items() if k != "id"} for row in copy["items"]] == strip
    assert not {row["id"] for row in copy["items"]} & {row["id"] for row in source["items"]}


async def test_duplicate_copies_everything_and_starts_inactive(
    client: httpx.AsyncClient, shop: Shop, rt: Runtime
) -> None:
    source = await _source(client, shop)
    await insert_order(rt, shop.store["id"], source["id"])
    url = f"/store/form/{source['id']}/duplicate"
    response = await client.post(url, headers=shop.headers)
    assert response.status_code == 201, response.text
    copy = response.json()["data"]
    _same_content(copy, source)
    assert (copy["slug"], copy["title"], copy["status"]) == ("cod-madu-copy", source["title"] + " (Copy)", "inactive")
    assert copy["orders_count"] == 0 and copy["id"] != source["id"]
    assert copy["success_page"] == {"mode": "whatsapp", "is_custom": True}
    page = (await client.get(f"/store/form/{copy['id']}/success-page", headers=shop.headers)).json()["data"]
    assert (page["mode"], page["message"]) == ("whatsapp", "Makasih")
    assert page["whatsapp_text"] == "Halo {{cs_name}}, pesanan {{order_number}}"

    slugs = [(await client.post(url, headers=shop.headers)).json()["data"]["slug"] for _ in range(2)]
    assert slugs == ["cod-madu-copy-2", "cod-madu-copy-3"]
    copy_of_copy = (await client.post(f"/store/form/{copy['id']}/duplicate", headers=shop.headers)).json()["data"]
    assert copy_of_copy["slug"] == "cod-madu-copy-copy"
    # the source is untouched
    assert (await client.get(f"/store/form/{source['id']}", headers=shop.headers)).json()["data"]["orders_count"] == 1


async def test_duplicate_truncates_long_titles_and_slugs(client: httpx.AsyncClient, shop: Shop) -> None:
    source = await create_form(client, shop, title="T" * 150, slug="s" * 80)
    first = (await client.post(f"/store/form/{source['id']}/duplicate", headers=shop.headers)).json()["data"]
    second = (await client.post(f"/store/form/{source['id']}/duplicate", headers=shop.headers)).json()["data"]
    assert first["title"] == "T" * 143 + " (Copy)" and len(first["title"]) == 150
    assert first["slug"] == "s" * 75 + "-copy" and second["slug"] == "s" * 73 + "-copy-2"


async def test_batch_duplicates_in_order_in_one_go(client: httpx.AsyncClient, shop: Shop) -> None:
    a = await _source(client, shop)
    b = await create_form(client, shop, slug="promo-b")
    response = await client.post("/store/form/duplicate", json={"ids": [b["id"], a["id"]]}, headers=shop.headers)
    assert response.status_code == 201, response.text
    copies = response.json()["data"]
    assert [copy["slug"] for copy in copies] == ["promo-b-copy", "cod-madu-copy"]
    _same_content(copies[0], b)
    _same_content(copies[1], a)
    assert all(copy["status"] == "inactive" for copy in copies)
    # the same form twice in a row of batches: the second batch counts up
    again = await client.post("/store/form/duplicate", json={"ids": [a["id"]]}, headers=shop.headers)
    assert again.json()["data"][0]["slug"] == "cod-madu-copy-2"


async def test_batch_is_all_or_nothing(client: httpx.AsyncClient, shop: Shop) -> None:
    form = await create_form(client, shop)
    other = await make_shop(client)
    foreign = await create_form(client, other)
    h = shop.headers
    response = await client.post("/store/form/duplicate", json={"ids": [form["id"], 2**53, foreign["id"]]}, headers=h)
    error = assert_validation(response, "ids.1", "ids.2")
    assert "ids.0" not in error["fields"]
    bounds: list[tuple[Any, str]] = [
        ({"ids": []}, "ids"),
        ({"ids": list(range(1, 52))}, "ids"),
        ({"ids": [form["id"], form["id"]]}, "ids.1"),
        ({"ids": [0]}, "ids.0"),
        ({}, "ids"),
        ({"ids": [form["id"]], "extra": True}, "extra"),
    ]
    for body, named in bounds:
        assert_validation(await client.post("/store/form/duplicate", json=body, headers=h), named, case=body)
    assert (await client.get("/store/form", headers=h)).json()["meta"]["total"] == 1
    fifty = await client.post("/store/form/duplicate", json={"ids": list(range(1, 51))}, headers=h)
    assert fifty.status_code == 422  # a valid size, but unknown ids


async def test_duplicates_respect_the_limit(client: httpx.AsyncClient, shop: Shop, rt: Runtime) -> None:
    a = await create_form(client, shop)
    b = await create_form(client, shop)
    await insert_forms(rt, shop.store["id"], 197)
    h = shop.headers
    assert_error(await client.post("/store/form/duplicate", json={"ids": [a["id"], b["id"]]}, headers=h), 409,
                 "form_limit")  # fmt: skip
    assert (await client.get("/store/form", params={"limit": 1}, headers=h)).json()["meta"]["total"] == 199
    assert (await client.post(f"/store/form/{a['id']}/duplicate", headers=h)).status_code == 201
    assert_error(await client.post(f"/store/form/{a['id']}/duplicate", headers=h), 409, "form_limit")


async def test_concurrent_duplicates_get_distinct_slugs(client: httpx.AsyncClient, shop: Shop) -> None:
    source = await create_form(client, shop, slug="flash-sale")
    responses = await asyncio.gather(
        *(client.post(f"/store/form/{source['id']}/duplicate", headers=shop.headers) for _ in range(8))
    )
    assert [r.status_code for r in responses] == [201] * 8, [r.text for r in responses]
    slugs = sorted(r.json()["data"]["slug"] for r in responses)
    assert slugs == sorted(["flash-sale-copy"] + [f"flash-sale-copy-{n}" for n in range(2, 9)])
