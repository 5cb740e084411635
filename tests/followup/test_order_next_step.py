"""Follow-ups per order, as the final review asked: a jump leaves status follow-ups that have not come up yet, one
"next step" for the attempts list, the default Follow Up and the order's chats, `?sku=` by product or variant SKU,
wa.me links only where nobody else sends, and a refused status change answering its own error."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import update

from bosonline.kit.clock import FrozenClock
from bosonline.models import Stock
from bosonline.runtime import Runtime
from tests.envelope import assert_error
from tests.followup.dispatch_helpers import add_wa
from tests.followup.order_helpers import (
    add_template,
    attempts,
    follow_up,
    four_steps,
    messages,
    register_product_sku,
    register_sku,
)
from tests.order.helpers import CheckoutShop, order_row, place_orders
from tests.order.status_helpers import patch_status
from tests.querycount import count_queries


@pytest.mark.parametrize("change_status", [False, True])
async def test_jumping_ahead_leaves_a_status_follow_up_that_has_not_come_up_yet(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, clock: FrozenClock, change_status: bool
) -> None:
    """Welcome, a `shipped` follow-up, then 3 and 4: Follow Up 1 → 4 on a pending order skips 3 only; the shipped
    one still comes once the order is shipped (scheduled at checkout and waiting, or started by the shipping)."""
    await add_template(rt, shop.store_id, shop.kaos, "Welcome", 1)
    shipped_text = "Pesanan {{order_number}} sudah dikirim ya {{customer_name}}"
    shipped = await add_template(
        rt, shop.store_id, shop.kaos, "Dikirim", 2, trigger="shipped", change_status=change_status,
        text_for_bank_transfer=shipped_text,
    )  # fmt: skip
    await add_template(rt, shop.store_id, shop.kaos, "Follow Up 3", 3)
    await add_template(rt, shop.store_id, shop.kaos, "Follow Up 4", 4)
    (placed,) = await place_orders(client, rt, shop)
    assert (await follow_up(client, shop.headers, placed.id)).json()["data"]["step"] == 1
    clock.advance(seconds=30)

    jump = await follow_up(client, shop.headers, placed.id, step=4)
    assert jump.status_code == 200, jump.text
    assert (jump.json()["data"]["step"], jump.json()["data"]["skipped_steps"]) == (4, [3])
    waiting = [(2, "scheduled")] if not change_status else []
    assert [(r.step, r.status) for r in await messages(rt, order_id=placed.id)] == [
        (1, "sent"), *waiting, (3, "skipped"), (4, "sent")
    ]  # fmt: skip

    assert (await patch_status(client, shop.headers, placed.id, status="shipped")).status_code == 200
    text = f"Pesanan {placed.number} sudah dikirim ya Siti Aminah"
    (item,) = (await attempts(client, shop.headers)).json()["data"]
    assert (item["next_step"], item["follow_up_chat_id"], item["followup_text"]) == (2, shipped, text)
    clock.advance(seconds=30)
    done = (await follow_up(client, shop.headers, placed.id)).json()["data"]
    assert (done["step"], done["status"], done["text"]) == (2, "sent", text)


async def test_the_list_follow_up_and_chats_agree_on_next_for_a_template_added_later(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, clock: FrozenClock
) -> None:
    """A template added after the order was placed has no row of the order: it is next for none of the attempts
    list, the default Follow Up and the order's chats; chosen explicitly, it gets its row."""
    first = await add_template(rt, shop.store_id, shop.kaos, "Pertama", 1)
    (placed,) = await place_orders(client, rt, shop)
    added = await add_template(rt, shop.store_id, shop.kaos, "Baru", 2, text_for_bank_transfer="Baru {{total}}")

    async def nexts() -> tuple[list[int], list[int]]:
        listed = [item["follow_up_chat_id"] for item in (await attempts(client, shop.headers)).json()["data"]]
        chats = (await client.get(f"/store/order/{placed.id}/chats", headers=shop.headers)).json()["data"]
        return listed, [chat["follow_up_chat_id"] for chat in chats if chat["is_next"]]

    assert await nexts() == ([first], [first])
    assert (await follow_up(client, shop.headers, placed.id)).json()["data"]["follow_up_chat_id"] == first
    clock.advance(seconds=30)
    assert await nexts() == ([], [])
    assert_error(await follow_up(client, shop.headers, placed.id), 409, "no_followup_left")
    chats = (await client.get(f"/store/order/{placed.id}/chats", headers=shop.headers)).json()["data"]
    assert [(c["follow_up_chat_id"], c["state"]) for c in chats] == [(first, "sent"), (added, "not_scheduled")]

    chosen = await follow_up(client, shop.headers, placed.id, follow_up_chat_id=added)
    assert chosen.status_code == 200, chosen.text
    assert (chosen.json()["data"]["step"], chosen.json()["data"]["status"]) == (2, "sent")
    assert [(r.template_id, r.status) for r in await messages(rt, order_id=placed.id)] == [
        (first, "sent"), (added, "sent")
    ]  # fmt: skip


