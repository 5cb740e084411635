"""Deleting a product that a form, a voucher or an order refers to archives it instead of erasing it."""

from __future__ import annotations

import httpx
from sqlalchemy import delete

from bosonline.models import Form, Product
from bosonline.runtime import Runtime
from tests.checkout.helpers import make_checkout_shop, make_voucher, place


async def archived(rt: Runtime, product_id: int) -> bool:
    async with rt.db.session(write=False) as session:
        product = await session.get(Product, product_id)
        assert product is not None, "erased"
        return product.archived_at is not None


async def test_on_a_form_or_in_a_voucher_or_ordered(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    response = await client.delete(f"/store/product/{shop.kaos}", headers=shop.headers)
    assert response.status_code == 200 and response.json()["data"]["archived"] is True  # on the form
    assert await archived(rt, shop.kaos)

    async with rt.db.session() as session:
        await session.execute(delete(Form))
        await session.commit()
    await make_voucher(rt, shop, "KOPI", product_ids=[shop.kopi])
    response = await client.delete(f"/store/product/{shop.kopi}", headers=shop.headers)
    assert response.json()["data"]["archived"] is True
    assert await archived(rt, shop.kopi)


async def test_ordered_product(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)
    assert (await place(client, shop, payment_method="cod")).status_code == 201
    async with rt.db.session() as session:
        await session.execute(delete(Form))
        await session.commit()
    response = await client.delete(f"/store/product/{shop.kaos}", headers=shop.headers)
    assert response.json()["data"]["archived"] is True
