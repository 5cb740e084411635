"""Error codes of inventory: stock and reservations."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class InventoryError(ErrorCode):
    insufficient_stock = "insufficient_stock", 409, "Some lines ask for more than is available; nothing was changed"
    reservation_mismatch = "reservation_mismatch", 409, "Fewer units are reserved than the order gives back or ships"
