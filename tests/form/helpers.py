"""Form factories: a seller with products (through the catalog API), form bodies, and rows only later steps write
through their own APIs (orders, many forms at once) put straight into the database."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import httpx

from bosonline.models import Customer, Form, Order
from bosonline.runtime import Runtime
from tests.catalog.helpers import create_product, simple_product, sized_product
from tests.factories import seller

_seq = itertools.count(1)


@dataclass
class Shop:
    owner: dict[str, Any]
    headers: dict[str, str]
    store: dict[str, Any]
    kopi: dict[str, Any]  # one default variant
    madu: dict[str, Any]  # two variants (100gr, 200gr)


async def make_shop(client: httpx.AsyncClient) -> Shop:
    owner = await seller(client)
    headers = owner["headers"]
    kopi = await create_product(client, headers, simple_product(name="Kopi Gayo"))
    madu = await create_product(client, headers, sized_product(name="Madu Hutan"))
    return Shop(owner=owner, headers=headers, store=owner["store"], kopi=kopi, madu=madu)


def item(product: dict[str, Any], variant_index: int | None = None, **fields: Any) -> dict[str, Any]:
    variant_id = None if variant_index is None else product["variants"][variant_index]["id"]
    return {"product_id": product["id"], "variant_id": variant_id, **fields}


def form_body(shop: Shop, **fields: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"title": f"Promo Kopi {next(_seq)}", "items": [item(shop.kopi), item(shop.madu, 1)]}
    body.update(fields)
    return body


async def create_form(client: httpx.AsyncClient, shop: Shop, **fields: Any) -> dict[str, Any]:
    response = await client.post("/store/form", json=form_body(shop, **fields), headers=shop.headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def insert_forms(rt: Runtime, store_id: int, count: int, *, deleted: bool = False) -> None:
    """`count` bare forms straight in the database (limit tests need 200 of them)."""
    now = rt.clock.now()
    async with rt.db.session() as session:
        for _ in range(count):
            number = next(_seq)
            session.add(
                Form(
                    store_id=store_id,
                    slug=None if deleted else f"bulk-{number}",
                    title=f"Bulk {number}",
                    status="inactive" if deleted else "active",
                    deleted_at=now if deleted else None,
                    created_at=now,
                    updated_at=now,
                )
            )
        await session.commit()


async def insert_order(rt: Runtime, store_id: int, form_id: int | None) -> int:
    """An order placed through `form_id` (checkout writes these in its own step)."""
    number = next(_seq)
    async with rt.db.session() as session:
        customer = Customer(store_id=store_id, phone=f"62812{number:08d}", name="Siti")
        session.add(customer)
        await session.flush()
        order = Order(
            store_id=store_id,
            number=f"INV/20261121/{number:05d}",
            secret_slug=f"secret{number}",
            form_id=form_id,
            customer_id=customer.id,
            payment_method="cod",
            product_price=50_000,
            total=50_000,
            customer_name="Siti",
            customer_phone=customer.phone,
            region_code="32.76.01",
            region_name="Beji, Kota Depok, Jawa Barat",
        )
        session.add(order)
        await session.commit()
        return order.id
