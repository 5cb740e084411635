"""The one description of an order's parts (order/presenters.py, order/schemas.py) stays one: every view's money is the
columns of pricing.MONEY_FIELDS in that order, and the buyer's and the printout's lines are the same shape."""

from __future__ import annotations

from bosonline.checkout.schemas import OrderLineOut as BuyerLineOut
from bosonline.order.invoice import InvoiceLine, InvoiceOrder
from bosonline.order.presenters import customer_phone, line_label
from bosonline.order.pricing import MONEY_FIELDS, Money, money_columns
from bosonline.order.schemas import MoneyOut, OrderItemOut, OrderMoneyOut


def test_every_money_shape_lists_the_money_columns_in_their_order() -> None:
    assert tuple(MoneyOut.model_fields) == MONEY_FIELDS
    detail = [name for name in OrderMoneyOut.model_fields if name in MONEY_FIELDS]
    assert tuple(detail) == MONEY_FIELDS
    assert InvoiceOrder.model_fields["money"].annotation is MoneyOut


def test_money_reads_a_priced_money_as_it_reads_an_order() -> None:
    money = Money(product_price=100_000, product_discount=10_000, shipping_cost=9_000, cod_fee=2_970, unique_code=7)
    assert MoneyOut.model_validate(money).model_dump() == money_columns(money)


def test_the_buyers_and_the_printouts_lines_are_one_shape() -> None:
    assert issubclass(BuyerLineOut, OrderItemOut)
    assert list(BuyerLineOut.model_fields) == list(OrderItemOut.model_fields)
    assert InvoiceLine is OrderItemOut


def test_labels_and_phones_as_sellers_read_them() -> None:
    assert line_label("Kaos Polos", "Merah / L") == "Kaos Polos (Merah / L)"
    assert line_label("Kaos Polos", "Kaos Polos") == "Kaos Polos"
    assert line_label("Kaos Polos", None) == "Kaos Polos"

    class Row:
        customer_phone = "6281234567890"

    assert customer_phone(Row()) == "081234567890"  # type: ignore[arg-type]
