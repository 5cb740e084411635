"""GET /store/order/{id}/validate-wa — Validation Number WA (a format check)."""

from __future__ import annotations

import httpx
from sqlalchemy import update

from bosonline.models import Order, OrderEvent
from bosonline.runtime import Runtime
from tests.checkout.helpers import count
from tests.order.edit_helpers import cs_headers, shop_and_order, stranger


async def set_phone(rt: Runtime, order_id: int, phone: str) -> None:
    """A number as an older import could have left it (checkout only stores valid mobiles)."""
    async with rt.db.session() as session:
        await session.execute(update(Order).where(Order.id == order_id).values(customer_phone=phone))
        await session.commit()


async def test_validate_wa(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop, placed = await shop_and_order(client, rt, cs=1)
    url = f"/store/order/{placed.id}/validate-wa"
    response = await client.get(url, headers=shop.headers)
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["phone"] == "081234567890" and data["phone_e164"] == "6281234567890"
    assert data["valid"] and data["is_mobile"] and data["whatsapp_plausible"]
    assert data["operator"] == "Telkomsel" and data["reason"] is None
    assert data["wa_me_url"] == "https://wa.me/6281234567890"

    # The CS handling the order may check it (read permission); another CS and another store may not.
    handler = await cs_headers(client, rt, shop, shop.cs_members[0])
    assert (await client.get(url, headers=handler)).status_code == 200
    assert (await client.get(url, headers=await cs_headers(client, rt, shop))).status_code == 404
    assert (await client.get(url, headers=await stranger(client))).status_code == 404
    assert (await client.get("/store/order/0/validate-wa", headers=shop.headers)).status_code == 422

    await set_phone(rt, placed.id, "62215551234")  # a Jakarta landline
    data = (await client.get(url, headers=shop.headers)).json()["data"]
    assert data["valid"] and not data["is_mobile"] and not data["whatsapp_plausible"]
    assert data["phone"] == "0215551234" and data["wa_me_url"] is None and "Jakarta" in data["reason"]

    await set_phone(rt, placed.id, "12345")
    data = (await client.get(url, headers=shop.headers)).json()["data"]
    assert not data["valid"] and not data["whatsapp_plausible"] and data["reason"]
    assert data["phone_e164"] is None and data["operator"] is None
    # A check changes nothing.
    assert await count(rt, OrderEvent, OrderEvent.order_id == placed.id) == 1