async def test_sku_filter_by_product_or_variant_sku(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    """A product-level SKU lists the orders with any variant of the product (their lines hold the variants'
    SKUs); a variant's SKU only those of that variant."""
    await four_steps(rt, shop)
    await add_template(rt, shop.store_id, shop.kopi, "Kopi", 1)
    product_sku = await register_product_sku(rt, shop.store_id, shop.kaos, "KAOS-POLOS")
    red_sku = await register_sku(rt, shop.store_id, shop.red)
    (red,) = await place_orders(client, rt, shop)
    (black,) = await place_orders(client, rt, shop, items=[{"variant_id": shop.black, "quantity": 1}])
    await place_orders(client, rt, shop, items=[{"variant_id": shop.kopi_variant, "quantity": 1}])

    async def listed(sku: str, limit: int = 100) -> tuple[list[int], int]:
        with count_queries(rt) as log:
            response = await attempts(client, shop.headers, sku=sku, limit=limit)
        assert response.status_code == 200, response.text
        return [item["order_id"] for item in response.json()["data"]], log.count

    assert (await listed(product_sku))[0] == [black.id, red.id]
    assert (await listed("kaos-polos"))[0] == [black.id, red.id]
    assert (await listed(red_sku))[0] == [red.id]
    assert (await listed(product_sku, limit=1))[1] == (await listed(product_sku))[1]
    assert_error(await attempts(client, shop.headers, sku="KAOS-LAIN"), 404, "not_found")


async def test_the_attempts_list_gives_a_wa_me_link_only_for_manual_follow_ups(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    """A gateway follow-up is sent by the dispatcher: a wa.me link in the list would make it reach the buyer
    twice. The order's chats neither, until its send failed or has an unknown outcome (test_follow_up_links)."""
    integration = await add_wa(rt, shop.store_id)
    await add_template(
        rt, shop.store_id, shop.kaos, "Lewat Fonnte", 1, provider="fonnte", wa_integration_id=integration
    )
    await add_template(rt, shop.store_id, shop.kopi, "Manual", 1)
    (gateway,) = await place_orders(client, rt, shop)
    (manual,) = await place_orders(client, rt, shop, items=[{"variant_id": shop.kopi_variant, "quantity": 1}])
    items = {item["order_id"]: item for item in (await attempts(client, shop.headers)).json()["data"]}
    assert (items[gateway.id]["channel"], items[gateway.id]["wa_url"]) == ("fonnte", None)
    assert items[manual.id]["channel"] == "manual"
    assert items[manual.id]["wa_url"] == "https://wa.me/6281234567890?text=" + quote(
        items[manual.id]["followup_text"], safe=""
    )
    (chat,) = (await client.get(f"/store/order/{gateway.id}/chats", headers=shop.headers)).json()["data"]
    assert (chat["provider"], chat["state"], chat["wa_url"]) == ("fonnte", "scheduled", None)
    spec = (await client.get("/openapi.json")).json()["components"]["schemas"]
    assert "null for any other gateway step" in spec["OrderChatOut"]["properties"]["wa_url"]["description"]
    assert "null for a gateway" in spec["FollowupAttemptOut"]["properties"]["wa_url"]["description"]


async def test_a_status_change_follow_up_cannot_make_answers_its_own_error(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    """Follow Up of a template that moves the order: when the status change is refused (the stock, the status
    table), its own error answers, and nothing is recorded."""
    await add_template(rt, shop.store_id, shop.kaos, "Welcome", 1)
    await add_template(rt, shop.store_id, shop.kaos, "Dikirim", 2, trigger="shipped", change_status=True)
    await add_template(rt, shop.store_id, shop.kaos, "Konfirmasi", 3, trigger="confirmed", change_status=True)
    (stock,) = await place_orders(client, rt, shop)
    async with rt.db.session() as session:  # someone zeroed the reservation by hand
        await session.execute(update(Stock).where(Stock.variant_id == shop.red).values(reserved=0))
        await session.commit()
    refused = await follow_up(client, shop.headers, stock.id, step=2)
    assert_error(refused, 409, "reservation_mismatch")
    assert refused.json()["error"]["message"].startswith("Fewer units are reserved than the order gives back or ships")
    assert (await order_row(rt, stock.id)).status == "pending"
    assert [(r.step, r.status) for r in await messages(rt, order_id=stock.id)] == [(1, "scheduled")]

    (moved_on,) = await place_orders(client, rt, shop, phone="081200000077")
    assert (await patch_status(client, shop.headers, moved_on.id, status="in_process")).status_code == 200
    refused = await follow_up(client, shop.headers, moved_on.id, step=3)
    assert_error(refused, 409, "invalid_transition")
    assert refused.json()["error"]["message"] == (
        "An order cannot go from in_process to confirmed; allowed next: ready, shipped, canceled"
    )
    assert (await order_row(rt, moved_on.id)).status == "in_process"
