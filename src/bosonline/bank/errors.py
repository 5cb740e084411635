"""Error codes of bank: bank accounts (Rekening)."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class BankError(ErrorCode):
    bank_account_limit = "bank_account_limit", 409, "The store has as many bank accounts as allowed"
    bank_account_exists = "bank_account_exists", 409, "This bank account is already registered in the store"
