"""Plain factories for inventory tests. The catalog and warehouse APIs are written alongside this one, so products,
variants, warehouses and the store's warehouse choice are created directly through the models here."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy import func, insert, select, update

from bosonline.models import InventoryMovement, Product, ProductVariant, Stock, StoreWarehouse, Warehouse
from bosonline.runtime import Runtime
from tests.envelope import assert_page
from tests.factories import add_staff, bearer, login, seller
from tests.orders_support import add_row, new_row

_seq = itertools.count(1)


async def make_warehouse(
    rt: Runtime, owner_id: int, *, name: str = "Gudang Utama", ships_for: int | None = None
) -> int:
    """A warehouse of the account `owner_id`; `ships_for` = a store id that ships from it."""
    warehouse = new_row(
        rt,
        Warehouse,
        owner_id=owner_id,
        name=name,
        contact_name="Budi",
        contact_phone="6281234567890",
        address="Jl. Merdeka 1",
        region_code="32.73.01",
        postal_code="40111",
    )
    async with rt.db.session() as session:
        session.add(warehouse)
        await session.flush()  # its id
        if ships_for is not None:
            session.add(new_row(rt, StoreWarehouse, store_id=ships_for, warehouse_id=warehouse.id))
        await session.commit()
    return warehouse.id


async def ship_from(rt: Runtime, store_id: int, warehouse_id: int) -> None:
    await add_row(rt, StoreWarehouse, store_id=store_id, warehouse_id=warehouse_id)


async def make_product(
    rt: Runtime,
    store_id: int,
    *,
    name: str = "Kaos Polos",
    variants: list[str] | None = None,
    skus: list[str | None] | None = None,
    status: str = "active",
) -> tuple[int, list[int]]:
    """A product with variants named `variants` (one default variant when not given); (product_id, variant ids)."""
    variants = variants or [name]
    skus = skus or [f"SKU-{next(_seq)}" for _ in variants]
    now = rt.clock.now()
    async with rt.db.session() as session:
        product = Product(
            store_id=store_id,
            name=name,
            slug=f"{name.lower().replace(' ', '-')}-{next(_seq)}",
            weight_g=200,
            created_at=now,
            updated_at=now,
        )
        session.add(product)
        await session.flush()
        rows = [
            ProductVariant(
                store_id=store_id,
                product_id=product.id,
                name=variant_name,
                sku=sku,
                price=50_000,
                weight_g=200,
                position=position,
                status=status,
                created_at=now,
                updated_at=now,
            )
            for position, (variant_name, sku) in enumerate(zip(variants, skus, strict=True))
        ]
        session.add_all(rows)
        await session.flush()
        ids = [row.id for row in rows]
        await session.commit()
        return product.id, ids


async def bulk_variants(rt: Runtime, store_id: int, product_id: int, count: int) -> list[int]:
    """`count` variants of one product inserted in one statement (for large downloads and pagination)."""
    now = rt.clock.now()
    rows = [
        {
            "store_id": store_id,
            "product_id": product_id,
            "name": f"Varian {i:05d}",
            "sku": f"BULK-{product_id}-{i:05d}",
            "price": 10_000,
            "weight_g": 100,
            "position": i,
            "status": "active",
            "options": [],
            "wholesale_tiers": [],
            "cogs": 0,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(count)
    ]
    async with rt.db.session() as session:
        for start in range(0, count, 1000):
            await session.execute(insert(ProductVariant), rows[start : start + 1000])
        ids = list(
            (
                await session.scalars(
                    select(ProductVariant.id)
                    .where(
                        ProductVariant.product_id == product_id, ProductVariant.sku.startswith(f"BULK-{product_id}-")
                    )
                    .order_by(ProductVariant.id)
                )
            ).all()
        )
        await session.commit()
        return ids


async def put_stock(
    rt: Runtime, store_id: int, variant_id: int, warehouse_id: int, on_hand: int, reserved: int = 0
) -> int:
    """Writes a Stock row as it stands (no movement), as if earlier changes had happened; returns its id."""
    stock = await add_row(
        rt,
        Stock,
        store_id=store_id,
        variant_id=variant_id,
        warehouse_id=warehouse_id,
        on_hand=on_hand,
        reserved=reserved,
    )
    return stock.id


async def list_page(client: httpx.AsyncClient, path: str, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    """GET a list route: 200, and the list envelope ({"data", "meta"}) as the body."""
    return assert_page(await client.get(path, params=params, headers=headers))


async def inventory(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    """GET /store/inventory (List Inventory): one page."""
    return await list_page(client, "/store/inventory", headers, **params)


async def history(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> dict[str, Any]:
    """GET /store/inventory/movements (the stock change log): one page."""
    return await list_page(client, "/store/inventory/movements", headers, **params)


async def archive_variant(rt: Runtime, variant_id: int, when: datetime) -> None:
    async with rt.db.session() as session:
        await session.execute(update(ProductVariant).where(ProductVariant.id == variant_id).values(archived_at=when))
        await session.commit()


async def archive_product(rt: Runtime, product_id: int, when: datetime) -> None:
    async with rt.db.session() as session:
        await session.execute(update(Product).where(Product.id == product_id).values(archived_at=when))
        await session.commit()


async def stock_of(rt: Runtime, variant_id: int, warehouse_id: int) -> tuple[int, int] | None:
    async with rt.db.session(write=False) as session:
        row = (
            await session.execute(
                select(Stock.on_hand, Stock.reserved).where(
                    Stock.variant_id == variant_id, Stock.warehouse_id == warehouse_id
                )
            )
        ).first()
        return None if row is None else (row[0], row[1])


async def movements(rt: Runtime, **where: Any) -> list[InventoryMovement]:
    async with rt.db.session(write=False) as session:
        stmt = select(InventoryMovement).order_by(InventoryMovement.id)
        for name, value in where.items():
            stmt = stmt.where(getattr(InventoryMovement, name) == value)
        return list((await session.scalars(stmt)).all())


async def count_rows(rt: Runtime, model: Any) -> int:
    async with rt.db.session(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


@dataclass
class Shop:
    """A seller's store shipping from two warehouses, with a CS member and a third warehouse it does not use.

    Products: "Kaos Polos" (variants Merah / L, Hitam / M) and "Kopi Arabika 100% Gayo" (one variant)."""

    owner: dict[str, Any]
    cs_headers: dict[str, str]
    store_id: int
    user_id: int
    main: int  # "Gudang Utama"
    branch: int  # "Gudang Cabang"
    unused: int  # the owner's, but not shipped from by this store
    kaos: int
    kaos_red: int
    kaos_black: int
    kopi: int
    kopi_variant: int

    @property
    def headers(self) -> dict[str, str]:
        return self.owner["headers"]  # type: ignore[no-any-return]


async def make_shop(client: httpx.AsyncClient, rt: Runtime) -> Shop:
    owner = await seller(client, name="Budi Pemilik")
    store_id, user_id = owner["store"]["id"], owner["user"]["id"]
    main = await make_warehouse(rt, user_id, name="Gudang Utama", ships_for=store_id)
    branch = await make_warehouse(rt, user_id, name="Gudang Cabang", ships_for=store_id)
    unused = await make_warehouse(rt, user_id, name="Gudang Lama")
    kaos, (red, black) = await make_product(
        rt, store_id, name="Kaos Polos", variants=["Merah / L", "Hitam / M"], skus=["KAOS-MRH-L", "KAOS-HTM-M"]
    )
    kopi, (kopi_variant,) = await make_product(rt, store_id, name="Kopi Arabika 100% Gayo", skus=["KOPI_GAYO"])
    cs = await add_staff(client, owner["headers"], name="Putri CS")
    cs_tokens = await login(client, cs["email"])
    return Shop(
        owner=owner,
        cs_headers=bearer(cs_tokens),
        store_id=store_id,
        user_id=user_id,
        main=main,
        branch=branch,
        unused=unused,
        kaos=kaos,
        kaos_red=red,
        kaos_black=black,
        kopi=kopi,
        kopi_variant=kopi_variant,
    )


@dataclass
class OtherStore:
    """Another seller's store, shipping from its own warehouse "Gudang Mereka", with one stocked variant there."""

    headers: dict[str, str]  # its owner's
    store_id: int
    warehouse: int
    variant: int


async def make_other_store(client: httpx.AsyncClient, rt: Runtime, on_hand: int) -> OtherStore:
    """A second store (for tenancy tests), `on_hand` of its one variant in its warehouse."""
    other = await seller(client)
    store_id = other["store"]["id"]
    warehouse = await make_warehouse(rt, other["user"]["id"], name="Gudang Mereka", ships_for=store_id)
    _, (variant,) = await make_product(rt, store_id, name="Kaos Polos")
    await put_stock(rt, store_id, variant, warehouse, on_hand)
    return OtherStore(other["headers"], store_id, warehouse, variant)
