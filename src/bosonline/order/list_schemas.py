"""Wire shapes of Order List, Recap Order List and Download Order List: one filter model shared by the three (the
list and the recap read it from the query string, the download from its body), and the answers."""

from __future__ import annotations

import types
from datetime import date, datetime
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias, Union, get_args, get_origin

from pydantic import BaseModel, Field, StringConstraints, TypeAdapter, ValidationInfo, field_validator
from typing_extensions import TypedDict

from bosonline.kit.export import ExportFormat
from bosonline.kit.fields import DAY_2000_2999_PATTERN, SINGLE_LINE, RecordId, declared
from bosonline.kit.schemas import ListEnvelope, StrictBody
from bosonline.order.state import STATUSES, OrderStatus
from bosonline.shipping.couriers import COURIERS

PaymentStatus = Literal["unpaid", "paid", "conflict", "settled"]
PAYMENT_STATUSES: tuple[str, ...] = get_args(PaymentStatus)
if TYPE_CHECKING:
    CourierCode: TypeAlias = str  # one of COURIERS: a Literal built at run time, which type checkers cannot read
else:
    CourierCode = Literal[tuple(COURIERS)]  # the codes shipping knows
PAYMENT_METHOD_PATTERN = r"^[a-z][a-z0-9_]{1,23}$"
PaymentMethodCode = Annotated[
    str,
    StringConstraints(strip_whitespace=True, pattern=PAYMENT_METHOD_PATTERN),
    Field(description="`bank_transfer`, `cod`, `qris`, … (lowercase code)."),
]
Sku = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=64), SINGLE_LINE]
SearchText = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
    SINGLE_LINE,
    Field(
        description="Order number or buyer name (contains, any case), or the buyer's phone: a number typed as "
        "08…, 62… or +62… (6 digits or more) finds the buyers whose number starts with it, other digits are "
        "looked for anywhere in the number."
    ),
]
Day = Annotated[
    date,
    Field(
        ge=date(2000, 1, 1),
        le=date(2999, 12, 31),
        description="YYYY-MM-DD, 2000–2999.",
        json_schema_extra=declared(DAY_2000_2999_PATTERN),
    ),
]
HandlerFilter = Annotated[int, Field(ge=0, le=2**53, description="Store member id of the handler (CS); 0: none.")]
MAX_STATUS_VALUES = len(STATUSES)


