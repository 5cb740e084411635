"""Follow-ups per order: Follow Up Attempts (the seed's exact shape), Follow Up (next, jump, manual wa.me, gateway,
status change, refusals, double clicks), an order's chats and history, and the follow-ups in Detail Order."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from urllib.parse import quote

import httpx

from bosonline.kit.clock import FrozenClock
from bosonline.runtime import Runtime
from bosonline.worker import wakeup
from tests.checkout.helpers import BUYER_PHONE
from tests.envelope import assert_error
from tests.factories import add_staff, seller
from tests.followup.dispatch_helpers import add_wa
from tests.followup.dispatch_helpers import integration as wa_row
from tests.followup.order_helpers import (
    add_template,
    attempts,
    follow_up,
    four_steps,
    messages,
    register_sku,
    set_message,
)
from tests.order.helpers import CheckoutShop, cs_login, make_checkout_shop, order_row, place_orders
from tests.order.status_helpers import patch_status
from tests.orders_support import set_store_settings
from tests.querycount import count_queries


def rupiah(amount: int) -> str:
    return "Rp" + f"{amount:,}".replace(",", ".")


SEED_KEYS = ["folowup_attempts", "customer_name", "customer_phone", "followup_text"]


async def test_attempts_answer_the_seed_shape(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, clock: FrozenClock
) -> None:
    ids = await four_steps(rt, shop)
    (placed,) = await place_orders(client, rt, shop, name="PUTRI", phone="08190211411")
    response = await attempts(client, shop.headers)
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["data", "meta"] and body["meta"]["next_cursor"] is None
    (item,) = body["data"]
    assert list(item)[:4] == SEED_KEYS
    text = f"Halo PUTRI, pesanan {placed.number} menunggu transfer {rupiah(placed.total)}."
    assert {key: item[key] for key in SEED_KEYS} == {
        "folowup_attempts": 0,
        "customer_name": "PUTRI",
        "customer_phone": "08190211411",
        "followup_text": text,
    }
    assert (item["order_id"], item["order_number"], item["next_step"], item["follow_up_chat_id"]) == (
        placed.id, placed.number, 1, ids[0]
    )  # fmt: skip
    assert (item["template_name"], item["channel"], item["is_due"]) == ("Follow Up 1", "manual", True)
    assert item["wa_url"] == "https://wa.me/628190211411?text=" + quote(text, safe="")

    done = await follow_up(client, shop.headers, placed.id)
    assert done.status_code == 200, done.text
    (item,) = (await attempts(client, shop.headers)).json()["data"]
    assert (item["folowup_attempts"], item["next_step"], item["is_due"]) == (1, 2, False)


async def test_sku_filter_unknown_sku_and_orders_without_follow_ups(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    await four_steps(rt, shop)
    await add_template(rt, shop.store_id, shop.kopi, "Kopi", 1)
    sku = await register_sku(rt, shop.store_id, shop.red)
    await register_sku(rt, shop.store_id, shop.kopi_variant)
    (kaos,) = await place_orders(client, rt, shop)
    (kopi,) = await place_orders(client, rt, shop, items=[{"variant_id": shop.kopi_variant, "quantity": 1}])
    (no_followups,) = await place_orders(client, rt, shop, items=[{"variant_id": shop.black, "quantity": 1}])
    await client.patch(f"/store/order/{no_followups.id}/status", json={"status": "canceled"}, headers=shop.headers)

    def ids(response: httpx.Response) -> list[int]:
        assert response.status_code == 200, response.text
        return [item["order_id"] for item in response.json()["data"]]

    assert ids(await attempts(client, shop.headers)) == [kopi.id, kaos.id]  # newest first
    assert ids(await attempts(client, shop.headers, sku=sku)) == [kaos.id]
    assert ids(await attempts(client, shop.headers, sku=sku.lower())) == [kaos.id]
    assert_error(await attempts(client, shop.headers, sku="ESB-001"), 404, "not_found")
    assert (await attempts(client, shop.headers, sku="x" * 65)).status_code == 422
    other = await seller(client)
    assert_error(await attempts(client, other["headers"], sku=sku), 404, "not_found")  # another store's SKU
    assert ids(await attempts(client, other["headers"])) == []


async def test_cs_sees_their_own_orders_unless_the_store_lets_them(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt, cs=0)
    ani_member = await add_staff(client, shop.headers, email="ani.fu@example.com", name="Ani")
    await add_staff(client, shop.headers, email="budi.fu@example.com", name="Budi", phone="081398765499")
    await four_steps(rt, shop)
    orders = await place_orders(client, rt, shop, 4)
    ani = await cs_login(client, shop, "ani.fu@example.com")
    mine = [o.id for o in orders if o.handler_id == ani_member["id"]]
    listed = [item["order_id"] for item in (await attempts(client, ani)).json()["data"]]
    assert len(mine) == 2 and listed == sorted(mine, reverse=True)  # the rotator alternates the two CS
    theirs = next(o.id for o in orders if o.id not in mine)
    assert_error(await follow_up(client, ani, theirs), 404, "not_found")
    assert (await client.get(f"/store/order/{theirs}/chats", headers=ani)).status_code == 404
    assert (await client.get(f"/store/order/{theirs}/message-history", headers=ani)).status_code == 404
    await set_store_settings(rt, shop.store_id, cs_sees_all_orders=True)
    assert len((await attempts(client, ani)).json()["data"]) == 4
    assert (await follow_up(client, ani, theirs)).status_code == 200
    rows = await messages(rt, order_id=theirs)
    assert (rows[0].status, rows[0].actor_label) == ("sent", "Ani")


async def test_pagination_and_a_fixed_number_of_queries(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    await four_steps(rt, shop)
    orders = await place_orders(client, rt, shop, 7)
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        body = (await attempts(client, shop.headers, **params)).json()
        seen += [item["order_id"] for item in body["data"]]
        cursor = body["meta"]["next_cursor"]
        if cursor is None:
            break
    assert seen == sorted((o.id for o in orders), reverse=True)
    assert (await attempts(client, shop.headers, cursor="nope")).status_code == 422
    assert (await attempts(client, shop.headers, limit=101)).status_code == 422

    async def queries(limit: int) -> int:
        with count_queries(rt) as log:
            response = await attempts(client, shop.headers, limit=limit)
        assert len(response.json()["data"]) == min(limit, 7)
        return log.count

    # auth (2), page, rows, templates, lines, bank accounts (+ handlers when orders have one)
    assert await queries(1) == await queries(7) <= 8


async def test_follow_up_goes_in_order_then_jumps(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, clock: FrozenClock
) -> None:
    ids = await four_steps(rt, shop)
    (placed,) = await place_orders(client, rt, shop)
    first = await follow_up(client, shop.headers, placed.id)
    assert first.status_code == 200, first.text
    data = first.json()["data"]
    text = f"Halo Siti Aminah, pesanan {placed.number} menunggu transfer {rupiah(placed.total)}."
    assert data == {
        "order_id": placed.id,
        "follow_up_chat_id": ids[0],
        "step": 1,
        "status": "sent",
        "text": text,
        "wa_url": f"https://wa.me/{'62' + BUYER_PHONE[1:]}?text={quote(text, safe='')}",
        "skipped_steps": [],
        "status_changed": None,
        "folowup_attempts": 1,
    }
    (row, *_) = await messages(rt, order_id=placed.id)
    assert (row.status, row.text, row.phone, row.actor_label) == ("sent", text, "62" + BUYER_PHONE[1:], "Budi Pemilik")
    assert row.sent_at is not None and row.actor_member_id is not None

    # Follow Up 1 → 4: 2 (scheduled) becomes skipped; 3 (for `confirmed`, which the pending order has not reached)
    # is left alone; 4 moves the order to in_process
    clock.advance(seconds=30)
    jump = await follow_up(client, shop.headers, placed.id, follow_up_chat_id=ids[3])
    assert jump.status_code == 200, jump.text
    data = jump.json()["data"]
    assert (data["step"], data["status"], data["skipped_steps"], data["folowup_attempts"]) == (4, "sent", [2], 2)
    assert data["status_changed"] == {"from": "pending", "to": "in_process"}
    assert (await order_row(rt, placed.id)).status == "in_process"
    rows = await messages(rt, order_id=placed.id)
    assert [(r.step, r.status) for r in rows] == [(1, "sent"), (2, "skipped"), (4, "sent")]
    assert rows[1].template_id == ids[1] and rows[1].error == "skipped: Follow Up 4 was done first"

    clock.advance(seconds=30)
    assert_error(await follow_up(client, shop.headers, placed.id), 409, "no_followup_left")
    assert_error(await follow_up(client, shop.headers, placed.id, step=1), 409, "followup_done")
    # 3 can no longer move the order to its status: the status change's refusal answers, nothing recorded
    again = await follow_up(client, shop.headers, placed.id, step=3)
    assert_error(again, 409, "invalid_transition")
    assert again.json()["error"]["message"].startswith("An order cannot go from in_process to confirmed")
    assert [r.status for r in await messages(rt, order_id=placed.id)] == ["sent", "skipped", "sent"]


async def test_change_status_moves_the_order_and_stops_payment_reminders(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    ids = await four_steps(rt, shop)
    (placed,) = await place_orders(client, rt, shop)
    done = await follow_up(client, shop.headers, placed.id, follow_up_chat_id=ids[2])
    assert done.status_code == 200, done.text
    data = done.json()["data"]
    assert data["text"] == f"Pesanan {placed.number} kami konfirmasi ya Siti Aminah"
    assert data["status_changed"] == {"from": "pending", "to": "confirmed"}
    assert data["skipped_steps"] == [1, 2]
    detail = (await client.get(f"/store/order/{placed.id}", headers=shop.headers)).json()["data"]
    assert detail["status"] == "confirmed"
    assert [(e["kind"], e["to_status"]) for e in detail["events"]][-1] == ("status_changed", "confirmed")
    rows = await messages(rt, order_id=placed.id)
    assert [(r.step, r.status) for r in rows] == [(1, "skipped"), (2, "skipped"), (3, "sent")]

    # change_status=false in the body: the order stays pending, where a `confirmed` follow-up does not apply
    (other,) = await place_orders(client, rt, shop)
    kept = await follow_up(client, shop.headers, other.id, step=3, change_status=False)
    assert_error(kept, 409, "followup_not_applicable")
    assert (await order_row(rt, other.id)).status == "pending"
    assert [(r.step, r.status) for r in await messages(rt, order_id=other.id)] == [(1, "scheduled"), (2, "scheduled")]


async def test_gateway_follow_up_is_queued_now(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, clock: FrozenClock
) -> None:
    integration = await add_wa(rt, shop.store_id)
    template = await add_template(
        rt, shop.store_id, shop.kaos, "Lewat Fonnte", 1, provider="fonnte", hours_after=24,
        wa_integration_id=integration,
    )  # fmt: skip
    (placed,) = await place_orders(client, rt, shop)
    clock.advance(minutes=5)
    woken = asyncio.Event()
    wakeup.subscribe(woken)
    try:
        queued = await follow_up(client, shop.headers, placed.id)
    finally:
        wakeup.unsubscribe(woken)
    assert queued.status_code == 200, queued.text
    assert woken.is_set()  # the worker sends it now instead of at its next poll
    data = queued.json()["data"]
    assert (data["follow_up_chat_id"], data["status"], data["folowup_attempts"]) == (template, "scheduled", 0)
    (row,) = await messages(rt, order_id=placed.id)
    assert (row.status, row.channel, row.actor_label, row.sent_at) == ("scheduled", "fonnte", "Budi Pemilik", None)
    assert row.due_at == clock.now()

    # the dispatcher's outcomes as the CS then meets them
    await set_message(rt, row.id, status="unknown", error="timeout")
    clock.advance(minutes=1)
    refused = await follow_up(client, shop.headers, placed.id, step=1)
    assert_error(refused, 409, "followup_unknown")
    assert "wa.me" in refused.json()["error"]["message"]
    await set_message(rt, row.id, status="failed", error="invalid token")
    retried = await follow_up(client, shop.headers, placed.id, step=1)
    assert retried.json()["data"]["status"] == "scheduled"
    await set_message(rt, row.id, status="sending")
    assert_error(await follow_up(client, shop.headers, placed.id, step=1), 409, "followup_sending")


async def test_refusals(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, clock: FrozenClock) -> None:
    await add_template(rt, shop.store_id, shop.kaos, "Tanpa teks COD", 1, text_for_cod="")
    kopi_template = await add_template(rt, shop.store_id, shop.kopi, "Kopi", 1)
    (cod,) = await place_orders(client, rt, shop, payment_method="cod")
    # by default a follow-up without a text for COD is passed over (and marked skipped): nothing else is left
    assert_error(await follow_up(client, shop.headers, cod.id), 409, "no_followup_left")
    assert [(r.status, r.error) for r in await messages(rt, order_id=cod.id)] == [("skipped", "no text for cod")]
    # chosen explicitly, it is refused
    assert_error(await follow_up(client, shop.headers, cod.id, step=1), 409, "no_text")
    assert_error(await follow_up(client, shop.headers, cod.id, follow_up_chat_id=kopi_template), 404, "not_found")
    assert_error(await follow_up(client, shop.headers, cod.id, step=2), 404, "not_found")
    assert_error(await follow_up(client, shop.headers, 987654321), 404, "not_found")
    assert (await follow_up(client, shop.headers, cod.id, step=0)).status_code == 422
    assert (await follow_up(client, shop.headers, cod.id, extra=1)).status_code == 422
    other = await seller(client)
    assert_error(await follow_up(client, other["headers"], cod.id), 404, "not_found")
    assert (await client.get(f"/store/order/{cod.id}/chats", headers=other["headers"])).status_code == 404
    (bare,) = await place_orders(client, rt, shop, items=[{"variant_id": shop.black, "quantity": 1}])
    await client.patch(f"/store/order/{bare.id}/status", json={"status": "canceled"}, headers=shop.headers)
    # its only follow-up was canceled with the order: nothing is next, and doing it on purpose is refused
    assert_error(await follow_up(client, shop.headers, bare.id), 409, "no_followup_left")
    refused = await follow_up(client, shop.headers, bare.id, step=1)
    assert_error(refused, 409, "followup_not_applicable")
    assert refused.json()["error"]["message"].endswith("order canceled")
    assert [(r.status, r.error) for r in await messages(rt, order_id=bare.id)] == [("canceled", "order canceled")]


async def test_a_double_click_does_one_follow_up(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, clock: FrozenClock
) -> None:
    await four_steps(rt, shop)
    (placed,) = await place_orders(client, rt, shop)
    first, second = await asyncio.gather(
        follow_up(client, shop.headers, placed.id), follow_up(client, shop.headers, placed.id)
    )
    assert (first.status_code, second.status_code) == (200, 200), (first.text, second.text)
    assert first.json()["data"]["step"] == second.json()["data"]["step"] == 1
    assert [(r.step, r.status) for r in await messages(rt, order_id=placed.id)] == [(1, "sent"), (2, "scheduled")]
    # the same template named twice: one is done, the other refused
    one, two = await asyncio.gather(
        follow_up(client, shop.headers, placed.id, step=2), follow_up(client, shop.headers, placed.id, step=2)
    )
    assert sorted([one.status_code, two.status_code]) == [200, 409]
    # a later click is a new follow-up: none of the order's is left (3 and 4 have no row yet), so it is chosen
    clock.advance(seconds=6)
    assert_error(await follow_up(client, shop.headers, placed.id), 409, "no_followup_left")
    assert (await follow_up(client, shop.headers, placed.id, step=3)).json()["data"]["step"] == 3
    rows = await messages(rt, order_id=placed.id)
    assert [(r.step, r.status) for r in rows] == [(1, "sent"), (2, "sent"), (3, "sent")]


async def test_chats_and_message_history(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, clock: FrozenClock
) -> None:
    integration = await add_wa(rt, shop.store_id)
    ids = await four_steps(rt, shop)
    (placed,) = await place_orders(client, rt, shop)
    chats = (await client.get(f"/store/order/{placed.id}/chats", headers=shop.headers)).json()["data"]
    assert [(c["follow_up_chat_id"], c["step"], c["state"]) for c in chats] == [
        (ids[0], 1, "scheduled"), (ids[1], 2, "scheduled"), (ids[2], 3, "not_scheduled"), (ids[3], 4, "not_scheduled")
    ]  # fmt: skip
    first = chats[0]
    assert first["text"].startswith("Halo Siti Aminah, pesanan ")
    assert first["text_url"] == quote(first["text"], safe="")
    assert first["wa_url"].endswith("?text=" + first["text_url"])
    assert (first["provider"], first["trigger"], first["hours_after"], first["sent_at"]) == (
        "manual", "order_created", 0, None
    )  # fmt: skip
    assert chats[3]["hours_after"] == 5 and chats[3]["due_at"] is None

    assert (await client.get(f"/store/order/{placed.id}/message-history", headers=shop.headers)).json()["data"] == []
    await follow_up(client, shop.headers, placed.id, step=2)
    rows = await messages(rt, order_id=placed.id)
    clock.advance(minutes=1)
    await set_message(
        rt, rows[0].id, channel="fonnte", integration_id=integration, provider_message_id="abc-1", status="delivered",
        phone="6281234567890", text="terkirim", sent_at=clock.now(), delivered_at=clock.now(), actor_label=None,
    )  # fmt: skip
    history = (await client.get(f"/store/order/{placed.id}/message-history", headers=shop.headers)).json()["data"]
    assert [(h["step"], h["status"]) for h in history] == [(1, "delivered"), (2, "sent")]
    gateway, manual = history
    number = "0" + (await wa_row(rt, integration)).phone_number[2:]
    assert gateway["integration"]["id"] == integration and gateway["integration"]["phone_number"] == number
    assert (gateway["provider_message_id"], gateway["phone"], gateway["actor"]) == ("abc-1", "081234567890", None)
    assert manual["integration"] is None and manual["actor"] == "Budi Pemilik" and manual["channel"] == "manual"
    chats = (await client.get(f"/store/order/{placed.id}/chats", headers=shop.headers)).json()["data"]
    assert [c["state"] for c in chats] == ["delivered", "sent", "not_scheduled", "not_scheduled"]


async def test_detail_order_shows_the_follow_ups(client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop) -> None:
    await four_steps(rt, shop)
    (placed,) = await place_orders(client, rt, shop)
    (bare,) = await place_orders(client, rt, shop, items=[{"variant_id": shop.kopi_variant, "quantity": 1}])

    async def detail(order_id: int) -> tuple[dict, int]:  # type: ignore[type-arg]
        with count_queries(rt) as log:
            response = await client.get(f"/store/order/{order_id}", headers=shop.headers)
        assert response.status_code == 200, response.text
        return response.json()["data"]["followups"], log.count

    followups, with_rows = await detail(placed.id)
    assert followups["attempts"] == 0
    assert {k: followups["next"][k] for k in ("step", "name", "channel")} == {
        "step": 1, "name": "Follow Up 1", "channel": "manual"
    }  # fmt: skip
    assert [(i["step"], i["status"]) for i in followups["items"]] == [(1, "scheduled"), (2, "scheduled")]
    await follow_up(client, shop.headers, placed.id)
    followups, _ = await detail(placed.id)
    assert (followups["attempts"], followups["next"]["step"]) == (1, 2)
    empty, without_rows = await detail(bare.id)
    assert empty == {"attempts": 0, "next": None, "items": []}
    assert with_rows == without_rows


# --- what a CS is offered is what applies now; steps are the order's own ------------------------------------------


async def test_a_status_follow_up_is_not_next_before_the_order_gets_there(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, clock: FrozenClock
) -> None:
    """Welcome, then a `shipped` template with change_status=false: scheduled at checkout, offered only once the
    order is shipped."""
    await add_template(rt, shop.store_id, shop.kaos, "Welcome", 1)
    shipped_text = "Pesanan {{order_number}} sudah dikirim ya {{customer_name}}"
    shipped_id = await add_template(
        rt, shop.store_id, shop.kaos, "Dikirim", 2, trigger="shipped", text_for_bank_transfer=shipped_text
    )
    (older,) = await place_orders(client, rt, shop, phone="081200000077")
    (placed,) = await place_orders(client, rt, shop)
    assert [(r.step, r.status) for r in await messages(rt, order_id=placed.id)] == [(1, "scheduled"), (2, "scheduled")]
    (item, _) = (await attempts(client, shop.headers)).json()["data"]
    assert (item["order_id"], item["next_step"]) == (placed.id, 1)
    assert (await follow_up(client, shop.headers, placed.id)).json()["data"]["step"] == 1

    clock.advance(seconds=30)
    # the order is pending: the shipped follow-up is not next, and the default Follow Up does not send it
    listed = (await attempts(client, shop.headers, limit=1)).json()
    assert [(i["order_id"], i["next_step"]) for i in listed["data"]] == [(older.id, 1)]  # a full page
    assert listed["meta"]["next_cursor"] is None
    assert_error(await follow_up(client, shop.headers, placed.id), 409, "no_followup_left")
    assert_error(await follow_up(client, shop.headers, placed.id, step=2), 409, "followup_not_applicable")
    chats = (await client.get(f"/store/order/{placed.id}/chats", headers=shop.headers)).json()["data"]
    assert [(c["step"], c["state"]) for c in chats] == [(1, "sent"), (2, "waiting")]
    assert [(r.step, r.status) for r in await messages(rt, order_id=placed.id)] == [(1, "sent"), (2, "scheduled")]

    # shipped: now it is next, and the default Follow Up does it
    assert (await patch_status(client, shop.headers, placed.id, status="shipped")).status_code == 200
    text = f"Pesanan {placed.number} sudah dikirim ya Siti Aminah"
    (item, _) = (await attempts(client, shop.headers)).json()["data"]
    assert (item["next_step"], item["follow_up_chat_id"], item["followup_text"]) == (2, shipped_id, text)
    done = (await follow_up(client, shop.headers, placed.id)).json()["data"]
    assert (done["step"], done["text"], done["status"]) == (2, text, "sent")


async def test_steps_come_from_the_rows_the_order_was_scheduled_with(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, clock: FrozenClock
) -> None:
    """The store default scheduled at checkout, then the product gets a template of its own: the order keeps its
    default as Follow Up 1 (the list and Follow Up agree), the new template comes after (chosen explicitly: it is
    not one of the order's follow-ups), nothing stays listed."""
    default = await add_template(rt, shop.store_id, None, "Default", 1)
    (placed,) = await place_orders(client, rt, shop)
    added = await add_template(rt, shop.store_id, shop.kaos, "Kaos baru", 1, text_for_bank_transfer="Kaos {{total}}")

    (item,) = (await attempts(client, shop.headers)).json()["data"]
    assert (item["next_step"], item["follow_up_chat_id"]) == (1, default)
    done = (await follow_up(client, shop.headers, placed.id)).json()["data"]
    assert (done["step"], done["follow_up_chat_id"]) == (1, default)
    assert (await attempts(client, shop.headers)).json()["data"] == []  # not listed forever
    chats = (await client.get(f"/store/order/{placed.id}/chats", headers=shop.headers)).json()["data"]
    assert [(c["follow_up_chat_id"], c["step"], c["state"]) for c in chats] == [
        (default, 1, "sent"), (added, 2, "not_scheduled")
    ]  # fmt: skip
    # the default is still one of the order's follow-ups (not a 404); the new template is step 2
    assert_error(await follow_up(client, shop.headers, placed.id, follow_up_chat_id=default), 409, "followup_done")
    clock.advance(seconds=30)
    assert_error(await follow_up(client, shop.headers, placed.id), 409, "no_followup_left")
    later = (await follow_up(client, shop.headers, placed.id, follow_up_chat_id=added)).json()["data"]
    assert (later["step"], later["follow_up_chat_id"]) == (2, added)
    assert [(r.step, r.template_id, r.status) for r in await messages(rt, order_id=placed.id)] == [
        (1, default, "sent"), (2, added, "sent")
    ]  # fmt: skip


async def test_a_reorder_after_scheduling_keeps_the_order_s_step_numbers(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    first = await add_template(rt, shop.store_id, shop.kaos, "Pertama", 1)
    second = await add_template(rt, shop.store_id, shop.kaos, "Kedua", 2, text_for_bank_transfer="Kedua {{total}}")
    (placed,) = await place_orders(client, rt, shop)
    url = f"/v3/products/{shop.kaos}/follow-up-chats/order"
    assert (await client.put(url, json={"ids": [second, first]}, headers=shop.headers)).status_code == 200

    (item,) = (await attempts(client, shop.headers)).json()["data"]
    assert (item["next_step"], item["follow_up_chat_id"]) == (1, first)
    done = (await follow_up(client, shop.headers, placed.id, step=1)).json()["data"]
    assert (done["step"], done["follow_up_chat_id"], done["skipped_steps"]) == (1, first, [])
    chats = (await client.get(f"/store/order/{placed.id}/chats", headers=shop.headers)).json()["data"]
    assert [(c["step"], c["follow_up_chat_id"], c["name"], c["state"]) for c in chats] == [
        (1, first, "Pertama", "sent"), (2, second, "Kedua", "scheduled")
    ]  # fmt: skip


async def test_a_follow_up_without_text_for_the_payment_category_does_not_block_the_cs(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    await add_template(rt, shop.store_id, shop.kaos, "Tanpa teks COD", 1, text_for_cod="")
    kopi = await add_template(rt, shop.store_id, shop.kopi, "Kopi", 1)
    (older,) = await place_orders(client, rt, shop, phone="081200000077")
    (only_empty,) = await place_orders(
        client, rt, shop, payment_method="cod", phone="081200000078", items=[{"variant_id": shop.red, "quantity": 1}]
    )
    # an order whose only follow-up has no text for it is not listed (a page is not spent on it)
    listed = (await attempts(client, shop.headers, limit=1)).json()["data"]
    assert [(i["order_id"], i["next_step"]) for i in listed] == [(older.id, 1)]
    assert [r.status for r in await messages(rt, order_id=only_empty.id)] == ["scheduled"]
    assert kopi and older.id < only_empty.id

    second = await add_template(rt, shop.store_id, shop.kaos, "Dengan teks COD", 2)
    (cod,) = await place_orders(client, rt, shop, payment_method="cod")
    (item, *_) = (await attempts(client, shop.headers)).json()["data"]
    assert item["order_id"] == cod.id
    assert (item["next_step"], item["follow_up_chat_id"]) == (2, second)
    assert item["followup_text"] == f"Halo Siti Aminah, pesanan COD {cod.number} segera kami kirim."

    done = await follow_up(client, shop.headers, cod.id)
    assert done.status_code == 200, done.text
    assert (done.json()["data"]["step"], done.json()["data"]["skipped_steps"]) == (2, [1])
    rows = await messages(rt, order_id=cod.id)
    assert [(r.step, r.status, r.error) for r in rows] == [(1, "skipped", "no text for cod"), (2, "sent", None)]
    assert_error(await follow_up(client, shop.headers, cod.id, step=1), 409, "no_text")  # chosen: refused


async def test_a_follow_up_that_does_not_apply_is_refused_not_queued(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop
) -> None:
    integration = await add_wa(rt, shop.store_id)
    await add_template(
        rt, shop.store_id, shop.kaos, "Pengingat", 1, provider="fonnte", hours_after=24, wa_integration_id=integration
    )
    (placed,) = await place_orders(client, rt, shop)
    paid = await client.post(
        f"/store/order/{placed.id}/confirm-payment", json={"amount": placed.total}, headers=shop.headers
    )
    assert paid.status_code == 200, paid.text
    woken = asyncio.Event()
    wakeup.subscribe(woken)
    try:
        refused = await follow_up(client, shop.headers, placed.id, step=1)
    finally:
        wakeup.unsubscribe(woken)
    assert_error(refused, 409, "followup_not_applicable")
    assert refused.json()["error"]["message"].endswith("order paid")
    assert not woken.is_set()
    (row,) = await messages(rt, order_id=placed.id)
    assert (row.status, row.error, row.actor_member_id) == ("canceled", "order paid", None)


async def test_a_row_touched_by_the_dispatcher_or_a_webhook_does_not_swallow_the_next_click(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, clock: FrozenClock
) -> None:
    integration = await add_wa(rt, shop.store_id)
    await add_template(rt, shop.store_id, shop.kaos, "Manual", 1)
    await add_template(rt, shop.store_id, shop.kaos, "Fonnte", 2, provider="fonnte", wa_integration_id=integration)
    await add_template(rt, shop.store_id, shop.kaos, "Manual lagi", 3)
    (placed,) = await place_orders(client, rt, shop)
    assert (await follow_up(client, shop.headers, placed.id)).json()["data"]["step"] == 1
    clock.advance(seconds=10)
    rows = await messages(rt, order_id=placed.id)
    # any later write of the row (a status webhook, the dispatcher) 2 s before the next click
    await set_message(rt, rows[0].id, updated_at=clock.now() - timedelta(seconds=2))
    assert (await follow_up(client, shop.headers, placed.id)).json()["data"]["step"] == 2  # queued to the gateway
    clock.advance(seconds=10)
    # the dispatcher sent it and the gateway reported it delivered 2 s ago
    await set_message(
        rt, rows[1].id, status="delivered", sent_at=clock.now() - timedelta(seconds=3),
        delivered_at=clock.now() - timedelta(seconds=2), updated_at=clock.now() - timedelta(seconds=2),
    )  # fmt: skip
    third = (await follow_up(client, shop.headers, placed.id)).json()["data"]
    assert (third["step"], third["status"]) == (3, "sent")
    # the same click twice is still one follow-up
    clock.advance(seconds=2)
    again = await follow_up(client, shop.headers, placed.id)
    assert again.json()["data"]["step"] == 3
    assert [(r.step, r.status) for r in await messages(rt, order_id=placed.id)] == [
        (1, "sent"), (2, "delivered"), (3, "sent")
    ]  # fmt: skip
