"""A store's bank accounts (Rekening): where bank-transfer buyers send their money."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from bosonline.bank.errors import BankError
from bosonline.models.base import Base, BigId, IdMixin, TimestampMixin, unique

BANK_ACCOUNT_UNIQUE = unique(
    "store_id",
    "bank_code",
    "account_number",
    code=BankError.bank_account_exists,
    message="This account is already saved in the store",
    field="account_number",
)


class BankAccount(IdMixin, TimestampMixin, Base):
    __tablename__ = "bank_accounts"
    __table_args__ = (BANK_ACCOUNT_UNIQUE, Index("ix_bank_accounts_store_id_status", "store_id", "status"))

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    bank_code: Mapped[str] = mapped_column(String(16))  # a code of bank/banks.py (BI sandi bank, e.g. "014")
    holder_name: Mapped[str] = mapped_column(String(100))
    account_number: Mapped[str] = mapped_column(String(20))  # digits only, 6–20
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | inactive
    position: Mapped[int] = mapped_column(default=0)
