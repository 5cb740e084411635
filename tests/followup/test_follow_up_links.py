"""Follow Up's promises to the CS: a step skipped by a jump is never sent later, and a wa.me link is offered only
where sending by hand cannot duplicate the gateway's own send."""

from __future__ import annotations

from urllib.parse import quote

import httpx

from bosonline.kit.clock import FrozenClock
from bosonline.runtime import Runtime
from tests.envelope import assert_error
from tests.followup.dispatch_helpers import add_wa
from tests.followup.order_helpers import add_template, follow_up, messages, set_message
from tests.order.helpers import make_checkout_shop, place_orders


async def test_a_skipped_step_is_not_sent_later(client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    ids = [await add_template(rt, shop.store_id, shop.kaos, f"Follow Up {n}", n) for n in range(1, 5)]
    (placed,) = await place_orders(client, rt, shop)
    jump = await follow_up(client, shop.headers, placed.id, step=4)  # Follow Up 1 → 4
    assert jump.status_code == 200, jump.text
    assert jump.json()["data"]["skipped_steps"] == [1, 2, 3]
    clock.advance(seconds=30)
    for body in ({"step": 1}, {"follow_up_chat_id": ids[1]}):
        refused = await follow_up(client, shop.headers, placed.id, **body)
        assert_error(refused, 409, "followup_skipped")
        assert "skipped steps are not sent later" in refused.json()["error"]["message"]
    rows = await messages(rt, order_id=placed.id)
    assert [(row.step, row.status, row.sent_at is None) for row in rows] == [
        (1, "skipped", True), (2, "skipped", True), (3, "skipped", True), (4, "sent", False)
    ]  # fmt: skip
    assert_error(await follow_up(client, shop.headers, placed.id), 409, "no_followup_left")
    operation = (await client.get("/openapi.json")).json()["paths"]["/store/order/followup"]["post"]
    assert "followup_skipped" in str(operation["responses"]["409"]) and "followup_skipped" in operation["description"]


async def test_follow_up_on_a_gateway_template_gives_no_link(
    client: httpx.AsyncClient, rt: Runtime, clock: FrozenClock
) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    integration = await add_wa(rt, shop.store_id)
    await add_template(
        rt, shop.store_id, shop.kaos, "Lewat Fonnte", 1, provider="fonnte", wa_integration_id=integration
    )
    await add_template(rt, shop.store_id, shop.kaos, "Manual", 2)
    (placed,) = await place_orders(client, rt, shop)

    queued = await follow_up(client, shop.headers, placed.id, step=1)
    assert queued.status_code == 200, queued.text
    data = queued.json()["data"]
    assert (data["status"], data["wa_url"]) == ("scheduled", None)
    assert data["text"].startswith("Halo Siti Aminah")
    again = await follow_up(client, shop.headers, placed.id)  # the same click twice answers the same, still no link
    assert (again.json()["data"]["step"], again.json()["data"]["wa_url"]) == (1, None)
    chats = (await client.get(f"/store/order/{placed.id}/chats", headers=shop.headers)).json()["data"]
    assert [(chat["state"], chat["wa_url"] is None) for chat in chats] == [("scheduled", True), ("scheduled", False)]

    # once the gateway's send failed, its link is the CS's fallback (after checking the chat)
    (row, _) = await messages(rt, order_id=placed.id)
    await set_message(rt, row.id, status="failed", error="invalid token")
    chats = (await client.get(f"/store/order/{placed.id}/chats", headers=shop.headers)).json()["data"]
    assert chats[0]["wa_url"] == f"https://wa.me/6281234567890?text={quote(chats[0]['text'], safe='')}"

    clock.advance(seconds=30)
    manual = await follow_up(client, shop.headers, placed.id, step=2)
    data = manual.json()["data"]
    assert (data["status"], data["wa_url"]) == (
        "sent",
        f"https://wa.me/6281234567890?text={quote(data['text'], safe='')}",
    )
    spec = (await client.get("/openapi.json")).json()["components"]["schemas"]["FollowUpOut"]["properties"]
    assert "null for a gateway follow-up" in spec["wa_url"]["description"]
