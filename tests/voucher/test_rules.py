"""The pure rules checkout applies: discounts, caps, bases, minimums, eligibility, the clock, and the summary."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bosonline.models import Voucher
from bosonline.voucher.rules import (
    CartLine,
    VoucherRefused,
    discount_for,
    eligible_subtotal,
    quoted_discount,
    remaining,
    state_of,
    summary_of,
)

NOW = datetime(2026, 11, 21, 3, 0, tzinfo=UTC)
KAOS, KOPI, MADU = 11, 22, 33
CART = [CartLine(KAOS, 120_000), CartLine(KOPI, 60_000)]


def terms(**fields: Any) -> Voucher:
    values: dict[str, Any] = {
        "kind": "percentage",
        "target": "product",
        "value": 10,
        "max_discount": None,
        "min_purchase": 0,
        "starts_at": None,
        "ends_at": None,
        "quota_total": None,
        "used_count": 0,
        "status": "active",
    }
    values.update(fields)
    return Voucher(**values)


def refusal(voucher: Voucher, lines: list[CartLine] = CART, products: set[int] | None = None, **kw: Any) -> str:
    with pytest.raises(VoucherRefused) as caught:
        quoted_discount(voucher, products or set(), lines, kw.get("shipping_cost"), kw.get("now", NOW))
    error = caught.value
    assert error.code == f"voucher_{error.reason}" and error.status_code == 422
    assert error.fields == {"voucher_code": error.message}
    return error.reason


def test_percentage_rounds_down_and_is_capped() -> None:
    assert discount_for(terms(value=10), 123_459) == 12_345  # floor
    assert discount_for(terms(value=10, max_discount=20_000), 180_000) == 18_000  # under the cap
    assert discount_for(terms(value=10, max_discount=20_000), 500_000) == 20_000  # capped
    assert discount_for(terms(value=100), 75_000) == 75_000
    assert discount_for(terms(value=1), 99) == 0
    assert quoted_discount(terms(value=10, max_discount=15_000), set(), CART, None, NOW) == 15_000


def test_fixed_never_above_its_base() -> None:
    assert discount_for(terms(kind="fixed", value=25_000), 180_000) == 25_000
    assert discount_for(terms(kind="fixed", value=250_000), 180_000) == 180_000
    assert quoted_discount(terms(kind="fixed", value=500_000), {KOPI}, CART, None, NOW) == 60_000
    assert discount_for(terms(kind="fixed", value=5_000), 0) == 0


def test_shipping_voucher_discounts_the_shipping_cost() -> None:
    ongkir = terms(kind="fixed", target="shipping", value=10_000)
    assert quoted_discount(ongkir, set(), CART, None, NOW) == 0  # courier not chosen yet: valid, 0 for now
    assert quoted_discount(ongkir, set(), CART, 18_000, NOW) == 10_000
    assert quoted_discount(ongkir, set(), CART, 9_000, NOW) == 9_000  # never above the cost
    assert quoted_discount(ongkir, set(), CART, 0, NOW) == 0
    half = terms(kind="percentage", target="shipping", value=50, max_discount=7_000)
    assert quoted_discount(half, set(), CART, 11_001, NOW) == 5_500
    assert quoted_discount(half, set(), CART, 30_000, NOW) == 7_000
    # the goods are not its base: a big cart does not raise a shipping discount
    assert quoted_discount(terms(target="shipping", value=100), set(), CART, 12_000, NOW) == 12_000


def test_min_purchase_counts_only_the_eligible_subtotal() -> None:
    kopi_only = terms(kind="fixed", value=5_000, min_purchase=100_000)
    # the cart is Rp180.000, but only Rp60.000 of it is kopi
    assert refusal(kopi_only, products={KOPI}) == "below_minimum"
    with pytest.raises(VoucherRefused) as caught:
        quoted_discount(kopi_only, {KOPI}, CART, None, NOW)
    assert "Rp100.000" in caught.value.message and "Rp60.000" in caught.value.message
    assert quoted_discount(kopi_only, {KAOS}, CART, None, NOW) == 5_000
    assert quoted_discount(kopi_only, set(), CART, None, NOW) == 5_000  # all products: Rp180.000
    exactly = terms(kind="fixed", value=5_000, min_purchase=60_000)
    assert quoted_discount(exactly, {KOPI}, CART, None, NOW) == 5_000  # the minimum itself is enough


def test_percentage_base_is_the_eligible_subtotal() -> None:
    assert quoted_discount(terms(value=10), {KOPI}, CART, None, NOW) == 6_000
    assert quoted_discount(terms(value=10), {KOPI, KAOS, MADU}, CART, None, NOW) == 18_000
    assert eligible_subtotal(CART, set()) == 180_000
    assert eligible_subtotal(CART, {MADU}) == 0
    lines = [CartLine(KOPI, 10_000), CartLine(KOPI, 15_000), CartLine(KAOS, 1)]
    assert eligible_subtotal(lines, {KOPI}) == 25_000


def test_not_for_products() -> None:
    assert refusal(terms(), products={MADU}) == "not_for_products"
    assert refusal(terms(), lines=[]) == "not_for_products"
    # a shipping voucher limited to products also needs one of them in the cart
    assert refusal(terms(target="shipping"), products={MADU}, shipping_cost=10_000) == "not_for_products"


def test_window_edges() -> None:
    start, end = NOW, NOW + timedelta(days=7)
    voucher = terms(starts_at=start, ends_at=end)
    assert refusal(voucher, now=start - timedelta(microseconds=1)) == "not_started"
    assert quoted_discount(voucher, set(), CART, None, start) == 18_000  # exactly starts_at: usable
    assert quoted_discount(voucher, set(), CART, None, end - timedelta(microseconds=1)) == 18_000
    assert refusal(voucher, now=end) == "expired"  # exactly ends_at: over
    assert state_of(voucher, start - timedelta(seconds=1)) == "scheduled"
    assert state_of(voucher, start) == "running"
    assert state_of(voucher, end) == "expired"


def test_status_and_quota() -> None:
    assert refusal(terms(status="inactive")) == "inactive"
    assert refusal(terms(quota_total=5, used_count=5)) == "exhausted"
    assert quoted_discount(terms(quota_total=5, used_count=4), set(), CART, None, NOW) == 18_000
    # inactive is said first; then the window; then the quota
    assert refusal(terms(status="inactive", quota_total=1, used_count=1)) == "inactive"
    assert refusal(terms(ends_at=NOW, quota_total=1, used_count=1)) == "expired"
    assert state_of(terms(ends_at=NOW, quota_total=1, used_count=1), NOW) == "expired"
    assert state_of(terms(quota_total=1, used_count=1), NOW) == "exhausted"
    assert remaining(terms(quota_total=5, used_count=2)) == 3
    assert remaining(terms(quota_total=5, used_count=7)) == 0
    assert remaining(terms()) is None


def test_unknown_refusal_reason_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        VoucherRefused("because")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"value": 10, "max_discount": 20_000, "min_purchase": 100_000},
            "Diskon 10% maks. Rp20.000, min. belanja Rp100.000",
        ),
        ({"value": 15}, "Diskon 15%"),
        ({"kind": "fixed", "value": 25_000}, "Potongan Rp25.000"),
        ({"kind": "fixed", "target": "shipping", "value": 10_000}, "Potongan ongkir Rp10.000"),
        ({"target": "shipping", "value": 50, "min_purchase": 50_000}, "Diskon ongkir 50%, min. belanja Rp50.000"),
        ({"target": "shipping", "value": 100, "max_discount": 15_000}, "Gratis ongkir maks. Rp15.000"),
    ],
)
def test_summary_in_indonesian(fields: dict[str, Any], expected: str) -> None:
    assert summary_of(terms(**fields)) == expected
