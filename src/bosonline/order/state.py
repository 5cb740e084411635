"""The order status machine: the one table of allowed transitions, and what each move does to stock.

    draft ─> pending ─> confirmed ─> in_process ─> ready ─> shipped ─> completed ─> closed
                └──────────┴─────────────┴───────────┴──> canceled       └─> rts ─> closed

A CS may skip forward through the preparation steps (a confirmed order that is packed at once goes straight to
`ready` or `shipped`), never backwards: stock and money follow the status, and undoing a shipment is `rts`.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal, get_args

from bosonline.errors import Conflict
from bosonline.order.errors import OrderError

OrderStatus = Literal[
    "draft",
    "pending",
    "confirmed",
    "in_process",
    "ready",
    "shipped",
    "completed",
    "canceled",
    "rts",
    "closed",
]
STATUSES: tuple[str, ...] = get_args(OrderStatus)

TRANSITIONS: dict[str, tuple[str, ...]] = {
    "draft": ("pending", "canceled"),
    "pending": ("confirmed", "in_process", "ready", "shipped", "canceled"),
    "confirmed": ("in_process", "ready", "shipped", "canceled"),
    "in_process": ("ready", "shipped", "canceled"),
    "ready": ("shipped", "canceled"),
    "shipped": ("completed", "rts"),
    "completed": ("closed",),
    "rts": ("closed",),
    "canceled": (),
    "closed": (),
}

# Statuses whose order still holds reserved stock (placed, not yet shipped or canceled).
HOLDS_STOCK = frozenset({"pending", "confirmed", "in_process", "ready"})
# Statuses after which items, prices and the buyer's address are history: no more edits of them.
PAST_SHIPPING = frozenset({"shipped", "completed", "rts", "closed"})
FINAL = frozenset({"canceled", "closed"})


class StockEffect(StrEnum):
    none = "none"
    release = "release"  # reserved −= qty (the units go back on sale)
    ship = "ship"  # on_hand −= qty, reserved −= qty (the units left the warehouse)
    restock = "restock"  # on_hand += qty (a returned parcel is back in the warehouse)


def allowed_next(status: str) -> tuple[str, ...]:
    return TRANSITIONS.get(status, ())


def check_transition(current: str, target: str) -> None:
    """409 `invalid_transition` naming the allowed next statuses, unless `current → target` is in the table."""
    if target not in TRANSITIONS:
        raise Conflict(f"Unknown status {target!r}", code=OrderError.invalid_transition)
    if target not in allowed_next(current):
        nexts = allowed_next(current)
        allowed = ", ".join(nexts) if nexts else "none (final status)"
        raise Conflict(
            f"An order cannot go from {current} to {target}; allowed next: {allowed}",
            code=OrderError.invalid_transition,
            fields={"status": f"allowed next from {current}: {allowed}"},
        )


def stock_effect(current: str, target: str) -> StockEffect:
    if current in HOLDS_STOCK and target == "canceled":
        return StockEffect.release
    if current in HOLDS_STOCK and target == "shipped":
        return StockEffect.ship
    if current == "shipped" and target == "rts":
        return StockEffect.restock
    return StockEffect.none
