"""The rules of a voucher, as pure functions: its state on the clock, which cart lines it applies to, the discount
it gives, why it is refused, and the sentence that describes it. No I/O here: checkout.py reads and writes the
rows, these functions decide."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from bosonline.errors import ValidationFailed
from bosonline.kit.lokal_id import format_rupiah
from bosonline.voucher.errors import VoucherError

VoucherState = Literal["scheduled", "running", "expired", "exhausted"]
STATES: tuple[VoucherState, ...] = ("scheduled", "running", "expired", "exhausted")

REFUSALS: dict[str, str] = {
    "not_found": "This voucher code does not exist in this store",
    "inactive": "This voucher is not active",
    "not_started": "This voucher cannot be used yet",
    "expired": "This voucher has expired",
    "exhausted": "This voucher has been used up",
    "below_minimum": "The purchase is below the voucher's minimum",
    "not_for_products": "This voucher does not apply to the products in the cart",
    "buyer_limit_reached": "You have already used this voucher as many times as allowed",
}


@dataclass(frozen=True)
class CartLine:
    product_id: int
    subtotal: int  # unit price × quantity


@dataclass(frozen=True)
class VoucherQuote:
    voucher_id: int
    code: str  # as the seller wrote it
    target: str  # "product" | "shipping"
    discount: int  # rupiah, already capped; for shipping vouchers: of the given shipping_cost
    summary: str


class VoucherRefused(ValidationFailed):
    """422 `voucher_<reason>` with `fields={"voucher_code": why}`: the buyer's voucher cannot be used."""

    def __init__(self, reason: str, message: str | None = None) -> None:
        if reason not in REFUSALS:
            raise ValueError(f"unknown voucher refusal {reason!r}")
        self.reason = reason
        why = message or REFUSALS[reason]
        super().__init__(why, code=VoucherError(f"voucher_{reason}"), fields={"voucher_code": why})


class VoucherTerms(Protocol):
    """What the rules read of a voucher (a `models.Voucher` row has all of it)."""

    kind: str
    target: str
    value: int
    max_discount: int | None
    min_purchase: int
    starts_at: datetime | None
    ends_at: datetime | None
    quota_total: int | None
    used_count: int
    status: str


def state_of(voucher: VoucherTerms, now: datetime) -> VoucherState:
    """Where the voucher stands on the clock. Precedence: scheduled, expired, exhausted, running (the list's
    `state` filter in repository.py follows the same order)."""
    if voucher.starts_at is not None and now < voucher.starts_at:
        return "scheduled"
    if voucher.ends_at is not None and now >= voucher.ends_at:
        return "expired"
    if voucher.quota_total is not None and voucher.used_count >= voucher.quota_total:
        return "exhausted"
    return "running"


def remaining(voucher: VoucherTerms) -> int | None:
    if voucher.quota_total is None:
        return None
    return max(0, voucher.quota_total - voucher.used_count)


def availability_refusal(voucher: VoucherTerms, now: datetime) -> VoucherRefused | None:
    """Why the voucher cannot be used at all right now (status, window, quota), or None."""
    if voucher.status != "active":
        return VoucherRefused("inactive")
    state = state_of(voucher, now)
    if state == "scheduled":
        return VoucherRefused("not_started")
    if state in ("expired", "exhausted"):
        return VoucherRefused(state)
    return None


def eligible_subtotal(lines: Sequence[CartLine], product_ids: Collection[int]) -> int:
    """Sum of the lines the voucher applies to: those of its products, or every line when it has none."""
    if not product_ids:
        return sum(line.subtotal for line in lines)
    return sum(line.subtotal for line in lines if line.product_id in product_ids)


def discount_for(voucher: VoucherTerms, base: int) -> int:
    """The discount on `base` rupiah: percentage rounded down then capped, fixed at most the base; never above
    the base, never negative."""
    if base <= 0:
        return 0
    if voucher.kind == "percentage":
        amount = base * voucher.value // 100
        if voucher.max_discount is not None:
            amount = min(amount, voucher.max_discount)
    else:
        amount = voucher.value
    return max(0, min(amount, base))


def quoted_discount(
    voucher: VoucherTerms,
    product_ids: Collection[int],
    lines: Sequence[CartLine],
    shipping_cost: int | None,
    now: datetime,
) -> int:
    """The discount the voucher gives this cart, or VoucherRefused (everything but the per-buyer quota, which
    needs the database). `shipping_cost` None: no courier chosen yet, a shipping voucher is valid and gives 0."""
    refusal = availability_refusal(voucher, now)
    if refusal is not None:
        raise refusal
    eligible = eligible_subtotal(lines, product_ids)
    if eligible <= 0:
        raise VoucherRefused("not_for_products")
    if eligible < voucher.min_purchase:
        scope = "on the voucher's products " if product_ids else ""
        raise VoucherRefused(
            "below_minimum",
            f"This voucher needs a purchase of at least {format_rupiah(voucher.min_purchase)} {scope}"
            f"(this cart: {format_rupiah(eligible)})",
        )
    if voucher.target == "shipping":
        return discount_for(voucher, shipping_cost or 0)
    return discount_for(voucher, eligible)


def summary_of(voucher: VoucherTerms) -> str:
    """The voucher in one Indonesian phrase, as sellers and buyers read it: "Diskon 10% maks. Rp20.000, min. belanja
    Rp100.000", "Potongan ongkir Rp10.000", "Gratis ongkir maks. Rp15.000"."""
    shipping = voucher.target == "shipping"
    if voucher.kind == "percentage":
        if shipping and voucher.value == 100:
            text = "Gratis ongkir"
        else:
            text = f"Diskon {'ongkir ' if shipping else ''}{voucher.value}%"
        if voucher.max_discount is not None:
            text += f" maks. {format_rupiah(voucher.max_discount)}"
    else:
        text = f"Potongan {'ongkir ' if shipping else ''}{format_rupiah(voucher.value)}"
    if voucher.min_purchase > 0:
        text += f", min. belanja {format_rupiah(voucher.min_purchase)}"
    return text
