"""POST /public/checkout: an order comes in, priced, with stock reserved and a CS assigned."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from bosonline.models import Customer, Order, OrderEvent, OrderLine
from bosonline.runtime import Runtime
from tests.checkout.helpers import BUYER_E164, CheckoutShop, make_checkout_shop, place, stock_row


@pytest.fixture
async def shop(client: httpx.AsyncClient, rt: Runtime) -> CheckoutShop:
    return await make_checkout_shop(client, rt)


async def test_bank_transfer_order(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    response = await place(client, shop)
    assert response.status_code == 201, response.text
    data = response.json()["data"]
    money = data["money"]
    assert money["product_price"] == 100_000
    assert money["shipping_cost"] == 10_000  # 400 g → 1 kg × Rp10.000 (Jawa Barat: default price)
    assert 1 <= money["unique_code"] <= 999
    assert money["total"] == 110_000 - money["unique_code"]
    assert data["payment"]["bank_accounts"][0]["account_number"] == "1234567890"
    assert data["status"] == "pending" and data["payment_status"] == "unpaid"
    assert data["number"].startswith("INV/")
    assert await stock_row(rt, shop.red, shop.warehouse) == (30, 2)
    async with rt.db.session(write=False) as session:
        order = (await session.scalars(select(Order))).one()
        assert order.handler_id == shop.cs_members[0]
        assert order.customer_phone == BUYER_E164
        customer = (await session.scalars(select(Customer))).one()
        assert order.customer_id == customer.id
        lines = (await session.scalars(select(OrderLine))).all()
        assert [(line.product_name, line.variant_name, line.quantity, line.unit_price) for line in lines] == [
            ("Kaos Polos", "Merah / L", 2, 50_000)
        ]
        events = (await session.scalars(select(OrderEvent))).all()
        assert [(e.kind, e.to_status) for e in events] == [("created", "pending")]
