"""SQL the order's money and customer share between checkout (placing an order) and order edits: the customer
row of a phone (upsert) and the unique codes a store's open bank transfers wait with. Buyers are not store
members, so every statement names the store."""

from __future__ import annotations

import hashlib
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import BigInteger, Integer, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import dialect_insert, dialect_of
from bosonline.hot_sql import Hot
from bosonline.models import Customer, Order


def _taken_codes(prefix: str = "") -> Select[int]:
    """Codes of the store's recent unpaid bank transfers of one amount before the code (parameters `store`, `since`,
    `amount`, named with `prefix`)."""
    return select(Order.unique_code).where(
        Order.store_id == bindparam(f"{prefix}store"),
        Order.created_at >= bindparam(f"{prefix}since"),
        Order.payment_method == "bank_transfer",
        Order.payment_status == "unpaid",
        Order.total + Order.unique_code == bindparam(f"{prefix}amount", type_=BigInteger),
    )


# Built once: an order edit that re-prices a transfer reads them (pricing.draw_unique_code then picks one).
_TAKEN_CODES = Hot(_taken_codes())
_TAKEN_CODES_EXCEPT = Hot(_TAKEN_CODES.statement.where(Order.id != bindparam("except_order")))


@cache
def unique_code_draw(dialect: str) -> Select[tuple[int, int]]:
    """`SELECT code, total`: one code of [code_low, code_high] that none of the codes `_taken_codes` finds uses (any
    code of the range when all are, at random among them), and `code_amount − code` — pricing.draw_unique_code's rule
    in SQL, so that checkout draws it in its chain of writes (hot_sql.Write of a SELECT), in the statement whose
    snapshot follows the amount's lock (lock_unique_codes). Parameters `code_store`, `code_since`, `code_amount`, `code_low`,
    `code_high`; the range must not be empty. Built once per dialect: PostgreSQL counts with generate_series, SQLite
    (which may lack it) with a recursive CTE."""
    low, high = bindparam("code_low", type_=Integer), bindparam("code_high", type_=Integer)
    codes: Any
    if dialect == "postgresql":
        codes = func.generate_series(low, high).table_valued("value").render_derived(name="codes")
    else:
        first = select(low.label("value")).cte("codes", recursive=True)
        codes = first.union_all(select(first.c.value + 1).where(first.c.value < high))
    code = codes.c.value
    total = bindparam("code_amount", type_=BigInteger) - code
    return (
        select(code.label("code"), total.label("total"))
        .select_from(codes)
        .order_by(code.in_(_taken_codes("code_")), func.random())
        .limit(1)
    )


# A transaction-scoped lock on one amount's unique codes in one store (PostgreSQL; SQLite's write lock is the whole
# database's). A bigint key: the store and the amount, hashed (two amounts sharing a key only wait for each other).
_LOCK_CODES = Hot(select(func.pg_advisory_xact_lock(bindparam("key", type_=BigInteger))))


async def lock_unique_codes(session: AsyncSession, store_id: int, amount: int) -> None:
    """Wait for, then hold until COMMIT, the lock under which every unique code of a transfer of `amount` (before
    its code) in the store is drawn: checkout's chain and an edit that redraws one take it first, so the statement
    that draws sees every code drawn before, and no other draw of the amount runs meanwhile."""
    if dialect_of(session) != "postgresql":
        return
    digest = hashlib.blake2b(f"unique_code:{store_id}:{amount}".encode(), digest_size=8).digest()
    await _LOCK_CODES.rows(session, {"key": int.from_bytes(digest, "big", signed=True)})


class CustomerRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def taken_unique_codes(
        self, store_id: int, amount: int, since: datetime, *, except_order_id: int | None = None
    ) -> set[int]:
        """Codes of the store's recent unpaid bank transfers whose amount before the code is `amount` (other than
        `except_order_id`, an order being re-priced)."""
        params = {"store": store_id, "since": since, "amount": amount}
        stmt = _TAKEN_CODES
        if except_order_id is not None:
            stmt, params["except_order"] = _TAKEN_CODES_EXCEPT, except_order_id
        return {row[0] for row in await stmt.rows(self.session, params)}

    async def upsert_customer(self, store_id: int, phone: str, name: str, email: str | None, now: datetime) -> int:
        insert = dialect_insert(self.session, Customer).values(
            store_id=store_id, phone=phone, name=name, email=email, created_at=now, updated_at=now
        )
        upsert = insert.on_conflict_do_update(
            index_elements=[Customer.store_id, Customer.phone],
            set_={
                "name": insert.excluded.name,
                "email": func.coalesce(insert.excluded.email, Customer.email),
                "updated_at": now,
            },
        ).returning(Customer.id)
        return int((await self.session.execute(upsert)).scalar_one())
