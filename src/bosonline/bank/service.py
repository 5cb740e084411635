"""Rules of a store's bank accounts (Rekening): known banks, one row per bank and number, at most 20."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.bank.errors import BankError
from bosonline.bank.repository import BankAccountRepository
from bosonline.bank.schemas import MAX_BANK_ACCOUNTS, BankAccountCreateIn, BankAccountIn, BankAccountOut
from bosonline.errors import Conflict, conflict_for, found
from bosonline.kit.attributes import assign, attributes
from bosonline.models import BankAccount
from bosonline.models.bank import BANK_ACCOUNT_UNIQUE
from bosonline.runtime import Runtime
from bosonline.tenancy import ScopedService, StoreContext

_ACCOUNT = ("bank_code", "holder_name", "account_number")  # what a BankAccountIn sets


class BankAccountService(ScopedService):
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        super().__init__(session, runtime, ctx)
        self.repo = BankAccountRepository(session, ctx)

    async def list(self, *, status: str | None) -> list[BankAccountOut]:
        return [BankAccountOut.of(account) for account in await self.repo.list(status=status)]

    async def get(self, account_id: int) -> BankAccountOut:
        return BankAccountOut.of(await self._account(account_id))

    async def create(self, data: BankAccountCreateIn) -> BankAccountOut:
        await self.repo.lock_store()
        if await self.repo.holder_of(data.bank_code, data.account_number) is not None:
            raise conflict_for(BANK_ACCOUNT_UNIQUE)
        if await self.repo.count() >= MAX_BANK_ACCOUNTS:
            raise Conflict(
                f"A store can have at most {MAX_BANK_ACCOUNTS} bank accounts: delete one it no longer uses",
                code=BankError.bank_account_limit,
            )
        now = self.rt.clock.now()
        account = await self.repo.insert(
            BankAccount(
                **attributes(data, (*_ACCOUNT, "status")),
                position=await self.repo.next_position(),
                created_at=now,
                updated_at=now,
            )
        )
        return BankAccountOut.of(account)

    async def update(self, account_id: int, data: BankAccountIn) -> BankAccountOut:
        account = await self._account(account_id)
        holder = await self.repo.holder_of(data.bank_code, data.account_number)
        if holder is not None and holder != account.id:
            raise conflict_for(BANK_ACCOUNT_UNIQUE)
        assign(account, attributes(data, _ACCOUNT))
        account.updated_at = self.rt.clock.now()
        await self.session.flush()
        return BankAccountOut.of(account)

    async def set_status(self, account_id: int, status: str) -> BankAccountOut:
        account = await self._account(account_id)
        await self._set_status(account, status)
        return BankAccountOut.of(account)

    async def delete(self, account_id: int) -> None:
        """Removes the row: orders paid to it keep their own copy of the bank, number and holder."""
        await self.repo.remove(await self._account(account_id))

    async def _account(self, account_id: int) -> BankAccount:
        return found(await self.repo.get(account_id))
