"""Wire shapes of the bank list and of a store's bank accounts (Rekening)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, Field, JsonValue, field_validator

from bosonline.bank.banks import BANKS_BY_CODE, bank_of, is_bank_code
from bosonline.kit.fields import PersonName, declared
from bosonline.kit.schemas import RowOut, StrictBody
from bosonline.models import BankAccount

MAX_BANK_ACCOUNTS = 20
ACCOUNT_NUMBER_MIN_DIGITS = 6
ACCOUNT_NUMBER_MAX_DIGITS = 20
_ACCOUNT_NUMBER_SEPARATORS = str.maketrans("", "", " .-")
_BANK_CODES: list[JsonValue] = [*sorted(BANKS_BY_CODE)]
ACCOUNT_NUMBER_PATTERN = r"^[0-9](?:[ .-]?[0-9]){5,19}$"

BankAccountStatus = Literal["active", "inactive"]


class BankOut(RowOut):
    code: str = Field(description="Sandi bank (Bank Indonesia code), 3 digits.", examples=["014"])
    name: str = Field(examples=["PT Bank Central Asia Tbk"])
    short_name: str = Field(examples=["BCA"])


def normalize_account_number(value: str) -> str:
    """Digits only: sellers paste numbers as printed on their book ("123-456-7890", "1234 5678 90")."""
    digits = value.translate(_ACCOUNT_NUMBER_SEPARATORS)
    if not digits.isascii() or not digits.isdigit():
        raise ValueError("must be digits (spaces, dots and dashes between them are fine)")
    if not ACCOUNT_NUMBER_MIN_DIGITS <= len(digits) <= ACCOUNT_NUMBER_MAX_DIGITS:
        raise ValueError(f"must have {ACCOUNT_NUMBER_MIN_DIGITS}–{ACCOUNT_NUMBER_MAX_DIGITS} digits, not {len(digits)}")
    return digits


class BankAccountIn(StrictBody):
    """Edit Rekening: every field, as on creation."""

    bank_code: str = Field(
        min_length=1,
        max_length=16,
        json_schema_extra={"enum": _BANK_CODES},
        description="Sandi bank of a bank in `GET /bank`, e.g. `014` for BCA.",
        examples=["014"],
    )
    holder_name: PersonName = Field(description="Account holder (atas nama), as the bank shows it.")
    account_number: str = Field(
        min_length=1,
        max_length=40,
        json_schema_extra=declared(ACCOUNT_NUMBER_PATTERN),
        description=f"{ACCOUNT_NUMBER_MIN_DIGITS}–{ACCOUNT_NUMBER_MAX_DIGITS} digits; spaces, dots and dashes "
        "between them are accepted and dropped.",
        examples=["123-456-7890"],
    )

    @field_validator("bank_code")
    @classmethod
    def _known_bank(cls, value: str) -> str:
        if not is_bank_code(value):
            raise ValueError("is not a bank of GET /bank (give its 3-digit sandi bank, e.g. 014 for BCA)")
        return value

    @field_validator("account_number")
    @classmethod
    def _digits(cls, value: str) -> str:
        return normalize_account_number(value)


class BankAccountCreateIn(BankAccountIn):
    """Create Rekening."""

    status: BankAccountStatus = Field("active", description="`inactive` accounts are not offered to buyers.")


class BankAccountStatusIn(StrictBody):
    status: BankAccountStatus


class BankAccountOut(RowOut):
    id: int
    bank: Annotated[BankOut, BeforeValidator(bank_of)] = Field(validation_alias="bank_code")
    holder_name: str
    account_number: str = Field(description="Digits only.", examples=["1234567890"])
    status: BankAccountStatus = Field(description="Only `active` accounts are offered to buyers.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, account: BankAccount) -> BankAccountOut:
        return cls.model_validate(account)


class BankAccountPublicOut(BaseModel):
    bank_code: str
    bank_name: str
    holder_name: str
    account_number: str
