"""On Boarding (GET /store/onboarding): each step's done flag follows the store's real rows as they change, in one
statement."""

from __future__ import annotations

import httpx

from bosonline.models import WaIntegration
from bosonline.runtime import Runtime
from tests.envelope import assert_data, assert_error
from tests.factories import add_staff, bearer, login, seller
from tests.followup.template_helpers import add_template
from tests.order.helpers import make_checkout_shop, place_orders
from tests.orders_support import add_row
from tests.querycount import count_queries

KEYS = [
    "payment",
    "warehouse_stock",
    "product",
    "shipping_rates",
    "published_form",
    "whatsapp",
    "followup_templates",
    "first_order",
    "first_paid_order",
]


async def checklist(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, bool]:
    data = assert_data(await client.get("/store/onboarding", headers=headers))
    assert [step["key"] for step in data["steps"]] == KEYS
    done = {step["key"]: step["done"] for step in data["steps"]}
    assert data["done"] == sum(done.values()) and data["total"] == len(KEYS)
    assert data["percent"] == data["done"] * 100 // len(KEYS)
    assert data["next_step"] == next((key for key in KEYS if not done[key]), None)
    for step in data["steps"]:
        assert step["title"] and step["description"] and step["actions"]
        assert all(action.split(" ")[0] in ("GET", "POST", "PUT") for action in step["actions"])
    return done


async def test_a_new_store_has_nothing_done(client: httpx.AsyncClient, rt: Runtime) -> None:
    owner = await seller(client)
    data = assert_data(await client.get("/store/onboarding", headers=owner["headers"]))
    assert (data["done"], data["percent"], data["next_step"]) == (0, 0, "payment")
    assert data["steps"][0]["title"] == "Tambahkan rekening bank atau QRIS"
    assert data["steps"][0]["actions"] == ["POST /store/rekening", "PUT /store/qris"]
    assert_error(await client.get("/store/onboarding"), 401, "unauthorized")


async def test_steps_follow_the_store_state(client: httpx.AsyncClient, rt: Runtime) -> None:
    shop = await make_checkout_shop(client, rt)  # bank account, QRIS, warehouse with stock, products, rates, form
    with count_queries(rt) as log:
        done = await checklist(client, shop.headers)
    selects = [sql for sql in log.statements if sql.startswith("SELECT")]
    assert len(selects) == 2, log.statements  # the caller and store context; then the checklist
    assert done == dict.fromkeys(KEYS[:5], True) | dict.fromkeys(KEYS[5:], False)

    await add_template(client, shop.headers)
    (order,) = await place_orders(client, rt, shop)
    done = await checklist(client, shop.headers)
    assert done["followup_templates"] and done["first_order"] and not done["first_paid_order"]

    # A WhatsApp number: the gateway's own API is not called here (its adapters have their tests), so the row.
    await add_row(
        rt,
        WaIntegration,
        store_id=shop.store_id,
        name="CS 1",
        phone_number="6281234000111",
        provider="fonnte",
        credentials=rt.secrets.seal({"token": "t"}),
    )
    confirmed = await client.post(
        f"/store/order/{order.id}/confirm-payment", json={"amount": order.total}, headers=shop.headers
    )
    assert confirmed.status_code == 200, confirmed.text
    done = await checklist(client, shop.headers)
    assert all(done.values())

    # Nothing left to sell (the red's 2 units are held by the order): the step is undone again, never stored.
    left = {shop.red: 2, shop.black: 0, shop.kopi_variant: 0}
    lines = [{"variant_id": v, "warehouse_id": shop.warehouse, "set": n} for v, n in left.items()]
    assert_data(await client.put("/store/inventory", json={"lines": lines}, headers=shop.headers))
    assert await checklist(client, shop.headers) == dict.fromkeys(KEYS, True) | {"warehouse_stock": False}

    await add_staff(client, shop.headers, email="cs-onboarding@example.com", phone="081398765499")
    cs = bearer(await login(client, "cs-onboarding@example.com"), shop.store_id)
    assert (await client.get("/store/onboarding", headers=cs)).status_code == 200  # anyone in the store
