"""Rows written straight into the database for the order-side tests (checkout, inventory, follow-up, order,
voucher): what another domain's API would have written, when that API has its own tests and going through it would
only slow the test down or tie it to that API."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import update

from bosonline.models import StoreSettings
from bosonline.runtime import Runtime

Row = TypeVar("Row")


def new_row(rt: Runtime, model: type[Row], **values: Any) -> Row:
    """An unsaved row of `model` with `values`, its created_at / updated_at (where the model has them) now unless
    given."""
    now = rt.clock.now()
    stamps = {name: now for name in ("created_at", "updated_at") if hasattr(model, name)}
    return model(**(stamps | values))


async def add_rows(rt: Runtime, *rows: Any) -> None:
    """Writes `rows` in one transaction; afterwards each carries its id."""
    async with rt.db.session() as session:
        session.add_all(rows)
        await session.commit()


async def add_row(rt: Runtime, model: type[Row], **values: Any) -> Row:
    """Writes one row of `model` (as `new_row`) in a transaction of its own and returns it, id and all."""
    row = new_row(rt, model, **values)
    await add_rows(rt, row)
    return row


async def set_store_settings(rt: Runtime, store_id: int, **values: Any) -> None:
    """Changes the store's settings row (what the settings API would write)."""
    async with rt.db.session() as session:
        await session.execute(update(StoreSettings).where(StoreSettings.store_id == store_id).values(**values))
        await session.commit()
