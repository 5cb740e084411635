"""Wire shapes of /store/voucher and of the vouchers a checkout page lists."""

from __future__ import annotations

import operator
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, ValidationInfo, field_validator

from bosonline.kit.fields import MAX_PRICE, Moment, RecordIds, Rupiah, ShortText
from bosonline.kit.schemas import DeletedOut, RowOut, StrictBody, from_row
from bosonline.models import Voucher
from bosonline.voucher.rules import VoucherState, remaining, state_of, summary_of

MAX_VOUCHER_PRODUCTS = 200
MAX_QUOTA_TOTAL = 1_000_000
MAX_QUOTA_PER_BUYER = 1_000
CODE_PATTERN = r"^[A-Za-z0-9_-]{3,32}$"

VoucherKind = Literal["percentage", "fixed"]
VoucherTarget = Literal["product", "shipping"]
VoucherStatus = Literal["active", "inactive"]


VoucherCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=CODE_PATTERN),
    Field(
        description="3–32 letters, digits, `-` or `_`; unique in the store regardless of case.", examples=["HEMAT10"]
    ),
]


def _against(earlier: str, refused: Callable[[Any, Any], bool], message: str) -> Any:
    """A field validator comparing the field with `earlier` (declared before it, so validated first): when both
    are set and `refused(value, earlier_value)`, the 422 names the field with `message`."""

    def check(cls: type[BaseModel], value: Any, info: ValidationInfo) -> Any:
        other = info.data.get(earlier)
        if value is not None and other is not None and refused(value, other):
            raise ValueError(message)
        return value

    return classmethod(check)


class VoucherIn(StrictBody):
    """Voucher / Edit Voucher: the whole voucher (PUT replaces every field; left-out ones take their default)."""

    code: VoucherCode
    name: ShortText = Field(examples=["Diskon Gajian"])
    kind: VoucherKind = Field(description="`percentage` of the base, or a `fixed` amount in rupiah.")
    target: VoucherTarget = Field(description="`product`: off the goods; `shipping`: off the shipping cost.")
    value: int = Field(ge=1, le=MAX_PRICE, description="Percent (1–100) or whole rupiah (fixed).", examples=[10])
    max_discount: int | None = Field(
        None, ge=1, le=MAX_PRICE, description="Cap of a percentage voucher, rupiah; not allowed on fixed ones."
    )
    min_purchase: Rupiah = Field(0, description="Minimum subtotal of the products the voucher applies to.")
    starts_at: Moment | None = Field(None, description="Usable from (with a time zone); null: right away.")
    ends_at: Moment | None = Field(None, description="Usable until, exclusive (with a time zone); null: no end.")
    quota_total: int | None = Field(
        None, ge=1, le=MAX_QUOTA_TOTAL, description="Uses in total; null: unlimited. Not below `used_count`."
    )
    quota_per_buyer: int | None = Field(
        None, ge=1, le=MAX_QUOTA_PER_BUYER, description="Uses per buyer phone; null: unlimited."
    )
    show_on_checkout: bool = Field(False, description="List it on the public checkout page.")
    product_ids: RecordIds = Field(
        default_factory=list,
        max_length=MAX_VOUCHER_PRODUCTS,
        description=f"The store's products it applies to (0–{MAX_VOUCHER_PRODUCTS}); empty: every product.",
    )

    # Cross-field rules as field validators (a field sees the ones declared before it), so a 422 names the field.

    @field_validator("value")
    @classmethod
    def _percent(cls, value: int, info: ValidationInfo) -> int:
        if info.data.get("kind") == "percentage" and value > 100:
            raise ValueError("a percentage must be 1–100")
        return value

    @field_validator("max_discount")
    @classmethod
    def _cap_only_for_percentage(cls, value: int | None, info: ValidationInfo) -> int | None:
        if value is not None and info.data.get("kind") == "fixed":
            raise ValueError("only a percentage voucher has a cap")
        return value

    _after_start = field_validator("ends_at")(_against("starts_at", operator.le, "must be after starts_at"))
    _within_total = field_validator("quota_per_buyer")(
        _against("quota_total", operator.gt, "must not be above quota_total")
    )


class VoucherStatusIn(StrictBody):
    status: VoucherStatus


class VoucherOut(RowOut):
    id: int
    code: str = Field(description="As the seller wrote it.")
    name: str
    kind: VoucherKind
    target: VoucherTarget
    value: int
    max_discount: int | None
    min_purchase: int
    starts_at: datetime | None
    ends_at: datetime | None
    quota_total: int | None
    quota_per_buyer: int | None
    used_count: int
    remaining: int | None = Field(description="Uses left; null when unlimited.")
    show_on_checkout: bool
    status: VoucherStatus
    state: VoucherState = Field(description="From the clock: `scheduled`, `running`, `expired` or `exhausted`.")
    product_ids: list[int] = Field(description="Empty: every product of the store.")
    summary: str = Field(examples=["Diskon 10% maks. Rp20.000, min. belanja Rp100.000"])
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, voucher: Voucher, product_ids: list[int], now: datetime) -> VoucherOut:
        return from_row(
            cls,
            voucher,
            remaining=remaining(voucher),
            state=state_of(voucher, now),
            product_ids=product_ids,
            summary=summary_of(voucher),
        )


class VoucherDeletedOut(DeletedOut):
    archived: bool = Field(
        description="True when orders used the voucher: it is hidden everywhere and its code freed, but kept for "
        "them; false when it was erased."
    )


class CheckoutVoucherOut(RowOut):
    """A voucher as the public checkout page lists it."""

    code: str
    name: str
    kind: VoucherKind
    target: VoucherTarget
    value: int
    max_discount: int | None
    min_purchase: int
    ends_at: datetime | None
    summary: str

    @classmethod
    def of(cls, voucher: Voucher) -> CheckoutVoucherOut:
        return from_row(cls, voucher, summary=summary_of(voucher))
