"""Checkout caches a store's rarely-changing data per (store, data_version) (checkout/store_data.py); database
triggers move the version (migration 0012). Every kind of change is seen by the very next checkout, whoever
wrote it: the changes below are plain SQL, as a script or another process could send them."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import delete, func, select, update

from bosonline.models import (
    BankAccount,
    FollowupChat,
    FollowupMessage,
    FormItem,
    Order,
    ProductVariant,
    ShippingRate,
    StoreMember,
    Webhook,
    WebhookDelivery,
)
from bosonline.runtime import Runtime
from tests.checkout.helpers import CheckoutShop, make_checkout_shop, place, variant_price
from tests.factories import add_staff
from tests.followup.order_helpers import add_template

_phones = iter(range(10**6))


async def order(client: httpx.AsyncClient, shop: CheckoutShop, **overrides: Any) -> dict[str, Any]:
    response = await place(client, shop, phone=f"0812{next(_phones):08d}", **overrides)
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def write(rt: Runtime, *statements: Any) -> None:
    async with rt.db.session() as session:
        for statement in statements:
            await session.execute(statement)
        await session.commit()


async def handler_of(rt: Runtime, number: str) -> int | None:
    async with rt.db.session(write=False) as session:
        return await session.scalar(select(Order.handler_id).where(Order.number == number))


async def rows(rt: Runtime, model: Any, *where: Any) -> int:
    async with rt.db.session(write=False) as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_every_change_is_seen_by_the_next_checkout(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, stock=1_000)
    first = await order(client, shop)  # fills the cache
    assert first["money"]["product_price"] == 100_000 and first["money"]["shipping_cost"] == 10_000

    await variant_price(rt, shop.red, 60_000)  # price edited
    assert (await order(client, shop))["money"]["product_price"] == 120_000

    await write(rt, update(ShippingRate).where(ShippingRate.courier == "jne").values(price=12_000))  # rate card
    assert (await order(client, shop))["money"]["shipping_cost"] == 12_000

    await write(rt, update(BankAccount).values(account_number="9876543210"))  # bank account edited
    assert (await order(client, shop))["payment"]["bank_accounts"][0]["account_number"] == "9876543210"

    first_cs, second_cs = shop.cs_members
    await write(rt, update(StoreMember).where(StoreMember.id == first_cs).values(status="inactive"))  # CS off
    handlers = {await handler_of(rt, (await order(client, shop))["number"]) for _ in range(3)}
    assert handlers == {second_cs}
    await write(rt, update(StoreMember).where(StoreMember.id == second_cs).values(removed_at=func.now()))  # removed
    lone = await handler_of(rt, (await order(client, shop))["number"])
    async with rt.db.session(write=False) as session:
        member = await session.get(StoreMember, lone)
        assert member is not None and member.role == "owner"  # no CS left: the owner
    await add_staff(client, shop.headers, role="cs", email="cs-baru@example.com")  # CS added (through the API)
    newest = await handler_of(rt, (await order(client, shop))["number"])
    assert newest not in {first_cs, second_cs, lone}

    async with rt.db.session() as session:  # webhook added
        session.add(
            Webhook(store_id=shop.store_id, url="https://example.com/hook", secret="s" * 32, events=["order.created"])
        )
        await session.commit()
    placed = await order(client, shop)
    async with rt.db.session(write=False) as session:
        order_id = await session.scalar(select(Order.id).where(Order.number == placed["number"]))
    assert await rows(rt, WebhookDelivery, WebhookDelivery.order_id == order_id) == 1

    template = await add_template(rt, shop.store_id, shop.kaos, "Sapa", 1)  # template added, then edited
    await order(client, shop)
    assert await rows(rt, FollowupMessage, FollowupMessage.template_name == "Sapa") == 1
    await write(rt, update(FollowupMessage.__table__).values(status="canceled"))
    await write(rt, update(FollowupChat).where(FollowupChat.id == template).values(name="Sapa Lagi"))
    await order(client, shop)
    assert await rows(rt, FollowupMessage, FollowupMessage.template_name == "Sapa Lagi") == 1

    await write(rt, delete(FormItem).where(FormItem.variant_id == shop.kopi_variant))  # form items changed
    refused = await place(client, shop, items=[{"variant_id": shop.kopi_variant, "quantity": 1}])
    assert refused.status_code == 404, refused.text

    await write(rt, update(ProductVariant).where(ProductVariant.id == shop.black).values(archived_at=func.now()))
    refused = await place(client, shop, items=[{"variant_id": shop.black, "quantity": 1}])
    assert refused.status_code == 404, refused.text  # variant archived
