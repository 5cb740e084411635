"""hot_sql.Hot: a hot-path statement sent straight to asyncpg inside the session's transaction on PostgreSQL, through
SQLAlchemy otherwise. Its answers, its errors and its transaction are the ones SQLAlchemy would give."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import BigInteger, Integer, String, bindparam, cast, insert, literal, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from bosonline.hot_sql import Hot
from bosonline.models import Customer
from bosonline.runtime import Runtime
from tests.querycount import count_queries

ECHO = Hot(
    select(
        cast(bindparam("number"), BigInteger).label("number"),
        cast(bindparam("text"), String).label("text"),
        (literal(2, Integer) * 3).label("six"),  # a value the statement carries itself
    )
)
NOW = datetime(2026, 12, 7, 10, 30, tzinfo=UTC)


async def test_rows_by_position_and_by_name(rt: Runtime) -> None:
    params = {"number": 7, "text": "kopi"}
    async with rt.db.session() as session:
        await session.execute(select(1))  # the transaction has begun
        ((number, text, six),) = await ECHO.rows(session, params)
        (row,) = await ECHO.mappings(session, params)
    assert (number, text, six) == (7, "kopi", 6)
    assert (row["number"], row["text"], row["six"]) == (7, "kopi", 6)


async def test_straight_to_the_driver_only_inside_a_transaction(rt: Runtime, is_postgres: bool) -> None:
    if not is_postgres:
        pytest.skip("SQLite always runs it through SQLAlchemy")
    params = {"number": 1, "text": "a"}
    async with rt.db.session() as session:
        with count_queries(rt, transactions=True) as first:
            await ECHO.rows(session, params)  # nothing begun yet: SQLAlchemy sends BEGIN with it
        with count_queries(rt, transactions=True) as then:
            await ECHO.rows(session, params)
        driver = (await (await session.connection()).get_raw_connection()).driver_connection
        assert driver is not None and driver.is_in_transaction()
    assert first.statements[0] == "BEGIN" and len(first.statements) == 2, first.statements
    assert len(then.statements) == 1 and then.statements[0].startswith("SELECT"), then.statements


async def test_errors_are_sqlalchemys_and_the_transaction_rolls_back(rt: Runtime, is_postgres: bool) -> None:
    orphan = Hot(
        insert(Customer).values(
            store_id=bindparam("store"),
            phone="081200000001",
            name="Budi",
            created_at=bindparam("now"),
            updated_at=bindparam("now"),
        )
    )
    async with rt.db.session() as session:
        await session.execute(select(1))
        with pytest.raises(IntegrityError):  # no such store: the foreign key refuses it
            await orphan.rows(session, {"store": 987654321, "now": NOW})
        await session.rollback()
        (row,) = await ECHO.rows(session, {"number": 2, "text": "b"})  # the session goes on
    assert row[0] == 2

    if not is_postgres:
        return  # SQLite divides by zero into NULL
    divide = Hot(select(literal(1, Integer) / cast(bindparam("zero"), Integer)))
    async with rt.db.session() as session:
        await session.execute(select(1))
        with pytest.raises(DBAPIError):
            await divide.rows(session, {"zero": 0})
