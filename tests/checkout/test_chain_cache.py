"""The checkout's chain of writes (db.run_chain) is one statement on PostgreSQL whose SQL does not depend on the
order's values nor on how many lines, stock movements, follow-ups and webhook deliveries it writes: SQLAlchemy
compiles it once and serves it from its compiled cache afterwards (a multi-row VALUES would be compiled anew for
every checkout)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import event, func, select

from bosonline.models import FollowupMessage, InventoryMovement, Order, OrderLine, WebhookDelivery
from bosonline.runtime import Runtime
from tests.checkout.helpers import make_checkout_shop, place
from tests.followup.order_helpers import add_template, four_steps
from tests.webhook.helpers import add_webhook


@contextmanager
def chain_cache_stats(rt: Runtime) -> Iterator[list[str]]:
    """How SQLAlchemy got each chain statement (`WITH w_customer AS …`) sent meanwhile: "cached since …",
    "generated in …" or "no key …" (what its engine log shows)."""
    stats: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
        if statement.startswith("WITH w_customer"):
            stats.append(context._get_cache_stats())

    engine = rt.db.engine.sync_engine
    event.listen(engine, "after_cursor_execute", record)
    try:
        yield stats
    finally:
        event.remove(engine, "after_cursor_execute", record)


async def rows_of(rt: Runtime, model: Any, response: httpx.Response) -> int:
    number = response.json()["data"]["number"]
    async with rt.db.session(write=False) as session:
        order_id = select(Order.id).where(Order.number == number).scalar_subquery()
        return int(await session.scalar(select(func.count()).select_from(model).where(model.order_id == order_id)))


async def test_the_chain_statement_is_compiled_once(client: httpx.AsyncClient, rt: Runtime, is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("SQLite runs the chain one statement at a time")
    shop = await make_checkout_shop(client, rt)
    await four_steps(rt, shop)  # Kaos Polos: two follow-ups at checkout
    await add_template(rt, shop.store_id, shop.kopi, "Kopi 1", 1)  # Kopi Gayo: one
    for path in ("/a", "/b"):
        await add_webhook(client, shop.headers, "https://erp.example.com" + path, events=["order.created"])

    with chain_cache_stats(rt) as stats:
        one = await place(client, shop, items=[{"variant_id": shop.kopi_variant, "quantity": 2}], phone="081200000001")
        three = [{"variant_id": v, "quantity": 1} for v in (shop.red, shop.black, shop.kopi_variant)]
        many = await place(client, shop, items=three, phone="081200000002", notes="Tolong cepat", email="a@b.id")
    assert one.status_code == many.status_code == 201, (one.text, many.text)
    assert len(stats) == 2, stats
    assert not stats[0].startswith("no key"), stats  # cacheable: compiled (or found) the first time
    assert stats[1].startswith("cached since"), stats  # the same statement, whatever was written

    # …and it wrote every row of both orders.
    for model, counts in ((OrderLine, [1, 3]), (InventoryMovement, [1, 3]), (FollowupMessage, [1, 2])):
        assert [await rows_of(rt, model, one), await rows_of(rt, model, many)] == counts, model
    assert [await rows_of(rt, WebhookDelivery, one), await rows_of(rt, WebhookDelivery, many)] == [2, 2]
