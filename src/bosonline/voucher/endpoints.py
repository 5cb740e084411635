"""HTTP routes of the store's vouchers (seed group Voucher)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from fastapi import Depends, Query, status

from bosonline.deps import query_parameters, store_service
from bosonline.errors import error_responses
from bosonline.kit.fields import SearchText, path_id
from bosonline.kit.pagination import PageQuery
from bosonline.kit.schemas import Envelope, ListEnvelope
from bosonline.permissions import Permission
from bosonline.routing import api_router
from bosonline.voucher.errors import VoucherError
from bosonline.voucher.rules import VoucherState
from bosonline.voucher.schemas import VoucherDeletedOut, VoucherIn, VoucherOut, VoucherStatusIn
from bosonline.voucher.service import VoucherService

router = api_router(prefix="/store/voucher", tags=["Voucher"])

VoucherId = Annotated[int, path_id("Voucher id.")]
Reader = Annotated[VoucherService, store_service(VoucherService, Permission.store_read)]
Writer = Annotated[VoucherService, store_service(VoucherService, Permission.forms_write)]

_CODE_TAKEN = error_responses(VoucherError.voucher_code_taken)


@dataclass(frozen=True)
class VoucherFilters:
    """The list's filters: a dependency, FastAPI reads each field from the query."""

    status: Annotated[Literal["active", "inactive"] | None, Query(description="Switched on or off.")] = None
    state: Annotated[
        VoucherState | None, Query(description="From the clock: `scheduled`, `running`, `expired`, `exhausted`.")
    ] = None
    q: Annotated[SearchText | None, Query(description="Code or name contains.")] = None


@router.get("", summary="List Voucher")
async def list_vouchers(
    service: Reader,
    page: PageQuery,
    filters: Annotated[VoucherFilters, Depends(query_parameters(VoucherFilters))],
) -> ListEnvelope[VoucherOut]:
    """The store's vouchers, newest first, with their products, uses left, `state` on the clock and a `summary`
    in Indonesian. `meta.total` counts the matching vouchers. Deleted vouchers are not listed."""
    items, result, total = await service.list(page, status=filters.status, state=filters.state, q=filters.q)
    return ListEnvelope.page(items, result.next_cursor, total)


@router.post("", status_code=status.HTTP_201_CREATED, summary="Voucher", responses=_CODE_TAKEN)
async def create_voucher(body: VoucherIn, service: Writer) -> Envelope[VoucherOut]:
    """Creates an active voucher. Owners and admins.

    - `code`: 3–32 letters, digits, `-`, `_`; unique in the store regardless of case (409 `voucher_code_taken`).
    - `kind` `percentage` (`value` 1–100, optional cap `max_discount`) or `fixed` (`value` in rupiah, no cap).
    - `target` `product` (off the goods the voucher applies to) or `shipping` (off the shipping cost).
    - `min_purchase` is compared with the subtotal of the products the voucher applies to.
    - `starts_at` / `ends_at`: with a time zone, start before end; `ends_at` is exclusive.
    - `quota_total` (1–1,000,000) and `quota_per_buyer` (1–1,000 per buyer phone, not above the total); null:
      unlimited.
    - `product_ids`: the store's products (not deleted), no repeats, at most 200; empty: every product. An unknown
      id is a 422 naming `product_ids.<index>`."""
    return Envelope(data=await service.create(body))


@router.get("/{voucher_id:int}", summary="Voucher Detail")
async def get_voucher(voucher_id: VoucherId, service: Reader) -> Envelope[VoucherOut]:
    """One voucher of the store. Another store's (or a deleted) voucher answers 404."""
    return Envelope(data=await service.get(voucher_id))


@router.put("/{voucher_id:int}", summary="Edit Voucher", responses=_CODE_TAKEN)
async def update_voucher(voucher_id: VoucherId, body: VoucherIn, service: Writer) -> Envelope[VoucherOut]:
    """Replaces the whole voucher, with the rules of Voucher (create): fields left out take their defaults, the
    status has its own route. `quota_total` cannot go below the uses already made (422)."""
    return Envelope(data=await service.update(voucher_id, body))


@router.patch("/{voucher_id:int}/status", summary="Edit Voucher Status")
async def set_voucher_status(voucher_id: VoucherId, body: VoucherStatusIn, service: Writer) -> Envelope[VoucherOut]:
    """`inactive` vouchers are refused at checkout (`voucher_inactive`) and not listed there, until made `active`
    again."""
    return Envelope(data=await service.set_status(voucher_id, body.status))


@router.delete("/{voucher_id:int}", summary="Delete Voucher")
async def delete_voucher(voucher_id: VoucherId, service: Writer) -> Envelope[VoucherDeletedOut]:
    """Erases a voucher no order used. A used voucher is archived instead: hidden everywhere, inactive, its code
    free for a new voucher, and kept for the orders that used it (`archived: true`)."""
    return Envelope(data=await service.delete(voucher_id))
