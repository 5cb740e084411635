"""Detail Order: one order with everything a CS needs, in a fixed number of queries (order, lines, events,
payments, tracking, handler, follow-ups, proof images when there are payments) whatever the number of lines or
events."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.kit.links import public_order_url
from bosonline.kit.phone import display_phone
from bosonline.kit.schemas import from_row
from bosonline.media.service import image_urls
from bosonline.models import (
    Image,
    Order,
    OrderEvent,
    OrderLine,
    OrderPayment,
    OrderTracking,
    StoreMember,
)
from bosonline.order.followups import order_followups
from bosonline.order.presenters import (
    bank_account_out,
    customer_out,
    money_out,
    payment_category,
    payment_label,
    shipment_out,
)
from bosonline.order.repository import OrderRepository
from bosonline.order.schemas import (
    OrderDetailOut,
    OrderEventOut,
    OrderFollowupsOut,
    OrderHandlerOut,
    OrderLineOut,
    OrderPaymentOut,
    OrderPaymentRecordOut,
    OrderVoucherOut,
)
from bosonline.order.state import allowed_next
from bosonline.runtime import Runtime
from bosonline.tenancy import StoreContext


class OrderDetails:
    def __init__(self, session: AsyncSession, runtime: Runtime, ctx: StoreContext) -> None:
        self.session = session
        self.rt = runtime
        self.repo = OrderRepository(session, ctx)

    async def get(self, order_id: int) -> OrderDetailOut:
        return await self.of(await self.repo.get(order_id))

    async def of(self, order: Order) -> OrderDetailOut:
        """The detail of an order already loaded (edits answer with it after changing the order)."""
        await self.session.flush()
        ids = [order.id]
        lines = (await self.repo.lines_of(ids))[order.id]
        events = (await self.repo.events_of(ids))[order.id]
        payments = (await self.repo.payments_of(ids))[order.id]
        tracking = (await self.repo.tracking_of(ids))[order.id]
        handler = (await self.repo.members([order.handler_id])).get(order.handler_id or 0)
        proofs = await self._proof_urls(payments)
        followups = await order_followups(self.rt).of_order(self.session, order)
        return detail_out(self.rt, order, lines, events, payments, tracking, handler, proofs, followups)

    async def _proof_urls(self, payments: list[OrderPayment]) -> dict[int, str]:
        ids = {payment.proof_image_id for payment in payments if payment.proof_image_id}
        if not ids:
            return {}
        images = await self.repo.by_ids(Image, ids)
        return {image_id: image_urls(image, self.rt)["url"] for image_id, image in images.items()}


def detail_out(
    runtime: Runtime,
    order: Order,
    lines: list[OrderLine],
    events: list[OrderEvent],
    payments: list[OrderPayment],
    tracking: list[OrderTracking],
    handler: StoreMember | None,
    proofs: dict[int, str],
    followups: OrderFollowupsOut,
) -> OrderDetailOut:
    return from_row(
        OrderDetailOut,
        order,
        allowed_next_statuses=list(allowed_next(order.status)),
        customer=customer_out(order),
        lines=[OrderLineOut.model_validate(line) for line in lines],
        money=money_out(order),
        voucher=OrderVoucherOut(id=order.voucher_id, code=order.voucher_code) if order.voucher_code else None,
        payment=payment_out(order, payments, proofs),
        shipment=shipment_out(order, tracking),
        handler=from_row(OrderHandlerOut, handler, phone=display_phone(handler.phone)) if handler else None,
        events=[from_row(OrderEventOut, event, actor=event.actor_label, data=event.data or {}) for event in events],
        followups=followups,
        public_url=public_order_url(runtime.settings, order.secret_slug),
    )


def payment_out(order: Order, payments: list[OrderPayment], proofs: dict[int, str]) -> OrderPaymentOut:
    """How the order is paid, and each payment recorded against it (with its proof's URL)."""
    return from_row(
        OrderPaymentOut,
        order,
        method=order.payment_method,
        category=payment_category(order.payment_method),
        label=payment_label(order.payment_method),
        status=order.payment_status,
        bank_account=bank_account_out(order),
        history=[
            from_row(
                OrderPaymentRecordOut,
                payment,
                difference=payment.amount - payment.expected,
                account_number=payment.bank_account_number,
                proof_url=proofs.get(payment.proof_image_id or 0),
                recorded_by=payment.actor_label,
            )
            for payment in payments
        ],
    )
