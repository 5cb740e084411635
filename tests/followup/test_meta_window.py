"""Meta's 24-hour customer-service window on whatsapp_cloud follow-ups: buyers' messages arriving at the signed
webhook open it (idempotently, never moved back by an older or repeated delivery), the dispatcher sends free text
inside it, the follow-up chat's approved Meta template outside it, and nothing Meta would refuse (131047)
otherwise: the follow-up fails with a clear error and stays doable by hand (wa.me)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from bosonline.integrations.whatsapp.base import OUTSIDE_WINDOW_ERROR
from bosonline.kit.clock import FrozenClock, as_utc
from bosonline.kit.money import rupiah
from bosonline.models import WaConversationWindow
from bosonline.runtime import Runtime
from tests.checkout.helpers import BUYER_E164, make_checkout_shop
from tests.followup.dispatch_helpers import add_template, add_wa, gateway_runtime, job, row, schedule
from tests.followup.fakes import FakeGateway, meta_inbound, meta_inbound_payload, meta_signature, meta_status
from tests.order.helpers import Placed, place_orders

APP_SECRET = "meta-app-secret-" + "w" * 16
TOKEN = "EAAG-window-token-0001"
PHONE_NUMBER_ID = "1234567890"


@pytest.fixture
async def meta() -> AsyncIterator[FakeGateway]:
    async with FakeGateway("whatsapp_cloud", token=TOKEN) as fake:
        yield fake


class Shop:
    def __init__(self, rt: Runtime, headers: dict[str, str], wa: int, chat_id: int, order: Placed) -> None:
        self.rt, self.headers, self.wa, self.chat_id, self.order = rt, headers, wa, chat_id, order


async def cloud_shop(client: httpx.AsyncClient, rt: Runtime, meta: FakeGateway, **template: Any) -> Shop:
    """A shop with one placed order, a whatsapp_cloud number and a whatsapp_cloud follow-up chat of the product."""
    shop = await make_checkout_shop(client, rt)
    [order] = await place_orders(client, rt, shop, 1)
    credentials = {
        "phone_number_id": PHONE_NUMBER_ID,
        "access_token": TOKEN,
        "app_secret": APP_SECRET,
        "webhook_secret": "verify-token",
    }
    wa = await add_wa(rt, shop.store_id, provider="whatsapp_cloud", credentials=credentials)
    chat = await add_template(rt, shop.store_id, shop.kaos, provider="whatsapp_cloud", integration_id=wa, **template)
    return Shop(gateway_runtime(rt, meta), shop.headers, wa, chat.id, order)


async def buyer_writes(client: httpx.AsyncClient, wa: int, *at: datetime, secret: str = APP_SECRET) -> httpx.Response:
    """Meta's signed webhook carrying the buyer's messages sent at these moments."""
    messages = [meta_inbound(BUYER_E164, timestamp=int(moment.timestamp())) for moment in at]
    body = json.dumps(meta_inbound_payload(messages, PHONE_NUMBER_ID)).encode()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": meta_signature(secret, body)}
    return await client.post(f"/webhooks/whatsapp/{wa}", content=body, headers=headers)


async def window(rt: Runtime, wa: int) -> list[tuple[str, datetime]]:
    async with rt.db.session(write=False) as session:
        found = await session.execute(
            select(WaConversationWindow.phone, WaConversationWindow.last_inbound_at).where(
                WaConversationWindow.integration_id == wa
            )
        )
        return [(phone, as_utc(at)) for phone, at in found]


def whole_seconds(clock: FrozenClock, delta: timedelta) -> datetime:
    """A moment Meta can state (its timestamps are whole unix seconds)."""
    return datetime.fromtimestamp(int((clock.now() - delta).timestamp()), tz=UTC)


async def send_followup(shop: Shop) -> int:
    [message_id] = await schedule(shop.rt, await _chat(shop), order_ids=[shop.order.id])
    await job(shop.rt).run_once()
    return message_id


async def _chat(shop: Shop) -> Any:
    from bosonline.models import FollowupChat

    async with shop.rt.db.session(write=False) as session:
        return await session.get(FollowupChat, shop.chat_id)


async def test_outside_the_window_without_a_meta_template_nothing_is_sent(
    client: httpx.AsyncClient, rt: Runtime, meta: FakeGateway
):
    shop = await cloud_shop(client, rt, meta)

    message_id = await send_followup(shop)

    failed = await row(rt, message_id)
    assert failed.status == "failed"
    assert failed.error is not None and failed.error.startswith("di luar jendela 24 jam: pilih template Meta")
    assert failed.error == OUTSIDE_WINDOW_ERROR
    assert meta.requests == []  # a text Meta refuses (131047) is not even tried
    # The CS still sees the follow-up with its text and wa.me link, and the reason.
    chats = (await client.get(f"/store/order/{shop.order.id}/chats", headers=shop.headers)).json()["data"]
    assert chats[0]["error"] == OUTSIDE_WINDOW_ERROR and chats[0]["wa_url"].startswith(
        f"https://wa.me/{BUYER_E164}?text="
    )


async def test_a_buyer_who_wrote_opens_the_window_for_free_text(
    client: httpx.AsyncClient, rt: Runtime, meta: FakeGateway, clock: FrozenClock
):
    shop = await cloud_shop(client, rt, meta)
    wrote = whole_seconds(clock, timedelta(hours=3))

    answer = await buyer_writes(client, shop.wa, wrote)

    assert answer.status_code == 200, answer.text
    assert await window(rt, shop.wa) == [(BUYER_E164, wrote)]
    message_id = await send_followup(shop)
    assert (await row(rt, message_id)).status == "sent"
    [sent] = meta.messages
    assert sent.fields["type"] == "text" and sent.text.startswith("Halo Siti Aminah, pesanan ")


async def test_the_window_closes_after_24_hours(
    client: httpx.AsyncClient, rt: Runtime, meta: FakeGateway, clock: FrozenClock
):
    shop = await cloud_shop(client, rt, meta)
    await buyer_writes(client, shop.wa, whole_seconds(clock, timedelta(hours=23, minutes=55)))

    message_id = await send_followup(shop)

    # Within a margin of the 24 hours the window counts as closed: the text must reach Meta while it is open.
    assert (await row(rt, message_id)).error == OUTSIDE_WINDOW_ERROR
    assert meta.messages == []


async def test_an_older_or_repeated_delivery_does_not_move_the_window_back(
    client: httpx.AsyncClient, rt: Runtime, meta: FakeGateway, clock: FrozenClock
):
    shop = await cloud_shop(client, rt, meta)
    newer = whole_seconds(clock, timedelta(hours=2))
    older = whole_seconds(clock, timedelta(hours=30))

    assert (await buyer_writes(client, shop.wa, newer)).status_code == 200
    assert (await buyer_writes(client, shop.wa, newer)).status_code == 200  # Meta retries a delivery
    assert (await buyer_writes(client, shop.wa, older)).status_code == 200  # an older message arrives late
    assert (await buyer_writes(client, shop.wa, older, newer - timedelta(minutes=1))).status_code == 200

    assert await window(rt, shop.wa) == [(BUYER_E164, newer)]
    message_id = await send_followup(shop)
    assert (await row(rt, message_id)).status == "sent" and meta.messages[0].fields["type"] == "text"


async def test_a_newer_message_moves_the_window_forward(
    client: httpx.AsyncClient, rt: Runtime, meta: FakeGateway, clock: FrozenClock
):
    shop = await cloud_shop(client, rt, meta)
    await buyer_writes(client, shop.wa, whole_seconds(clock, timedelta(hours=30)))
    later = whole_seconds(clock, timedelta(minutes=5))

    await buyer_writes(client, shop.wa, later)

    assert await window(rt, shop.wa) == [(BUYER_E164, later)]


async def test_an_unsigned_message_opens_nothing(
    client: httpx.AsyncClient, rt: Runtime, meta: FakeGateway, clock: FrozenClock
):
    shop = await cloud_shop(client, rt, meta)

    answer = await buyer_writes(client, shop.wa, whole_seconds(clock, timedelta(hours=1)), secret="not-the-app-secret")

    assert answer.status_code == 401 and answer.json()["error"]["code"] == "invalid_signature"
    assert await window(rt, shop.wa) == []


async def test_statuses_and_messages_in_one_call(
    client: httpx.AsyncClient, rt: Runtime, meta: FakeGateway, clock: FrozenClock
):
    shop = await cloud_shop(client, rt, meta)
    wrote = whole_seconds(clock, timedelta(minutes=1))
    payload = meta_inbound_payload([meta_inbound(BUYER_E164, timestamp=int(wrote.timestamp()))], PHONE_NUMBER_ID)
    payload["entry"][0]["changes"][0]["value"]["statuses"] = [meta_status("wamid.unknown", "delivered")]
    body = json.dumps(payload).encode()

    answer = await client.post(
        f"/webhooks/whatsapp/{shop.wa}",
        content=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": meta_signature(APP_SECRET, body)},
    )

    assert answer.json() == {"data": {"received": 1, "applied": 0}}
    assert await window(rt, shop.wa) == [(BUYER_E164, wrote)]


async def meta_template(client: httpx.AsyncClient, shop: Shop, **body: Any) -> httpx.Response:
    return await client.put(f"/store/follow-up-chats/{shop.chat_id}/meta-template", json=body, headers=shop.headers)


async def test_outside_the_window_the_meta_template_goes(client: httpx.AsyncClient, rt: Runtime, meta: FakeGateway):
    shop = await cloud_shop(client, rt, meta)
    saved = await meta_template(
        client, shop, name="pengingat_pembayaran", language="id", body=["customer_name", "order_number", "total"]
    )
    assert saved.status_code == 200, saved.text
    assert saved.json()["data"] == {
        "follow_up_chat_id": shop.chat_id,
        "name": "pengingat_pembayaran",
        "language": "id",
        "body": ["customer_name", "order_number", "total"],
        "header": None,
    }

    message_id = await send_followup(shop)

    assert (await row(rt, message_id)).status == "sent"
    [sent] = meta.messages
    assert sent.fields["type"] == "template" and "text" not in sent.fields
    assert sent.template == {
        "name": "pengingat_pembayaran",
        "language": {"code": "id"},
        "components": [
            {
                "type": "body",
                "parameters": [
                    {"type": "text", "text": "Siti Aminah"},
                    {"type": "text", "text": shop.order.number},
                    {"type": "text", "text": rupiah(shop.order.total)},
                ],
            }
        ],
    }


async def test_inside_the_window_the_chats_own_text_goes_even_with_a_meta_template(
    client: httpx.AsyncClient, rt: Runtime, meta: FakeGateway, clock: FrozenClock
):
    shop = await cloud_shop(client, rt, meta)
    await meta_template(client, shop, name="pengingat_pembayaran", language="id", body=["customer_name"])
    await buyer_writes(client, shop.wa, whole_seconds(clock, timedelta(hours=1)))

    await send_followup(shop)

    assert meta.messages[0].fields["type"] == "text" and meta.messages[0].template is None


async def test_an_image_header_takes_the_chats_image(client: httpx.AsyncClient, rt: Runtime, meta: FakeGateway):
    shop = await cloud_shop(client, rt, meta, image="https://cdn.example.com/promo.jpg")
    saved = await meta_template(client, shop, name="promo", language="en_US", body=["items"], header={"type": "image"})
    assert saved.status_code == 200, saved.text

    await send_followup(shop)

    assert meta.messages[0].template["components"][0] == {
        "type": "header",
        "parameters": [{"type": "image", "image": {"link": "https://cdn.example.com/promo.jpg"}}],
    }


# --- saving a Meta template --------------------------------------------------------------------------------------


async def test_a_meta_template_is_validated_when_saved(client: httpx.AsyncClient, rt: Runtime, meta: FakeGateway):
    shop = await cloud_shop(client, rt, meta)

    cases = [
        ({"name": "Pengingat Bayar", "language": "id"}, "name"),
        ({"name": "x" * 513, "language": "id"}, "name"),
        ({"name": "ok", "language": "indonesia"}, "language"),
        ({"name": "ok", "language": "id", "body": ["nama_pelanggan"]}, "body.0"),
        ({"name": "ok", "language": "id", "body": ["total"] * 16}, "body"),
        (
            {"name": "ok", "language": "id", "header": {"type": "text", "placeholder": "nope"}},
            "header.text.placeholder",
        ),
        ({"name": "ok", "language": "id", "header": {"type": "image"}}, "header"),  # the chat has no image
        ({"name": "ok", "language": "id", "extra": 1}, "extra"),
    ]
    for body, field in cases:
        answer = await meta_template(client, shop, **body)
        assert answer.status_code == 422, (body, answer.text)
        assert field in answer.json()["error"]["fields"], (body, answer.json())
    assert (await client.get(f"/store/follow-up-chats/{shop.chat_id}/meta-template", headers=shop.headers)).json() == {
        "data": None
    }


async def test_only_a_whatsapp_cloud_chat_names_a_meta_template(
    client: httpx.AsyncClient, rt: Runtime, meta: FakeGateway
):
    shop = await cloud_shop(client, rt, meta)
    manual = await add_template(rt, (await _chat(shop)).store_id, None, provider="manual", position=2)

    answer = await client.put(
        f"/store/follow-up-chats/{manual.id}/meta-template", json={"name": "ok", "language": "id"}, headers=shop.headers
    )

    assert answer.status_code == 409 and answer.json()["error"]["code"] == "meta_template_needs_whatsapp_cloud"


async def test_an_edit_that_would_break_the_meta_template_is_refused(
    client: httpx.AsyncClient, rt: Runtime, meta: FakeGateway
):
    texts = "Halo {{customer_name}}"
    shop = await cloud_shop(client, rt, meta, text=texts, cod=texts, epayment=texts)
    await meta_template(client, shop, name="pengingat", language="id", body=["order_number"])
    product = (await _chat(shop)).product_id
    url = f"/v3/products/{product}/follow-up-chats/{shop.chat_id}"

    to_manual = await client.patch(url, json={"provider": "manual"}, headers=shop.headers)
    to_abandoned = await client.patch(
        url, json={"trigger": "abandoned", "text_for_bank_transfer": "Halo {{customer_name}}"}, headers=shop.headers
    )

    assert to_manual.status_code == 422, to_manual.text  # (Scalev's error shape on /v3)
    assert to_manual.json()["error"] == (
        "Some fields are invalid: provider: this follow-up chat names the Meta template 'pengingat', sent only by "
        "whatsapp_cloud: remove it first (DELETE …/meta-template)"
    )
    assert to_abandoned.status_code == 422, to_abandoned.text
    assert (
        "trigger: an abandoned checkout has no value for the Meta template's order_number"
        in (to_abandoned.json()["error"])
    )
    removed = await client.delete(f"/store/follow-up-chats/{shop.chat_id}/meta-template", headers=shop.headers)
    assert removed.status_code == 204
    assert (await client.patch(url, json={"provider": "manual"}, headers=shop.headers)).status_code == 200


async def test_the_openapi_document_declares_the_bounds(client: httpx.AsyncClient):
    spec = (await client.get("/openapi.json")).json()
    schema = spec["components"]["schemas"]["MetaTemplateIn"]["properties"]
    assert schema["name"]["maxLength"] == 512 and schema["name"]["pattern"] == "^[a-z0-9_]+$"
    assert schema["language"]["pattern"] and schema["body"]["maxItems"] == 15
    assert "/store/wa-integration/{integration_id}/templates" in spec["paths"]


async def test_a_message_to_another_number_of_the_app_opens_that_numbers_window(
    client: httpx.AsyncClient, rt: Runtime, meta: FakeGateway, clock: FrozenClock
):
    shop = await cloud_shop(client, rt, meta)
    other_number = "9876543210"
    credentials = {"phone_number_id": other_number, "access_token": TOKEN, "app_secret": APP_SECRET}
    other = await add_wa(rt, (await _chat(shop)).store_id, provider="whatsapp_cloud", credentials=credentials)
    wrote = whole_seconds(clock, timedelta(minutes=3))
    # One callback URL per Meta app: the message to the other number arrives at the first one's URL.
    body = json.dumps(
        meta_inbound_payload([meta_inbound(BUYER_E164, timestamp=int(wrote.timestamp()))], other_number)
    ).encode()

    answer = await client.post(
        f"/webhooks/whatsapp/{shop.wa}",
        content=body,
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": meta_signature(APP_SECRET, body)},
    )

    assert answer.status_code == 200, answer.text
    assert await window(rt, other) == [(BUYER_E164, wrote)]
    assert await window(rt, shop.wa) == []  # the buyer wrote to the other number: this one's window stays closed
