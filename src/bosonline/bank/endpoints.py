"""HTTP routes of Rekening: the bank list and the store's bank accounts."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Response, status

from bosonline.bank.banks import search_banks
from bosonline.bank.errors import BankError
from bosonline.bank.schemas import (
    BankAccountCreateIn,
    BankAccountIn,
    BankAccountOut,
    BankAccountStatus,
    BankAccountStatusIn,
    BankOut,
)
from bosonline.bank.service import BankAccountService
from bosonline.deps import CurrentUser, store_service
from bosonline.errors import error_responses
from bosonline.kit.fields import OneLineText, path_id
from bosonline.kit.schemas import DeletedOut, Envelope, ListEnvelope
from bosonline.permissions import Permission
from bosonline.routing import api_router

bank_router = api_router(prefix="/bank", tags=["Rekening"])
router = api_router(prefix="/store/rekening", tags=["Rekening"])

BankAccountId = Annotated[int, path_id("Rekening (bank account) id in this store.")]
Reader = Annotated[BankAccountService, store_service(BankAccountService, Permission.store_read)]
Writer = Annotated[BankAccountService, store_service(BankAccountService, Permission.bank_accounts_write)]

BANK_LIST_CACHE_CONTROL = "private, max-age=86400"


@bank_router.get("", summary="Bank List")
async def list_banks(
    _: CurrentUser,
    response: Response,
    q: Annotated[
        OneLineText | None, Query(min_length=1, max_length=50, description="Code starts with, or name contains.")
    ] = None,
) -> Envelope[list[BankOut]]:
    """Indonesian banks a store can receive transfers in, by sandi bank (Bank Indonesia code), ascending. A
    rekening names its bank by `code`. The list changes only with a release: answers may be cached for a day."""
    response.headers["Cache-Control"] = BANK_LIST_CACHE_CONTROL
    return Envelope(data=[BankOut.model_validate(bank) for bank in search_banks(q)])


@router.get("", summary="Get Rekening List")
async def list_bank_accounts(
    service: Reader,
    status: Annotated[BankAccountStatus | None, Query(description="Only accounts with this status.")] = None,
) -> ListEnvelope[BankAccountOut]:
    """The store's bank accounts in display order (the order buyers see them), oldest first. A store has at
    most 20, so the list comes in one page."""
    items = await service.list(status=status)
    return ListEnvelope.whole(items)


@router.get("/{account_id:int}", summary="Rekening Detail")
async def get_bank_account(account_id: BankAccountId, service: Reader) -> Envelope[BankAccountOut]:
    """One of the store's bank accounts. Another store's id answers 404."""
    return Envelope(data=await service.get(account_id))


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create Rekening",
    responses=error_responses(BankError.bank_account_exists, BankError.bank_account_limit),
)
async def create_bank_account(body: BankAccountCreateIn, service: Writer) -> Envelope[BankAccountOut]:
    """Adds a bank account buyers can pay to by transfer (at most 20 per store); it goes last in the list.
    `bank_code` is a sandi bank of `GET /bank`; `account_number` is stored as digits only. Owners and admins."""
    return Envelope(data=await service.create(body))


@router.put(
    "/{account_id:int}",
    summary="Edit Rekening",
    responses=error_responses(BankError.bank_account_exists),
)
async def update_bank_account(
    account_id: BankAccountId, body: BankAccountIn, service: Writer
) -> Envelope[BankAccountOut]:
    """Replaces the bank, holder name and account number (the status is changed with
    `PATCH /store/rekening/{id}/status`). Orders already paid keep the account as it was. Owners and admins."""
    return Envelope(data=await service.update(account_id, body))


@router.delete("/{account_id:int}", summary="Delete Rekening")
async def delete_bank_account(account_id: BankAccountId, service: Writer) -> Envelope[DeletedOut]:
    """Removes the bank account. Orders paid to it keep their own copy of the bank, number and holder.
    Owners and admins."""
    await service.delete(account_id)
    return Envelope(data=DeletedOut(id=account_id))


@router.patch("/{account_id:int}/status", summary="Edit Status Rekening")
async def set_bank_account_status(
    account_id: BankAccountId, body: BankAccountStatusIn, service: Writer
) -> Envelope[BankAccountOut]:
    """`inactive` accounts stay saved but are not offered to buyers at checkout. Owners and admins."""
    return Envelope(data=await service.set_status(account_id, body.status))
