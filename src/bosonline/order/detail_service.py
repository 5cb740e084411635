"""Detail Order: one order with everything a CS needs, in a fixed number of queries (order, lines, events,
payments, tracking, handler, follow-ups, proof images when there are payments) whatever the number of lines or
events."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.kit.links import public_order_url
from bosonline.kit.phone import display_phone
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
from bosonline.order.pricing import PAYMENT_CATEGORY, PAYMENT_LABEL, money_columns
from bosonline.order.repository import OrderRepository
from bosonline.order.schemas import (
    OrderBankAccountOut,
    OrderCustomerOut,
    OrderDetailOut,
    OrderEventOut,
    OrderFollowupsOut,
    OrderHandlerOut,
    OrderLineOut,
    OrderMoneyOut,
    OrderPaymentOut,
    OrderPaymentRecordOut,
    OrderShipmentOut,
    OrderVoucherOut,
    TrackingOut,
)
from bosonline.order.state import allowed_next
from bosonline.runtime import Runtime
from bosonline.shipping.couriers import courier_name
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
        images = await self.session.scalars(
            select(Image).where(Image.store_id == self.repo.ctx.store_id, Image.id.in_(ids))
        )
        return {image.id: image_urls(image, self.rt)["url"] for image in images}


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
    bank = None
    if order.bank_name and order.bank_account_number:
        bank = OrderBankAccountOut(
            id=order.bank_account_id,
            bank_name=order.bank_name,
            account_number=order.bank_account_number,
            holder_name=order.bank_account_holder,
        )
    return OrderDetailOut(
        id=order.id,
        number=order.number,
        status=order.status,
        allowed_next_statuses=list(allowed_next(order.status)),
        source=order.source,
        form_id=order.form_id,
        customer=OrderCustomerOut(
            id=order.customer_id,
            name=order.customer_name,
            phone=display_phone(order.customer_phone) or order.customer_phone,
            phone_e164=order.customer_phone,
            email=order.customer_email,
            address=order.address,
            region_code=order.region_code,
            region_name=order.region_name,
            postal_code=order.postal_code,
            notes=order.notes,
        ),
        lines=[
            OrderLineOut(
                id=line.id,
                product_id=line.product_id,
                variant_id=line.variant_id,
                product_name=line.product_name,
                variant_name=line.variant_name,
                sku=line.sku,
                unit_price=line.unit_price,
                quantity=line.quantity,
                weight_g=line.weight_g,
                subtotal=line.subtotal,
            )
            for line in lines
        ],
        money=OrderMoneyOut(
            **money_columns(order),
            other_fee_name=order.other_fee_name,
            paid_amount=order.paid_amount,
            difference=None if order.paid_amount is None else order.paid_amount - order.total,
        ),
        voucher=OrderVoucherOut(id=order.voucher_id, code=order.voucher_code) if order.voucher_code else None,
        payment=OrderPaymentOut(
            method=order.payment_method,
            category=PAYMENT_CATEGORY.get(order.payment_method, "epayment"),
            label=PAYMENT_LABEL.get(order.payment_method, order.payment_method),
            status=order.payment_status,
            bank_account=bank,
            payer_name=order.payer_name,
            paid_at=order.paid_at,
            history=[
                OrderPaymentRecordOut(
                    id=payment.id,
                    amount=payment.amount,
                    expected=payment.expected,
                    difference=payment.amount - payment.expected,
                    result=payment.result,
                    paid_at=payment.paid_at,
                    bank_name=payment.bank_name,
                    account_number=payment.bank_account_number,
                    payer_name=payment.payer_name,
                    proof_url=proofs.get(payment.proof_image_id or 0),
                    note=payment.note,
                    recorded_by=payment.actor_label,
                    created_at=payment.created_at,
                )
                for payment in payments
            ],
        ),
        shipment=shipment_out(order, tracking),
        handler=(
            OrderHandlerOut(id=handler.id, name=handler.name, phone=display_phone(handler.phone), role=handler.role)
            if handler
            else None
        ),
        events=[
            OrderEventOut(
                id=event.id,
                kind=event.kind,
                actor=event.actor_label,
                actor_user_id=event.actor_user_id,
                from_status=event.from_status,
                to_status=event.to_status,
                note=event.note,
                data=event.data or {},
                created_at=event.created_at,
            )
            for event in events
        ],
        followups=followups,
        public_url=public_order_url(runtime.settings, order.secret_slug),
        created_at=order.created_at,
        updated_at=order.updated_at,
        status_changed_at=order.status_changed_at,
    )


def shipment_out(order: Order, tracking: list[OrderTracking]) -> OrderShipmentOut:
    return OrderShipmentOut(
        courier=order.courier,
        courier_name=courier_name(order.courier) if order.courier else None,
        service=order.courier_service,
        weight_g=order.weight_g,
        warehouse_id=order.warehouse_id,
        awb=order.awb,
        status=order.shipment_status,
        shipped_at=order.shipped_at,
        tracking=[
            TrackingOut(status=row.status, awb=row.awb, note=row.note, source=row.source, occurred_at=row.occurred_at)
            for row in tracking
        ],
    )
