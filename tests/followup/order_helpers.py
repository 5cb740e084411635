"""Factories for the per-order follow-up tests: templates and integrations as model rows (the template and
integration APIs have their own tests), and reads of an order's follow-up rows."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

import httpx
from sqlalchemy import select, update

from bosonline.models import CheckoutLead, FollowupMessage, ProductVariant, Sku
from bosonline.runtime import Runtime
from tests.followup.dispatch_helpers import insert_template
from tests.order.helpers import CheckoutShop
from tests.orders_support import add_row

_numbers = itertools.count(20_000_001)

TEXTS = {
    "text_for_bank_transfer": "Halo {{customer_name}}, pesanan {{order_number}} menunggu transfer {{total}}.",
    "text_for_cod": "Halo {{customer_name}}, pesanan COD {{order_number}} segera kami kirim.",
    "text_for_epayment": "Halo {{customer_name}}, bayar pesanan {{order_number}} di {{payment_url}}",
}


async def add_template(
    rt: Runtime, store_id: int, product_id: int | None, name: str, position: int, **fields: Any
) -> int:
    """A follow-up chat template of the product (or a store default with product_id None); manual, order_created,
    due at once, with TEXTS, unless `fields` say otherwise."""
    values: dict[str, Any] = {
        "provider": "manual",
        "change_status": False,
        "hours_after": 0,
        "trigger": "order_created",
        "wa_gateway_assignation_type": "fixed",
        **TEXTS,
        **fields,
    }
    return (await insert_template(rt, store_id, product_id, position=position, name=name, **values)).id


async def four_steps(rt: Runtime, shop: CheckoutShop) -> list[int]:
    """Follow Up 1–4 of Kaos Polos: 1 and 2 manual at checkout (+0 h, +24 h), 3 confirmed (moves the order),
    4 manual, not scheduled at checkout (its trigger is a status the order has not reached)."""
    return [
        await add_template(rt, shop.store_id, shop.kaos, "Follow Up 1", 1),
        await add_template(rt, shop.store_id, shop.kaos, "Follow Up 2", 2, hours_after=24),
        await add_template(
            rt, shop.store_id, shop.kaos, "Konfirmasi", 3, trigger="confirmed", change_status=True,
            text_for_bank_transfer="Pesanan {{order_number}} kami konfirmasi ya {{customer_name}}",
        ),
        await add_template(
            rt, shop.store_id, shop.kaos, "Follow Up 4", 4, trigger="in_process", change_status=True, hours_after=5
        ),
    ]  # fmt: skip


async def register_sku(rt: Runtime, store_id: int, variant_id: int) -> str:
    """The variant's SKU in the store's SKU registry (what the catalog API writes); returns the SKU."""
    async with rt.db.session() as session:
        variant = await session.get(ProductVariant, variant_id)
        assert variant is not None and variant.sku
        session.add(
            Sku(store_id=store_id, sku_key=variant.sku.upper(), product_id=variant.product_id, variant_id=variant_id)
        )
        await session.commit()
        return variant.sku


async def register_product_sku(rt: Runtime, store_id: int, product_id: int, sku: str) -> str:
    """A product-level SKU in the store's SKU registry (what the catalog API writes for a product's own SKU)."""
    async with rt.db.session() as session:
        session.add(Sku(store_id=store_id, sku_key=sku.upper(), product_id=product_id, variant_id=None))
        await session.commit()
    return sku


async def add_lead(rt: Runtime, store_id: int, form_id: int, variant_id: int, *, phone: str) -> int:
    """An abandoned checkout (open) as the checkout writes it; the leads API has its own tests."""
    lead = await add_row(
        rt,
        CheckoutLead,
        store_id=store_id,
        form_id=form_id,
        token=uuid.uuid4().hex[:24],
        name="Rina",
        phone=phone,
        items=[{"variant_id": variant_id, "quantity": 1}],
        payment_method="bank_transfer",
        status="open",
    )
    return lead.id


async def set_lead(rt: Runtime, lead_id: int, **values: Any) -> None:
    async with rt.db.session() as session:
        await session.execute(update(CheckoutLead).where(CheckoutLead.id == lead_id).values(**values))
        await session.commit()


async def messages(rt: Runtime, *, order_id: int | None = None, lead_id: int | None = None) -> list[FollowupMessage]:
    stmt = select(FollowupMessage).order_by(FollowupMessage.step, FollowupMessage.id)
    if order_id is not None:
        stmt = stmt.where(FollowupMessage.order_id == order_id)
    if lead_id is not None:
        stmt = stmt.where(FollowupMessage.lead_id == lead_id)
    async with rt.db.session(write=False) as session:
        return list(await session.scalars(stmt))


async def set_message(rt: Runtime, message_id: int, **values: Any) -> None:
    async with rt.db.session() as session:
        await session.execute(update(FollowupMessage).where(FollowupMessage.id == message_id).values(**values))
        await session.commit()


async def follow_up(client: httpx.AsyncClient, headers: dict[str, str], order_id: int, **body: Any) -> httpx.Response:
    return await client.post("/store/order/followup", json={"order_id": order_id, **body}, headers=headers)


async def attempts(client: httpx.AsyncClient, headers: dict[str, str], **params: Any) -> httpx.Response:
    return await client.get("/store/order/followup-attempts", params=params, headers=headers)
