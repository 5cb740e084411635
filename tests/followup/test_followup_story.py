"""The issue's "done when", end to end over HTTP: a seller connects a (fake) Fonnte number and sets follow-up chats
on a product with the seeds' exact bodies, a buyer orders through the checkout, the follow-ups go out on time
through the gateway and as wa.me links a CS opens, they stop when the order is paid, and the seller sees per-step
results."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from bosonline.kit.clock import FrozenClock
from bosonline.runtime import Runtime
from tests.checkout.helpers import CheckoutShop, make_checkout_shop
from tests.factories import bearer, login
from tests.followup.dispatch_helpers import TOKEN, drain, gateway_runtime, job
from tests.followup.fakes import FakeGateway
from tests.followup.template_helpers import SEED_KEYS
from tests.order.helpers import place_orders


def chat(name: str, provider: str, hours_after: int, text: str, wa_integration_id: int | None) -> dict[str, Any]:
    """The Scalev seed's request body, every key."""
    return {
        "name": name,
        "provider": provider,
        "change_status": False,
        "hours_after": hours_after,
        "image": "https://cdn.example.com/promo.jpg",
        "is_default": False,
        "text_for_bank_transfer": text + " Transfer ke {{bank_accounts}}",
        "text_for_cod": text + " Siapkan uang pas saat kurir datang.",
        "text_for_epayment": text + " Bayar di {{payment_url}}",
        "trigger": "order_created",
        "wa_gateway_assignation_type": "fixed",
        "wa_integration_id": wa_integration_id,
    }


async def relogin(client: httpx.AsyncClient, shop: CheckoutShop) -> dict[str, str]:
    """Fresh headers after the clock moved past the access token's 15 minutes."""
    return bearer(await login(client, shop.owner["email"]), shop.store_id)


async def ok(response: httpx.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


async def test_an_order_is_followed_up_until_paid(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock, fonnte: FakeGateway
) -> None:
    shop: CheckoutShop = await make_checkout_shop(client, rt)
    headers = shop.headers
    number = await ok(
        await client.post(
            "/store/wa-integration",
            headers=headers,
            json={
                "name": "CS Utama",
                "phone_number": "0812-7000-1000",
                "provider": "fonnte",
                "credentials": {"token": TOKEN},
                "pacing_per_minute": 0,
            },
        ),
        201,
    )
    integration_id = number["data"]["id"]
    assert TOKEN not in str(number)

    url = f"/v3/products/{shop.kaos}/follow-up-chats"
    welcome = await ok(
        await client.post(
            url, headers=headers, json=chat("Konfirmasi", "fonnte", 0, "Halo {{customer_name}}!", integration_id)
        ),
        201,
    )
    assert set(welcome) == SEED_KEYS
    assert welcome["bundle_id"] is None and welcome["product_id"] == shop.kaos
    assert welcome["wa_integration"] == {
        "id": integration_id,
        "name": "CS Utama",
        "phone_number": "081270001000",
        "provider": "fonnte",
    }
    await ok(
        await client.post(
            url, headers=headers, json=chat("Follow Up 1", "manual", 24, "Kak {{customer_name}}, sudah transfer?", None)
        ),
        201,
    )
    await ok(
        await client.post(
            url, headers=headers, json=chat("Follow Up 2", "fonnte", 48, "Pengingat terakhir.", integration_id)
        ),
        201,
    )
    listed = await ok(await client.get(url, headers=headers))
    assert [item["name"] for item in listed["data"]] == ["Konfirmasi", "Follow Up 1", "Follow Up 2"]
    assert listed["has_next"] is False and listed["next_cursor"] is None

    placed = (await place_orders(client, rt, shop, name="PUTRI", phone="08190211411"))[0]
    dispatcher = job(gateway_runtime(rt, fonnte))
    try:
        # Follow Up 1 (welcome, 0 h) goes out through Fonnte at once, to the buyer's number, rendered.
        assert await drain(dispatcher) >= 1
        assert len(fonnte.messages) == 1
        sent = fonnte.messages[0]
        assert sent.to == "628190211411"
        assert sent.text.startswith("Halo PUTRI! Transfer ke ")
        assert "{{" not in sent.text

        # The CS's list: one entry for the order, the seed's four keys first, the next one is the manual step 2.
        listing = await ok(await client.get("/store/order/followup-attempts", headers=headers))
        entry = listing["data"][0]
        assert list(entry)[:4] == ["folowup_attempts", "customer_name", "customer_phone", "followup_text"]
        assert entry["folowup_attempts"] == 1
        assert entry["customer_name"] == "PUTRI" and entry["customer_phone"] == "08190211411"
        assert entry["followup_text"].startswith("Kak PUTRI, sudah transfer?")

        # A day later the CS does step 2 by hand: the wa.me link carries the rendered text.
        clock.advance(hours=24)
        headers = await relogin(client, shop)
        assert await drain(dispatcher) == 0  # manual steps wait for the CS
        done = await ok(await client.post("/store/order/followup", headers=headers, json={"order_id": placed.id}))
        data = done["data"]
        assert data["step"] == 2 and data["status"] == "sent" and data["folowup_attempts"] == 2
        assert data["wa_url"] == f"https://wa.me/628190211411?text={quote(data['text'], safe='')}"

        # The buyer pays before step 3 is due: the last reminder never goes out.
        await ok(
            await client.post(
                f"/store/order/{placed.id}/confirm-payment", headers=headers, json={"amount": placed.total}
            )
        )
        clock.advance(hours=30)
        headers = await relogin(client, shop)
        await drain(dispatcher)
        assert len(fonnte.messages) == 1
        listing = await ok(await client.get("/store/order/followup-attempts", headers=headers))
        assert listing["data"] == []

        history = await ok(await client.get(f"/store/order/{placed.id}/message-history", headers=headers))
        assert [(item["step"], item["status"]) for item in history["data"]] == [
            (1, "sent"),
            (2, "sent"),
            (3, "canceled"),
        ]
    finally:
        await dispatcher.aclose()

    # Fonnte reports the welcome delivered and read; statuses only move forward.
    secret = number["data"]["status_webhook_url"].split("secret=", 1)[1]
    message_id = history["data"][0]["provider_message_id"]
    for state in ("read", "delivered"):
        await ok(
            await client.post(
                f"/webhooks/whatsapp/{integration_id}",
                params={"secret": secret},
                json={"id": message_id, "state": state, "status": state},
            )
        )
    history = await ok(await client.get(f"/store/order/{placed.id}/message-history", headers=headers))
    assert history["data"][0]["status"] == "read"

    stats = await ok(await client.get("/store/followup/stats", headers=headers))
    steps = {row["step"]: row for row in stats["data"]["steps"]}
    assert steps[1]["sent"] == 1 and steps[1]["read"] == 1 and steps[1]["converted"] == 1
    assert steps[2]["sent"] == 1 and steps[2]["converted"] == 1
    assert steps[3]["canceled"] == 1 and steps[3]["sent"] == 0
