"""The total of an existing order after an edit: one function, `reprice`, that every edit calls once it has changed
the parts it owns (shipping cost and discount, other fee, payment method).

It keeps DESIGN.md §4's formula (`order.pricing.Money`) true on the order:

- `cod_fee`: COD orders only, the store's `cod_fee_bps` of what the courier collects before its own fee — goods and
  shipping after discounts plus the other fee (`order.pricing.cod_fee`, rounded up). At checkout the other fee is
  0, so this is the checkout's fee; an extra fee raises it and a discount lowers it, as the courier's charge would.
- `unique_code`: bank transfers only. Kept while it still singles the transfer out (no other open transfer of the
  store, placed within the checkout's look-back, waits for the same amount with the same code, and it leaves the
  total at least Rp1); else redrawn like checkout does (`draw_unique_code`), when the store enables codes. Other
  methods: 0. `redraw=True` draws a new one whatever (a change of payment method to bank transfer).
- `qris_payload`: QRIS orders get a new dynamic payload carrying the new total; other methods none.
- `total`: the formula; never below 0 (a discount larger than the rest of the order is refused with a 422).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.errors import Conflict, ValidationFailed
from bosonline.models import Order, StoreSettings
from bosonline.order.customer_repository import CustomerRepository, lock_unique_codes
from bosonline.order.errors import OrderError
from bosonline.order.pricing import UNIQUE_CODE_LOOKBACK, Money, cod_fee, draw_unique_code
from bosonline.payment.qris import MAX_QRIS_AMOUNT, dynamic_qris


def goods_and_shipping(order: Order) -> Money:
    """The order's goods and shipping after discounts (no fees, no code): `.before_unique_code` is their sum."""
    return Money(
        product_price=order.product_price,
        product_discount=order.product_discount,
        shipping_cost=order.shipping_cost,
        shipping_discount=order.shipping_discount,
    )


def money_of(order: Order, cod_fee_bps: int) -> Money:
    """The order's parts as they are now, with the COD fee as the payment method asks (unique code untouched)."""
    collected = replace(goods_and_shipping(order), other_fee=order.other_fee)  # what a COD courier collects
    fee = cod_fee(collected.before_unique_code, cod_fee_bps) if order.payment_method == "cod" else 0
    code = order.unique_code if order.payment_method == "bank_transfer" else 0
    return replace(collected, cod_fee=fee, unique_code=code)


async def reprice(
    session: AsyncSession, order: Order, settings: StoreSettings, now: datetime, *, redraw: bool = False
) -> Money:
    """Recomputes `cod_fee`, `unique_code`, `total` and `qris_payload` of the (locked) order from its parts, writes
    them on it and returns the money. 422 when the total would go below 0; 409 `qris_unavailable` when a QRIS
    order's store no longer has a QRIS code."""
    money = money_of(order, settings.cod_fee_bps)
    if money.before_unique_code < 0:
        raise ValidationFailed(
            "The order's discounts would be larger than the rest of it",
            code=OrderError.total_below_zero,
            fields={"total": f"would be Rp{money.before_unique_code:,}"},
        )
    if order.payment_method == "bank_transfer":
        code = await _unique_code(session, order, settings, money, now, redraw=redraw)
        money = replace(money, unique_code=code)
    order.cod_fee = money.cod_fee
    order.unique_code = money.unique_code
    order.total = money.total
    order.qris_payload = _qris(order, settings, money.total) if order.payment_method == "qris" else None
    return money


async def _unique_code(
    session: AsyncSession, order: Order, settings: StoreSettings, money: Money, now: datetime, *, redraw: bool
) -> int:
    amount, code = money.before_unique_code, money.unique_code
    if not settings.unique_code_enabled:  # codes switched off since: keep one the buyer may know, draw none
        return code if not redraw and 0 < code < amount else 0
    # Under the lock checkout draws its codes under: a checkout of the same amount cannot take this code meanwhile.
    await lock_unique_codes(session, order.store_id, amount)
    taken = await CustomerRepository(session).taken_unique_codes(
        order.store_id, amount, now - UNIQUE_CODE_LOOKBACK, except_order_id=order.id
    )
    if not redraw and 0 < code < amount and code not in taken:
        return code
    return draw_unique_code(amount, settings.unique_code_min, settings.unique_code_max, taken)


def _qris(order: Order, settings: StoreSettings, total: int) -> str:
    if not settings.qris_payload:
        raise Conflict(
            "This store has no QRIS code any more: change the order's payment method first",
            code=OrderError.qris_unavailable,
        )
    if not 1 <= total <= MAX_QRIS_AMOUNT:
        raise ValidationFailed(
            f"A QRIS payment must be Rp1–Rp{MAX_QRIS_AMOUNT:,}",
            fields={"payment_method": "QRIS cannot carry this total"},
        )
    try:
        return dynamic_qris(settings.qris_payload, total)
    except ValueError as exc:  # the saved payload was checked when saved; a later lokal may disagree
        raise Conflict(f"The store's QRIS code cannot be used: {exc}", code=OrderError.qris_unavailable) from exc
