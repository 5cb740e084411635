"""Detail Order."""

from __future__ import annotations

from typing import Annotated

from bosonline.deps import store_service
from bosonline.kit.schemas import Envelope
from bosonline.order.detail_service import OrderDetails
from bosonline.order.fields import OrderId
from bosonline.order.schemas import OrderDetailOut
from bosonline.permissions import Permission
from bosonline.routing import api_router

router = api_router(prefix="/store/order", tags=["Order"])

Details = Annotated[OrderDetails, store_service(OrderDetails, Permission.orders_read)]


@router.get("/{order_id}", summary="Detail Order")
async def order_detail(order_id: OrderId, details: Details) -> Envelope[OrderDetailOut]:
    """The order with its buyer, lines, money breakdown, payment (method, bank account, confirmations), shipment
    (courier, AWB, tracking), handler (CS) and timeline. A CS sees only the orders assigned to them unless the
    store lets CS see every order (`cs_sees_all_orders` in the store settings); others answer 404."""
    return Envelope(data=await details.get(order_id))