class OrderFilterIn(BaseModel):
    """The filters of the order list, its recap and its download (all optional, all combined with AND).

    Dates are days in the store's time zone, both inclusive: an order placed at 23:30 WIB on 21 November is in
    `date_from=date_to=2026-11-21` for a store in Asia/Jakarta."""

    status: list[OrderStatus] | None = Field(
        None,
        max_length=MAX_STATUS_VALUES,
        description="One or several statuses: a comma list (`pending,confirmed`) or the parameter repeated.",
    )
    payment_status: PaymentStatus | None = None
    payment_method: PaymentMethodCode | None = None
    date_from: Day | None = Field(None, description="First day (store time zone) of the order's creation.")
    date_to: Day | None = Field(None, description="Last day (store time zone, inclusive).")
    handler_id: HandlerFilter | None = None
    courier: CourierCode | None = None
    product_id: RecordId | None = Field(None, description="Orders with a line of this product.")
    sku: Sku | None = Field(None, description="Orders with a line of this SKU (exact, any case).")
    form_id: RecordId | None = Field(None, description="Orders placed through this checkout form.")
    q: SearchText | None = None

    @field_validator("status", mode="before")
    @classmethod
    def _split_statuses(cls, value: Any) -> Any:
        """`"pending,confirmed"`, `["pending", "confirmed"]` or `["pending,confirmed"]` → one list, deduplicated
        (an empty selection is no filter). As the schema declares, each of up to MAX_STATUS_VALUES values names
        up to MAX_STATUS_VALUES statuses: repeats across values are merged, not refused."""
        if value is None:
            return None
        raw = [value] if isinstance(value, str) else value
        if not isinstance(raw, list) or len(raw) > MAX_STATUS_VALUES:
            raise ValueError(f"at most {MAX_STATUS_VALUES} statuses")
        parts: list[Any] = []
        for item in raw:
            if not isinstance(item, str) or len(item) > 200:
                raise ValueError("must be status names")
            named = [part.strip() for part in item.split(",") if part.strip()]
            if len(named) > MAX_STATUS_VALUES:
                raise ValueError(f"at most {MAX_STATUS_VALUES} statuses")
            parts.extend(named)
        return list(dict.fromkeys(parts)) or None

    @field_validator("date_to")
    @classmethod
    def _date_order(cls, value: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("date_from")
        if value is not None and start is not None and start > value:
            raise ValueError("must not be before date_from")
        return value

    @property
    def counter_compatible(self) -> bool:
        """True when every filter is one the recap counters key (status, payment status and method, handler,
        creation day): totals and recaps then sum counters instead of reading orders."""
        return (
            self.courier is None
            and self.product_id is None
            and self.sku is None
            and self.form_id is None
            and (self.q is None)
        )


class OrderDownloadIn(OrderFilterIn, StrictBody):
    format: ExportFormat = Field("csv", description="`csv` (UTF-8 with BOM) or `xlsx`.")

    def filters(self) -> OrderFilterIn:
        return OrderFilterIn.model_validate(self.model_dump(exclude={"format"}))


class OrderListCustomerOut(BaseModel):
    name: str
    phone: str = Field(description="08… form, as sellers dial it.")


class OrderListHandlerOut(BaseModel):
    id: int
    name: str


class OrderItemsSummaryOut(BaseModel):
    first: str = Field(description='The first line: "Kaos Polos (Merah / L)".')
    lines: int = Field(description="Number of lines of the order.")
    quantity: int = Field(description="Units over every line.")


class OrderListItemOut(BaseModel):
    id: int
    number: str
    status: str
    payment_status: str
    payment_method: str
    total: int
    customer: OrderListCustomerOut
    region_name: str
    courier: str | None
    courier_service: str | None
    awb: str | None
    handler: OrderListHandlerOut | None
    items: OrderItemsSummaryOut | None = Field(description="null only for an order without lines.")
    form_id: int | None
    created_at: datetime


class RecapAmountOut(BaseModel):
    orders: int
    total: int = Field(description="Sum of the orders' totals, rupiah.")


class RecapStatusOut(RecapAmountOut):
    status: str


class RecapPaymentStatusOut(RecapAmountOut):
    payment_status: str


class OrderRecapOut(BaseModel):
    overall: RecapAmountOut
    statuses: list[RecapStatusOut] = Field(description="Every status of the order machine, in its order, zeros too.")
    payment_statuses: list[RecapPaymentStatusOut] = Field(description="unpaid, paid, conflict, settled (zeros too).")
    source: Literal["counters", "orders"] = Field(
        description="`counters`: summed from the daily recap counters (filters on status, payment, handler and "
        "dates only); `orders`: aggregated over the matching orders (other filters)."
    )


# Order List's answer is written from plain dicts by a serializer of the same shape as its declared response model
# (ListEnvelope[OrderListItemOut], which the OpenAPI document shows): no model objects are built for a page, and
# pydantic's core writes the JSON bytes. The dict types are derived from the models' fields (nested models, lists
# and optionals followed), so the two cannot drift; tests/order/test_list.py checks that they write the same JSON.


def _twin_type(annotation: Any) -> Any:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return serialization_twin(annotation)
    origin = get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        return Union[tuple(_twin_type(arg) for arg in get_args(annotation))]  # noqa: UP007 (built at run time)
    if origin is list:
        return list[_twin_type(get_args(annotation)[0])]  # type: ignore[misc]
    return annotation


@cache
def serialization_twin(model: type[BaseModel]) -> Any:
    """A TypedDict with `model`'s fields and their types (nested models as their own twins): serialized from a
    dict with those keys, it writes the JSON the model writes (plain fields only: no aliases, no serializers)."""
    fields = {name: _twin_type(field.annotation) for name, field in model.model_fields.items()}
    return TypedDict(f"{model.__name__}Dict", fields)  # type: ignore[operator]


ORDER_LIST_MODEL = ListEnvelope[OrderListItemOut]
ORDER_LIST_JSON: TypeAdapter[Any] = TypeAdapter(serialization_twin(ORDER_LIST_MODEL))
