"""The back office from end to end: an order placed through the checkout is found, edited, paid, shipped,
completed and invoiced; every step is in its timeline and reaches a subscribed webhook receiver, signed."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json

import httpx
import pypdf

from bosonline.runtime import Runtime
from bosonline.wiring import AppWorker as Worker
from tests.order.helpers import make_checkout_shop, place_orders, stats_match
from tests.webhook.helpers import add_webhook
from tests.webhook.receiver import Receiver


async def test_order_from_checkout_to_completed(client: httpx.AsyncClient, rt: Runtime) -> None:
    receiver = await Receiver().start()
    try:
        await _story(client, rt, receiver)
    finally:
        await receiver.close()


async def _story(client: httpx.AsyncClient, rt: Runtime, receiver: Receiver) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    hook = await add_webhook(client, shop.headers, receiver.url)
    (placed,) = await place_orders(client, rt, shop)
    headers = shop.headers

    # Found by the buyer's phone as the seller types it, with a status filter.
    found = await client.get("/store/order", params={"q": "0812-3456", "status": "pending"}, headers=headers)
    assert found.status_code == 200, found.text
    assert [row["number"] for row in found.json()["data"]] == [placed.number]

    async def ok(response: httpx.Response) -> dict:  # type: ignore[type-arg]
        assert response.status_code == 200, response.text
        return response.json()["data"]

    url = f"/store/order/{placed.id}"
    await ok(
        await client.put(
            f"{url}/customer",
            headers=headers,
            json={
                "name": "Siti Aminah Putri",
                "phone": "081234567890",
                "address": "Jl. Margonda Raya No. 12",
                "region_code": "32.76.01",
            },
        )
    )
    await ok(
        await client.put(
            f"{url}/another-fee", headers=headers, json={"name": "Bungkus kado", "type": "fee", "amount": 5000}
        )
    )
    detail = await ok(await client.get(url, headers=headers))
    total = detail["money"]["total"]
    assert total == placed.total + 5000
    paid = await ok(await client.post(f"{url}/confirm-payment", headers=headers, json={"amount": total}))
    assert paid["payment"]["status"] == "paid"
    again = await client.post(f"{url}/confirm-payment", headers=headers, json={"amount": total})
    assert again.status_code == 409
    await ok(await client.patch(f"{url}/status", headers=headers, json={"status": "confirmed"}))
    await ok(
        await client.put(
            f"{url}/shipping", headers=headers, json={"awb": "JNE0012345678", "shipment_status": "picked_up"}
        )
    )
    await ok(await client.patch(f"{url}/status", headers=headers, json={"status": "shipped"}))
    done = await ok(await client.patch(f"{url}/status", headers=headers, json={"status": "completed"}))

    assert done["status"] == "completed"
    assert done["shipment"]["awb"] == "JNE0012345678"
    kinds = [event["kind"] for event in done["events"]]
    assert kinds[0] == "created" and kinds.count("status_changed") == 3
    assert {"customer_edited", "other_fee_changed", "payment_confirmed", "shipment_updated"} <= set(kinds)
    moves = [(e["from_status"], e["to_status"]) for e in done["events"] if e["kind"] == "status_changed"]
    assert moves == [("pending", "confirmed"), ("confirmed", "shipped"), ("shipped", "completed")]
    await stats_match(rt, shop.store_id)

    invoice = await client.post("/store/order/invoice", headers=headers, json={"ids": [placed.id]})
    assert invoice.status_code == 200 and invoice.content.startswith(b"%PDF")
    text = pypdf.PdfReader(io.BytesIO(invoice.content)).pages[0].extract_text()
    assert placed.number in text and "JNE0012345678" in text

    async with Worker(rt) as worker:
        while await worker.run_once():
            pass
    events = [json.loads(request.body)["event"] for request in receiver.requests]
    assert events[0] == "order.created"
    assert events.count("order.status_changed") == 3
    assert events.count("order.payment_status_changed") == 1
    assert events.count("order.updated") >= 3  # customer, fee, shipment
    for request in receiver.requests:  # each one verifiable with the endpoint's secret
        expected = base64.b64encode(hmac.new(hook["secret"].encode(), request.body, hashlib.sha256).digest())
        assert request.headers["x-bosonline-hmac-sha256"] == expected.decode()
    last = json.loads(receiver.requests[-1].body)
    assert last["data"]["order"]["status"] == "completed"
    assert last["data"]["to_status"] == "completed"
