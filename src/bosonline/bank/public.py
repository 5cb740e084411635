"""What other domains (checkout, order texts) ask of Rekening."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.bank.repository import active_accounts_of
from bosonline.bank.schemas import BankAccountOut


async def active_bank_accounts(session: AsyncSession, store_id: int) -> list[BankAccountOut]:
    """The store's active bank accounts in display order (position, then id), in one query: the accounts a
    bank-transfer buyer may pay to."""
    return [BankAccountOut.of(account) for account in await active_accounts_of(session, store_id)]
