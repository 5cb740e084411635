"""The money formula of DESIGN.md §4, as pure functions over whole rupiah (no floats anywhere).

total = product_price − product_discount + shipping_cost − shipping_discount + cod_fee + other_fee − unique_code
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Protocol

# Unpaid bank transfers placed within this long keep their unique code out of new draws (checkout, order edits).
UNIQUE_CODE_LOOKBACK = timedelta(days=7)

PAYMENT_CATEGORY = {"bank_transfer": "bank_transfer", "cod": "cod", "qris": "epayment"}
# One label each, without an explanation in parentheses: texts put it in their own ("Total: Rp150.000 (COD)"), and
# the pages explain the method next to it ("Bayar tunai ke kurir saat paket tiba").
PAYMENT_LABEL = {"bank_transfer": "Transfer Bank", "cod": "COD", "qris": "QRIS"}


@dataclass(frozen=True)
class Money:
    product_price: int
    product_discount: int = 0
    shipping_cost: int = 0
    shipping_discount: int = 0
    cod_fee: int = 0
    other_fee: int = 0
    unique_code: int = 0

    @property
    def before_unique_code(self) -> int:
        return (
            self.product_price
            - self.product_discount
            + self.shipping_cost
            - self.shipping_discount
            + self.cod_fee
            + self.other_fee
        )

    @property
    def total(self) -> int:
        return self.before_unique_code - self.unique_code


MONEY_FIELDS = (
    "product_price",
    "product_discount",
    "shipping_cost",
    "shipping_discount",
    "cod_fee",
    "other_fee",
    "unique_code",
    "total",
)


def money_columns(order: Any) -> dict[str, int]:
    """An order's money columns as stored (its parts and its total), for every view of the order."""
    return {name: getattr(order, name) for name in MONEY_FIELDS}


def unit_price(price: int, wholesale_tiers: list[dict[str, int]], quantity: int) -> int:
    """The variant's price, or the price of the highest wholesale tier the quantity reaches."""
    best = price
    for tier in wholesale_tiers:
        if quantity >= tier["min_qty"] and tier["price"] < best:
            best = tier["price"]
    return best


def cod_fee(goods_and_shipping: int, fee_bps: int) -> int:
    """COD fee on goods + shipping after discounts, in basis points, rounded UP to the rupiah: the seller never
    collects less than the courier charges (3 % of Rp33.333 is Rp1.000, not Rp999,99)."""
    if goods_and_shipping <= 0 or fee_bps <= 0:
        return 0
    return -(-goods_and_shipping * fee_bps // 10_000)


def price_order(
    *,
    product_price: int,
    product_discount: int,
    shipping_cost: int,
    shipping_discount: int,
    payment_method: str | None,
    cod_fee_bps: int,
) -> Money:
    """Everything but the unique code (drawn only when a bank-transfer order is placed)."""
    product_discount = min(product_discount, product_price)
    shipping_discount = min(shipping_discount, shipping_cost)
    fee = 0
    if payment_method == "cod":
        fee = cod_fee(product_price - product_discount + shipping_cost - shipping_discount, cod_fee_bps)
    return Money(
        product_price=product_price,
        product_discount=product_discount,
        shipping_cost=shipping_cost,
        shipping_discount=shipping_discount,
        cod_fee=fee,
    )


def unique_code_range(amount: int, low: int, high: int) -> tuple[int, int] | None:
    """The codes a transfer of `amount` may get: [low, high], never taking the total below Rp1; None when none."""
    high = min(high, amount - 1)
    return (low, high) if high >= low else None


def draw_unique_code(amount: int, low: int, high: int, taken: Collection[int]) -> int:
    """A code in [low, high] that no other open transfer of the same amount uses, so that a transfer of
    `amount − code` points at one order. The code never takes the total below Rp1. 0 when nothing fits.
    (Checkout draws the same way in SQL: customer_repository.unique_code_draw.)"""
    codes = unique_code_range(amount, low, high)
    if codes is None:
        return 0
    low, high = codes
    free = [code for code in range(low, high + 1) if code not in taken]
    return secrets.choice(free) if free else secrets.randbelow(high - low + 1) + low


class CostedLine(Protocol):
    unit_cost: int | None
    quantity: int


def frozen_cost(lines: Sequence[CostedLine]) -> int | None:
    """An order's cost of goods: its lines' frozen unit costs times their quantities, or None when a line's cost is
    unknown (its variant had no COGS at checkout): a partial sum would overstate the profit."""
    if any(line.unit_cost is None for line in lines):
        return None
    return sum((line.unit_cost or 0) * line.quantity for line in lines)
