"""What the public checkout calls: quote a buyer's voucher code on a cart, redeem it inside the order's transaction,
and list the vouchers a checkout page shows.

    quote = await quote_voucher(session, store_id, code, lines, shipping_cost, phone, now)  # VoucherRefused (422)
    ... create the order row (product_discount / shipping_discount from quote.discount) and flush ...
    await redeem_voucher(session, store_id, quote, order_id=order.id, phone=phone, now=now)  # VoucherRefused

`redeem_voucher` counts the use with one conditional UPDATE and records a VoucherRedemption; when it raises, the
caller's transaction must be rolled back (the order is not placed). Quotas hold under any concurrency.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.models import VoucherRedemption
from bosonline.voucher.repository import VoucherRepository
from bosonline.voucher.rules import (
    CartLine,
    VoucherQuote,
    VoucherRefused,
    availability_refusal,
    quoted_discount,
    summary_of,
)
from bosonline.voucher.schemas import CheckoutVoucherOut

__all__ = [
    "CartLine",
    "CheckoutVoucherOut",
    "VoucherQuote",
    "VoucherRefused",
    "checkout_vouchers",
    "claim_voucher",
    "quote_voucher",
    "redeem_voucher",
]

_CODE = re.compile(r"[A-Za-z0-9_-]{3,32}")


async def quote_voucher(
    session: AsyncSession,
    store_id: int,
    code: str,
    lines: Sequence[CartLine],
    shipping_cost: int | None,
    phone: str | None,
    now: datetime,
) -> VoucherQuote:
    """The discount the store's voucher `code` (any case) gives this cart, or VoucherRefused naming why not.
    `shipping_cost` None (courier not chosen yet): a shipping voucher is valid with discount 0. `phone` (E.164
    digits) given: the per-buyer quota is checked too. One query."""
    code = code.strip()
    if not _CODE.fullmatch(code):
        raise VoucherRefused("not_found")
    found = await VoucherRepository(session, store_id).for_quote(code.upper(), phone)
    if found is None:
        raise VoucherRefused("not_found")
    voucher, product_ids, uses = found
    refusal = availability_refusal(voucher, now)
    if refusal is not None:
        raise refusal
    discount = quoted_discount(voucher, set(product_ids), lines, shipping_cost, now)
    limit = voucher.quota_per_buyer
    if phone is not None and limit is not None and uses >= limit:
        raise VoucherRefused("buyer_limit_reached")
    return VoucherQuote(
        voucher_id=voucher.id,
        code=voucher.code,
        target=voucher.target,
        discount=discount,
        summary=summary_of(voucher),
    )


async def redeem_voucher(
    session: AsyncSession, store_id: int, quote: VoucherQuote, *, order_id: int, phone: str, now: datetime
) -> None:
    """Counts one use of the quoted voucher for the order (already flushed) of buyer `phone`, inside the caller's
    transaction, and records it. Raises VoucherRefused (`exhausted`, `inactive`, `not_found`, `not_started`,
    `expired`, `buyer_limit_reached`) when the voucher can no longer be used: roll the transaction back then.

    The conditional UPDATE takes the voucher's row lock and keeps it until commit, so the per-buyer count that
    follows it sees every committed use by that phone (READ COMMITTED reads a fresh snapshot per statement) and
    no concurrent checkout can count past either quota."""
    repo = VoucherRepository(session, store_id)
    quota_per_buyer = await claim_voucher(session, store_id, quote, now)
    if quota_per_buyer is not None and await repo.redemptions_by(quote.voucher_id, phone) >= quota_per_buyer:
        raise VoucherRefused("buyer_limit_reached")
    await repo.add_redemption(
        VoucherRedemption(
            voucher_id=quote.voucher_id, order_id=order_id, phone=phone, discount=quote.discount, created_at=now
        )
    )


async def claim_voucher(session: AsyncSession, store_id: int, quote: VoucherQuote, now: datetime) -> int | None:
    """Counts one use of the quoted voucher (its row lock held until commit) and returns its per-buyer quota, or
    raises VoucherRefused when it can no longer be used (roll back then). The caller counts the buyer's uses in a
    later statement (a fresh snapshot, taken after the lock) and records the redemption."""
    claimed = await VoucherRepository(session, store_id).claim_use(quote.voucher_id, now)
    if claimed is None:
        raise await _why_unusable(session, store_id, quote.voucher_id, now)
    quota: int | None = claimed[0]
    return quota


async def _why_unusable(session: AsyncSession, store_id: int, voucher_id: int, now: datetime) -> VoucherRefused:
    voucher = await VoucherRepository(session, store_id).fresh(voucher_id)
    if voucher is None:
        return VoucherRefused("not_found")
    return availability_refusal(voucher, now) or VoucherRefused("exhausted")


async def checkout_vouchers(
    session: AsyncSession, store_id: int, product_ids: Collection[int], now: datetime
) -> list[CheckoutVoucherOut]:
    """The vouchers a checkout page selling `product_ids` lists: shown on checkout, active, in their window, not
    used up, and for every product or for at least one of these. One query."""
    vouchers = await VoucherRepository(session, store_id).on_checkout(product_ids, now)
    return [CheckoutVoucherOut.of(voucher) for voucher in vouchers]
