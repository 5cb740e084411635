"""HTTP routes of order status changes: one order, or many at once (seed items Update Order Status, Bulk Update
Order Status). Registered before `/store/order/{order_id}` so that `/store/order/status` is not read as an id."""

from __future__ import annotations

from typing import Annotated

from bosonline.deps import store_service
from bosonline.errors import error_responses
from bosonline.inventory.errors import InventoryError
from bosonline.kit.schemas import Envelope
from bosonline.order.errors import OrderError
from bosonline.order.fields import OrderId
from bosonline.order.schemas import OrderDetailOut
from bosonline.order.status_schemas import BulkStatusChangeIn, BulkStatusOut, StatusChangeIn
from bosonline.order.status_service import OrderStatusService
from bosonline.permissions import Permission
from bosonline.routing import api_router

router = api_router(prefix="/store/order", tags=["Order"])

Changer = Annotated[OrderStatusService, store_service(OrderStatusService, Permission.orders_write)]


@router.patch("/status", summary="Bulk Update Order Status")
async def change_statuses(body: BulkStatusChangeIn, service: Changer) -> Envelope[BulkStatusOut]:
    """Moves up to 500 orders to one status. Each id is handled on its own and answered in `results`
    (200 even when some fail): an id of another store or not visible to this CS is `not_found`, a move the status
    table does not allow is `invalid_transition`, stock that does not match the order is `reservation_mismatch`;
    every other order is changed, with the same stock and voucher effects as a single change."""
    return Envelope(data=await service.change_many(body))


@router.patch(
    "/{order_id}/status",
    summary="Update Order Status",
    responses=error_responses(
        OrderError.invalid_transition, InventoryError.insufficient_stock, InventoryError.reservation_mismatch
    ),
)
async def change_status(order_id: OrderId, body: StatusChangeIn, service: Changer) -> Envelope[OrderDetailOut]:
    """Moves the order to one of its allowed next statuses (`allowed_next_statuses` of the detail; anything else,
    the same status included, is a 409 `invalid_transition` naming them). In the same transaction: canceling a
    placed order releases its reserved stock and gives back its voucher use, `shipped` takes the units out of
    the warehouse, `rts` puts them back on hand. The change is in the order's timeline (who, from, to, note).
    Answers the order's detail."""
    return Envelope(data=await service.change(order_id, body))
