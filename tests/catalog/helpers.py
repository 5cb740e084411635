"""Catalog factories: products built through the API, the way a seller builds them."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from bosonline.models import InventoryMovement, Store, StoreWarehouse
from bosonline.runtime import Runtime
from tests.factories import unique
from tests.inventory.helpers import make_warehouse
from tests.inventory.helpers import put_stock as inventory_put_stock


def variant(price: int = 50_000, **fields: Any) -> dict[str, Any]:
    return {"price": price, **fields}


def simple_product(**fields: Any) -> dict[str, Any]:
    """A product without attributes: one default variant."""
    body: dict[str, Any] = {"name": unique("Kopi Arabika "), "weight_g": 250, "variants": [variant()]}
    body.update(fields)
    return body


def sized_product(
    sizes: tuple[str, ...] = ("100gr", "200gr"),
    colors: tuple[str, ...] = (),
    skus: tuple[str | None, ...] = (),
    **fields: Any,
) -> dict[str, Any]:
    """A product with `Ukuran` (and optionally `Warna`) attributes and one variant per combination; `skus` are the
    first variants' SKUs (None: none)."""
    attributes: list[dict[str, Any]] = [{"name": "Ukuran", "items": list(sizes)}]
    combos: list[list[str]] = [[size] for size in sizes]
    if colors:
        attributes.append({"name": "Warna", "items": list(colors)})
        combos = [[size, color] for size in sizes for color in colors]
    variants = [variant(price=10_000 * (index + 1), options=combo) for index, combo in enumerate(combos)]
    for each, sku in zip(variants, skus, strict=False):
        if sku is not None:
            each["sku"] = sku
    body: dict[str, Any] = {
        "name": unique("Madu Hutan "),
        "weight_g": 300,
        "attributes": attributes,
        "variants": variants,
    }
    body.update(fields)
    return body


async def create_product(
    client: httpx.AsyncClient, headers: dict[str, str], body: dict[str, Any] | None = None
) -> dict[str, Any]:
    response = await client.post("/store/product", json=body or simple_product(), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def put_stock(rt: Runtime, store: dict[str, Any], variant_id: int, on_hand: int, reserved: int = 0) -> int:
    """Stock a variant in a warehouse the store ships from (one of the owner's, made on first use), straight in the
    database; returns the warehouse id. The inventory API has its own tests; here stock is only a precondition."""
    async with rt.db.session() as session:
        warehouse_id = await session.scalar(
            select(StoreWarehouse.warehouse_id).where(StoreWarehouse.store_id == store["id"]).limit(1)
        )
        owner_id = await session.scalar(select(Store.owner_id).where(Store.id == store["id"]))
    if warehouse_id is None:
        warehouse_id = await make_warehouse(rt, int(owner_id or 0), ships_for=store["id"])
    await inventory_put_stock(rt, store["id"], variant_id, warehouse_id, on_hand, reserved)
    return int(warehouse_id)


async def record_order_reservation(rt: Runtime, store: dict[str, Any], variant_id: int, warehouse_id: int) -> None:
    """The movement an order's checkout writes (orders arrive in a later step)."""
    async with rt.db.session() as session:
        session.add(
            InventoryMovement(
                store_id=store["id"],
                variant_id=variant_id,
                warehouse_id=warehouse_id,
                reason="order_reserved",
                delta_reserved=1,
                on_hand_after=5,
                reserved_after=1,
                order_id=42,
            )
        )
        await session.commit()
