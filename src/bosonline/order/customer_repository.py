"""SQL the order's money and customer share between checkout (placing an order) and order edits: the customer
row of a phone (upsert) and the unique codes a store's open bank transfers wait with. Buyers are not store
members, so every statement names the store."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import dialect_insert
from bosonline.hot_sql import Hot
from bosonline.models import Customer, Order

# Built once: checkout reads it after the store's counters, in its lock.
_TAKEN_CODES = Hot(
    select(Order.unique_code).where(
        Order.store_id == bindparam("store"),
        Order.created_at >= bindparam("since"),
        Order.payment_method == "bank_transfer",
        Order.payment_status == "unpaid",
        Order.total + Order.unique_code == bindparam("amount"),
    )
)
_TAKEN_CODES_EXCEPT = Hot(_TAKEN_CODES.statement.where(Order.id != bindparam("except_order")))


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
