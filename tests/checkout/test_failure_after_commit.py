"""Request Create Order commits before it builds the buyer's page (the store's counters row is locked until COMMIT).
If building the page then fails, the order stands: what the checkout registered for after the commit (waking the
worker for its webhooks and follow-ups) still runs, and a replay with the same key finds the same order."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bosonline.checkout.service import PublicCheckout
from bosonline.db import after_commit
from bosonline.models import Order
from bosonline.runtime import Runtime
from tests.checkout.helpers import CheckoutShop, place


class PageBroke(Exception):
    pass


async def test_a_page_that_fails_after_commit_keeps_the_order_and_its_after_commit_work(
    client: httpx.AsyncClient, rt: Runtime, shop: CheckoutShop, monkeypatch: pytest.MonkeyPatch
) -> None:
    ran: list[str] = []
    place_order = PublicCheckout.place

    async def place_and_register(self: PublicCheckout, *args: Any, **kwargs: Any) -> Any:
        placed = await place_order(self, *args, **kwargs)

        async def wake() -> None:
            ran.append("woken")

        after_commit(self.session, wake)
        return placed

    def broken_page(self: PublicCheckout, placed: Any) -> Any:
        raise PageBroke

    monkeypatch.setattr(PublicCheckout, "place", place_and_register)
    monkeypatch.setattr(PublicCheckout, "receipt", broken_page)
    with pytest.raises(PageBroke):
        await place(client, shop, key="key-of-a-broken-page")
    assert ran == ["woken"]
    async with rt.db.session(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 1

    monkeypatch.undo()
    replay = await place(client, shop, key="key-of-a-broken-page")
    assert replay.status_code == 200, replay.text
    assert replay.headers["Idempotent-Replayed"] == "true"
    async with rt.db.session(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(Order)) == 1
