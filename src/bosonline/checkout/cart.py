"""The buyer's cart and the small rules around it that do not touch the database: what a line costs, the fingerprint
of a checkout body, and the refusal that names what is out of stock."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from bosonline.checkout.errors import CheckoutError
from bosonline.checkout.repository import Offered
from bosonline.checkout.schemas import CheckoutIn
from bosonline.errors import Conflict
from bosonline.models import Form
from bosonline.order.presenters import line_label
from bosonline.shipping.rates import Rate
from bosonline.voucher.rules import CartLine


@dataclass(frozen=True)
class CartItem:
    offered: Offered
    quantity: int
    unit_price: int

    @property
    def subtotal(self) -> int:
        return self.unit_price * self.quantity


@dataclass(frozen=True)
class Cart:
    items: list[CartItem]

    @property
    def product_price(self) -> int:
        return sum(item.subtotal for item in self.items)

    @property
    def weight_g(self) -> int:
        return sum(item.offered.variant.weight_g * item.quantity for item in self.items)

    @property
    def voucher_lines(self) -> list[CartLine]:
        return [CartLine(product_id=item.offered.product.id, subtotal=item.subtotal) for item in self.items]


@dataclass(frozen=True)
class Shipping:
    rate: Rate | None
    rates: list[Rate]


class OutOfStock(Conflict):
    """409 `out_of_stock`, naming each line's variant and what is left of it."""

    code = CheckoutError.out_of_stock

    def __init__(self, short: dict[int, tuple[CartItem, int]], *, split: bool = False) -> None:
        names = ", ".join(variant_label(item.offered) for item, _ in short.values())
        if split:  # every line is in stock somewhere, but no one warehouse can ship them together
            message = f"{names} are in stock, but not all in one warehouse: order them separately"
            reasons = dict.fromkeys(short, "in stock, but not in the same warehouse as the other items")
        else:
            message = f"Not enough stock for {names}"
            reasons = {index: f"{left} left" for index, (_, left) in short.items()}
        super().__init__(
            message,
            fields={
                f"items.{index}.variant_id": f"{variant_label(item.offered)}: {reasons[index]}"
                for index, (item, _) in short.items()
            },
        )


def shown_stock(form: Form, available: int) -> int:
    """A variant's stock as the form's page tells buyers: the units left, or, when the form hides its stock, its
    `max_quantity` while any is left (the page still needs a cap and "out of stock")."""
    units = max(available, 0)
    if form.show_stock:
        return units
    return form.max_quantity if units else 0


def variant_label(offered: Offered) -> str:
    return line_label(offered.product.name, offered.variant.name)


def request_hash(body: CheckoutIn) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
