"""Error codes of warehouse: warehouses of the seller account and of a store."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class WarehouseError(ErrorCode):
    warehouse_limit = "warehouse_limit", 409, "The account has as many warehouses as allowed"
    warehouse_has_stock = (
        "warehouse_has_stock",
        409,
        "The warehouse still holds stock (on hand or reserved): move or remove it first",
    )
    warehouse_used_by_orders = (
        "warehouse_used_by_orders",
        409,
        "Orders were shipped or reserved from this warehouse: it stays",
    )
