"""Rekening bodies, creation through the API, and database peeks for the bank tests."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import select

from bosonline.models import BankAccount
from bosonline.runtime import Runtime
from tests.factories import with_overrides


def account_body(**overrides: Any) -> dict[str, Any]:
    """A valid POST body (BCA); an override of `...` leaves the field out."""
    return with_overrides(
        {"bank_code": "014", "holder_name": "Budi Santoso", "account_number": "1234567890"}, overrides
    )


async def create_account(client: httpx.AsyncClient, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    response = await client.post("/store/rekening", json=account_body(**overrides), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def accounts_of(rt: Runtime, store_id: int) -> list[BankAccount]:
    async with rt.db.session() as session:
        stmt = select(BankAccount).where(BankAccount.store_id == store_id).order_by(BankAccount.id)
        return list(await session.scalars(stmt))


async def account_row(rt: Runtime, account_id: int) -> BankAccount | None:
    async with rt.db.session() as session:
        return await session.get(BankAccount, account_id)


def snapshot(account: BankAccount | None) -> tuple[Any, ...] | None:
    if account is None:
        return None
    return (
        account.store_id,
        account.bank_code,
        account.holder_name,
        account.account_number,
        account.status,
        account.position,
        account.updated_at,
    )
