"""All SQL of the buyer side. Buyers are not store members, so reads are scoped by the store the public request
resolved (its subdomain), never by a StoreContext."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from sqlalchemy import ARRAY, BigInteger, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import dialect_of
from bosonline.hot_sql import Hot
from bosonline.models import (
    Form,
    FormItem,
    Image,
    Order,
    OrderLine,
    Product,
    ProductImage,
    ProductVariant,
    Stock,
    Store,
    StoreMember,
    StoreSettings,
    StoreWarehouse,
    Warehouse,
)
from bosonline.models.store import STORE_IS_OPEN


@dataclass(frozen=True)
class Offered:
    """A variant a form offers, with its product."""

    product: Product
    variant: ProductVariant
    default_quantity: int


@dataclass(frozen=True)
class WarehouseStock:
    warehouse_id: int
    region_code: str
    available: dict[int, int]  # variant id → on hand − reserved


@cache
def _warehouse_stock(dialect: str) -> Hot:
    """The store's warehouses and what they hold of some variants; built once per dialect (a checkout's hot path):
    on PostgreSQL the variants are one array parameter (`= ANY($2)`, so the statement is sent straight to asyncpg,
    hot_sql.Hot), elsewhere an expanding IN."""
    if dialect == "postgresql":
        variants = Stock.variant_id == func.any(bindparam("variants", type_=ARRAY(BigInteger)))
    else:
        variants = Stock.variant_id.in_(bindparam("variants", expanding=True))
    return Hot(
        select(Warehouse.id, Warehouse.region_code, Stock.variant_id, Stock.on_hand - Stock.reserved)
        .join(StoreWarehouse, StoreWarehouse.warehouse_id == Warehouse.id)
        .outerjoin(Stock, and_(Stock.warehouse_id == Warehouse.id, variants))
        .where(StoreWarehouse.store_id == bindparam("store"), Warehouse.deleted_at.is_(None))
        .order_by(Warehouse.is_default.desc(), Warehouse.id)
    )


class CheckoutRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- store and form ---------------------------------------------------------------------------------------

    async def store_of(self, store_id: int) -> tuple[Store, StoreSettings]:
        row = (
            await self.session.execute(
                select(Store, StoreSettings)
                .join(StoreSettings, StoreSettings.store_id == Store.id)
                .where(Store.id == store_id)
            )
        ).one()
        return row[0], row[1]

    async def store_and_form(self, subdomain: str, slug: str) -> tuple[Store, StoreSettings, Form] | None:
        """An active store's live, active form, in one query."""
        row = (
            await self.session.execute(
                select(Store, StoreSettings, Form)
                .join(StoreSettings, StoreSettings.store_id == Store.id)
                .join(Form, Form.store_id == Store.id)
                .where(
                    Store.subdomain == subdomain,
                    STORE_IS_OPEN,
                    Form.slug == slug,
                    Form.deleted_at.is_(None),
                    Form.status == "active",
                )
            )
        ).first()
        return (row[0], row[1], row[2]) if row else None

    async def form_by_id(self, store_id: int, form_id: int | None) -> Form | None:
        if form_id is None:
            return None
        return await self.session.scalar(select(Form).where(Form.store_id == store_id, Form.id == form_id))

    async def offered(self, form: Form) -> list[Offered]:
        """The live, active variants the form offers (a product item offers all of them), in form order."""
        rows = await self.session.execute(
            select(FormItem.default_quantity, Product, ProductVariant)
            .join(Product, Product.id == FormItem.product_id)
            .join(
                ProductVariant,
                and_(
                    ProductVariant.product_id == Product.id,
                    or_(FormItem.variant_id.is_(None), FormItem.variant_id == ProductVariant.id),
                ),
            )
            .where(
                FormItem.form_id == form.id,
                FormItem.store_id == form.store_id,
                Product.archived_at.is_(None),
                Product.status == "active",
                ProductVariant.archived_at.is_(None),
                ProductVariant.status == "active",
            )
            .order_by(FormItem.position, ProductVariant.position, ProductVariant.id)
        )
        seen: set[int] = set()
        offered: list[Offered] = []
        for default_quantity, product, variant in rows:
            if variant.id not in seen:  # a product item and one of its variants may both be on the form
                seen.add(variant.id)
                offered.append(Offered(product, variant, default_quantity))
        return offered

    async def product_images(self, product_ids: Iterable[int]) -> dict[int, list[Image]]:
        rows = await self.session.execute(
            select(ProductImage.product_id, Image)
            .join(Image, Image.id == ProductImage.image_id)
            .where(ProductImage.product_id.in_(list(product_ids)))
            .order_by(ProductImage.product_id, ProductImage.position)
        )
        images: dict[int, list[Image]] = {}
        for product_id, image in rows:
            images.setdefault(product_id, []).append(image)
        return images

    async def images(self, image_ids: Iterable[int]) -> dict[int, Image]:
        ids = list(set(image_ids))
        if not ids:
            return {}
        return {image.id: image for image in await self.session.scalars(select(Image).where(Image.id.in_(ids)))}

    # --- stock ------------------------------------------------------------------------------------------------

    async def warehouse_stock(self, store_id: int, variant_ids: Sequence[int]) -> list[WarehouseStock]:
        """The store's warehouses, default first, each with what it holds of `variant_ids` (missing: 0)."""
        statement = _warehouse_stock(dialect_of(self.session))
        rows = await statement.rows(self.session, {"store": store_id, "variants": list(variant_ids)})
        found: dict[int, WarehouseStock] = {}
        for warehouse_id, region_code, variant_id, available in rows:
            entry = found.setdefault(warehouse_id, WarehouseStock(warehouse_id, region_code, {}))
            if variant_id is not None:
                entry.available[variant_id] = int(available)
        return list(found.values())

    # --- placing an order -------------------------------------------------------------------------------------

    async def handlers(self, store_id: int) -> tuple[list[StoreMember], StoreMember | None]:
        """Active CS members by id, and the owner's membership (who handles orders when there is no CS)."""
        rows = await self.session.scalars(
            select(StoreMember)
            .where(
                StoreMember.store_id == store_id,
                StoreMember.status == "active",
                StoreMember.removed_at.is_(None),
                StoreMember.role.in_(("cs", "owner")),
            )
            .order_by(StoreMember.id)
        )
        cs: list[StoreMember] = []
        owner = None
        for member in rows:
            if member.role == "cs":
                cs.append(member)
            else:
                owner = member
        return cs, owner

    # --- reading an order back --------------------------------------------------------------------------------

    async def order_by_secret(self, secret_slug: str) -> Order | None:
        return await self.session.scalar(select(Order).where(Order.secret_slug == secret_slug))

    async def order_by_id(self, order_id: int) -> Order:
        return (await self.session.scalars(select(Order).where(Order.id == order_id))).one()

    async def lines_of(self, order_id: int) -> list[OrderLine]:
        return list(
            await self.session.scalars(
                select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.position)
            )
        )

    async def member(self, member_id: int | None) -> StoreMember | None:
        if member_id is None:
            return None
        return await self.session.get(StoreMember, member_id)
