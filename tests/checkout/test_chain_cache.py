"""The checkout's chain of writes (hot_sql.run_chain) is one statement on PostgreSQL whose SQL does not depend on the
order's values nor on how many lines, stock movements, follow-ups and webhook deliveries it writes: it is built and
compiled once per shape and kept (hot_sql._CHAINS), then only bound to each checkout's values (a multi-row VALUES
would be built and compiled anew for every checkout)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from sqlalchemy import func, insert, select

from bosonline import hot_sql
from bosonline.checkout.place_repository import RESERVE, PlaceRepository
from bosonline.hot_sql import Match
from bosonline.models import FollowupMessage, InventoryMovement, Order, OrderLine, WebhookDelivery
from bosonline.runtime import Runtime
from tests.checkout.helpers import make_checkout_shop, place, stock_row
from tests.followup.order_helpers import add_template, four_steps
from tests.webhook.helpers import add_webhook


@contextmanager
def chain_builds(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """The chain statements built (hot_sql._chain_statement) meanwhile: the number of writes of each."""
    built: list[int] = []
    build = hot_sql._chain_statement

    def counted(checks: Any, writes: Any) -> Any:
        built.append(len(writes))
        return build(checks, writes)

    monkeypatch.setattr(hot_sql, "_chain_statement", counted)
    hot_sql._CHAINS.clear()
    yield built


async def rows_of(rt: Runtime, model: Any, response: httpx.Response) -> int:
    number = response.json()["data"]["number"]
    async with rt.db.session(write=False) as session:
        order_id = select(Order.id).where(Order.number == number).scalar_subquery()
        return int(await session.scalar(select(func.count()).select_from(model).where(model.order_id == order_id)))


async def test_the_chain_statement_is_built_once(
    client: httpx.AsyncClient, rt: Runtime, is_postgres: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not is_postgres:
        pytest.skip("SQLite runs the chain one statement at a time")
    shop = await make_checkout_shop(client, rt)
    await four_steps(rt, shop)  # Kaos Polos: two follow-ups at checkout
    await add_template(rt, shop.store_id, shop.kopi, "Kopi 1", 1)  # Kopi Gayo: one
    for path in ("/a", "/b"):
        await add_webhook(client, shop.headers, "https://erp.example.com" + path, events=["order.created"])

    with chain_builds(monkeypatch) as built:
        one = await place(client, shop, items=[{"variant_id": shop.kopi_variant, "quantity": 2}], phone="081200000001")
        three = [{"variant_id": v, "quantity": 1} for v in (shop.red, shop.black, shop.kopi_variant)]
        many = await place(client, shop, items=three, phone="081200000002", notes="Tolong cepat", email="a@b.id")
        assert one.status_code == many.status_code == 201, (one.text, many.text)
        assert len(built) == 1, built  # built for the first; the second, with other values and counts, reuses it
        (kept,) = hot_sql._CHAINS.values()
        assert kept[0]._compiled is not None  # and compiled once, kept with it

    # …and it wrote every row of both orders.
    for model, counts in ((OrderLine, [1, 3]), (InventoryMovement, [1, 3]), (FollowupMessage, [1, 2])):
        assert [await rows_of(rt, model, one), await rows_of(rt, model, many)] == counts, model
    assert [await rows_of(rt, WebhookDelivery, one), await rows_of(rt, WebhookDelivery, many)] == [2, 2]


async def test_a_reservation_in_the_chain_writes_movements_of_the_lines_it_reserved(
    client: httpx.AsyncClient, rt: Runtime
) -> None:
    """The chain's reservation (PlaceRepository.reserve_write) returns the lines that fit; a movement row whose stock
    it reads through a Match is written only for those (a line without stock writes none, and nothing fails)."""
    shop = await make_checkout_shop(client, rt)
    (red_on_hand, red_held), (black_on_hand, black_held) = [
        await stock_row(rt, variant, shop.warehouse) for variant in (shop.red, shop.black)
    ]
    now = rt.clock.now()
    quantities = {shop.red: 1, shop.black: black_on_hand - black_held + 1}  # black: one more than is left
    async with rt.db.session() as session:
        repo = PlaceRepository(session)
        after = (Match(RESERVE, "on_hand", "variant_id"), Match(RESERVE, "reserved", "variant_id"))
        movements = [
            {
                "store_id": shop.store_id,
                "variant_id": variant,
                "warehouse_id": shop.warehouse,
                "reason": "order_reserved",
                "delta_on_hand": 0,
                "delta_reserved": qty,
                "on_hand_after": after[0],
                "reserved_after": after[1],
                "created_at": now,
            }
            for variant, qty in sorted(quantities.items())
        ]
        written = await hot_sql.run_chain(
            session,
            [],
            [
                repo.reserve_write(shop.store_id, shop.warehouse, quantities, now),
                hot_sql.Write("movements", insert(InventoryMovement.__table__), movements, many=True),
            ],
        )
        assert [(row["variant_id"], row["on_hand"], row["reserved"]) for row in written.rows[RESERVE]] == [
            (shop.red, red_on_hand, red_held + 1)
        ]
        reserved = select(InventoryMovement.variant_id, InventoryMovement.reserved_after).where(
            InventoryMovement.reason == "order_reserved"
        )
        moved = (await session.execute(reserved)).all()
        assert [tuple(row) for row in moved if row[0] in quantities] == [(shop.red, red_held + 1)]
        await session.rollback()
    assert await stock_row(rt, shop.red, shop.warehouse) == (red_on_hand, red_held)
