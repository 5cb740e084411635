"""Migration 0017 on a database with orders: lines sold before cost prices were frozen take their variant's COGS
of the day (when it has one), marked estimated; orders get their cost (unknown when a line's is); the recap
counters are recounted with revenue's amounts. Run by going back to 0015 (the columns dropped) and up again on a
scratch database seeded through the app."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from alembic import command
from sqlalchemy import select, update
from sqlalchemy.engine import Connection

from bosonline.app import create_app
from bosonline.migrate import alembic_config, upgrade
from bosonline.models import Order, OrderDailyStat, OrderLine, ProductVariant
from bosonline.runtime import Runtime
from bosonline.wiring import build_runtime
from tests.conftest import scratch_pg_database
from tests.conftest import test_settings as make_settings
from tests.factories import seller
from tests.inventory.helpers import make_product
from tests.order.helpers import stats_match
from tests.order.list_helpers import Line, Row, insert_orders


@pytest.fixture
async def scratch_rt(backend: str, tmp_path: Path) -> AsyncIterator[Runtime]:
    if backend == "sqlite":
        runtime = build_runtime(make_settings(tmp_path, f"sqlite+aiosqlite:///{tmp_path / 'scratch.db'}"))
        yield runtime
        await runtime.db.dispose()
        return
    async with scratch_pg_database(f"bos_core_mig17_{os.getpid()}") as url:
        runtime = build_runtime(make_settings(tmp_path, url))
        yield runtime
        await runtime.db.dispose()


def _downgrade_to_0015(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.downgrade(config, "0015")


async def test_lines_take_todays_cogs_marked_estimated(scratch_rt: Runtime) -> None:
    rt = scratch_rt
    await upgrade(rt.db)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=create_app(runtime=rt)), base_url="http://t") as c:
        store_id = int((await seller(c))["store"]["id"])
    _, (costed, free) = await make_product(rt, store_id, variants=["Merah", "Hitam"])
    now = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
    red, black = Line(None, costed, quantity=2), Line(None, free)
    await insert_orders(
        rt,
        store_id,
        [
            Row(now, lines=[red]),
            Row(now - timedelta(days=1), status="completed", payment_status="paid", lines=[red, black]),
            Row(now - timedelta(days=2), status="shipped", lines=[black]),
        ],
    )
    async with rt.db.session() as session:
        await session.execute(update(ProductVariant).where(ProductVariant.id == costed).values(cogs=21_000))
        await session.commit()
    async with rt.db.engine.begin() as conn:
        await conn.run_sync(_downgrade_to_0015)
    await upgrade(rt.db)

    async with rt.db.session(write=False) as session:
        lines = (
            await session.execute(select(OrderLine.variant_id, OrderLine.unit_cost, OrderLine.cost_estimated))
        ).all()
        orders = (await session.execute(select(Order.cost, Order.cost_estimated).order_by(Order.id))).all()
        counters = (await session.scalars(select(OrderDailyStat))).all()
    assert {(v, c, bool(e)) for v, c, e in lines} == {(costed, 21_000, True), (free, None, False)}
    assert [(cost, bool(estimated)) for cost, estimated in orders] == [(42_000, True), (None, False), (None, False)]
    assert sum(row.cost for row in counters) == 42_000 == sum(row.estimated_cost for row in counters)
    assert sum(row.costed_orders for row in counters) == 1
    await stats_match(rt, store_id)
