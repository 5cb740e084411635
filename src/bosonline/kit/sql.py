"""Small builders of the hand-written Core statements that batch code runs with executemany."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, Update, bindparam, update
from sqlalchemy.sql.elements import BindParameter

from bosonline.models.base import UTCDateTime


def update_by_id(table: Table, **values: Any) -> Update:
    """`UPDATE table SET values WHERE id = :_id`: run with one parameter dict a row (`_id` and the bound values)."""
    return update(table).where(table.c.id == bindparam("_id")).values(**values)


def touch_by_id(table: Table, **values: Any) -> Update:
    """update_by_id that also sets `updated_at` to the `_now` parameter."""
    return update_by_id(table, **values, updated_at=moment("_now"))


def moment(name: str) -> BindParameter[Any]:
    """A bound timestamp parameter, stored as the UTC columns store it (UTCDateTime)."""
    return bindparam(name, type_=UTCDateTime())
