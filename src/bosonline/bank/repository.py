"""All SQL of a store's bank accounts. Every statement starts from the request's store (tenancy)."""

from __future__ import annotations

from sqlalchemy import Select, delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.models import BankAccount
from bosonline.tenancy import RowRepository


def display_order(stmt: Select[BankAccount]) -> Select[BankAccount]:
    return stmt.order_by(BankAccount.position, BankAccount.id)


async def active_accounts_of(session: AsyncSession, store_id: int) -> list[BankAccount]:
    """A store's active accounts in display order, in one query (for checkout, which has no StoreContext)."""
    stmt = select(BankAccount).where(BankAccount.store_id == store_id, BankAccount.status == "active")
    return list(await session.scalars(display_order(stmt)))


class BankAccountRepository(RowRepository[BankAccount]):
    model = BankAccount

    async def list(self, *, status: str | None) -> list[BankAccount]:
        stmt = self.scoped(BankAccount)
        if status:
            stmt = stmt.where(BankAccount.status == status)
        return list(await self.session.scalars(display_order(stmt)))

    async def next_position(self) -> int:
        stmt = select(func.max(BankAccount.position)).where(BankAccount.store_id == self.ctx.store_id)
        highest = await self.session.scalar(stmt)
        return 0 if highest is None else highest + 1

    async def holder_of(self, bank_code: str, account_number: str) -> int | None:
        """The id of the store's account with this bank and number, if any."""
        stmt = self.scoped(BankAccount).with_only_columns(BankAccount.id)
        stmt = stmt.where(BankAccount.bank_code == bank_code, BankAccount.account_number == account_number)
        return await self.session.scalar(stmt.limit(1))

    async def remove(self, account: BankAccount) -> None:
        await self.session.execute(
            delete(BankAccount).where(BankAccount.store_id == self.ctx.store_id, BankAccount.id == account.id)
        )
