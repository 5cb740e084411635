"""Edits of an order by its store: the buyer's details, the courier, the payment method, another fee, and the
manual shipment (AWB and where the parcel is).

Each edit locks the order, refuses what no longer makes sense (409), changes it, recomputes the money through
`order/money.py` when it touched a part of it, records one event with before/after, and answers the detail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bosonline.errors import Conflict, ValidationFailed
from bosonline.kit.attributes import assign
from bosonline.kit.lokal_id import parse_phone
from bosonline.kit.phone import display_phone
from bosonline.models import Order, OrderTracking, Voucher, Warehouse
from bosonline.order.customer_repository import CustomerRepository
from bosonline.order.edit_base import (
    OrderChange,
    check_moment,
    refuse_canceled,
    refuse_paid,
    refuse_past_shipping,
    snap,
)
from bosonline.order.edit_schemas import (
    AnotherFeeIn,
    CourierEditIn,
    CustomerEditIn,
    PaymentMethodIn,
    ShipmentIn,
    WaValidationOut,
)
from bosonline.order.errors import OrderError
from bosonline.order.fields import buyer_columns
from bosonline.order.money import goods_and_shipping, reprice
from bosonline.order.presenters import shipment_out
from bosonline.order.pricing import MONEY_FIELDS
from bosonline.order.schemas import OrderDetailOut, OrderShipmentOut
from bosonline.regions.service import delivery_region
from bosonline.shipping.couriers import courier_name
from bosonline.shipping.rates import Rate, RateQuery, rate_provider
from bosonline.voucher.rules import discount_for

CUSTOMER_FIELDS = (
    "customer_id",
    "customer_name",
    "customer_phone",
    "customer_email",
    "address",
    "region_code",
    "region_name",
    "postal_code",
    "notes",
)
COURIER_FIELDS = ("courier", "courier_service", *MONEY_FIELDS)
PAYMENT_METHOD_FIELDS = (
    "payment_method",
    *MONEY_FIELDS,
    "bank_account_id",
    "bank_name",
    "bank_account_number",
    "bank_account_holder",
)
OTHER_FEE_FIELDS = ("other_fee_name", *MONEY_FIELDS)
SHIPMENT_FIELDS = ("awb", "shipment_status", "shipped_at")
# Statuses whose parcel a CS may record: from confirmed on (a pending order is confirmed first, PATCH …/status).
SHIPMENT_EDITABLE = frozenset({"confirmed", "in_process", "ready", "shipped", "completed", "rts"})


class OrderEdits(OrderChange):
    # --- Edit Customer Order ----------------------------------------------------------------------------------

    async def customer(self, order_id: int, body: CustomerEditIn) -> OrderDetailOut:
        order = await self.lock(order_id)
        refuse_canceled(order)
        refuse_past_shipping(order)
        region = await delivery_region(body.region_code, body.postal_code)
        timeline = self.timeline(order)
        before = snap(order, CUSTOMER_FIELDS)
        # The customer row holds a buyer's latest details; a new phone is (or becomes) another buyer of the store.
        order.customer_id = await CustomerRepository(self.session).upsert_customer(
            order.store_id, body.phone, body.name, body.email, self.now
        )
        assign(order, buyer_columns(body, region))
        note = None
        if before["region_code"] != region.code and order.courier:
            note = "Wilayah diubah: ongkir tidak dihitung ulang (pilih kurir lagi untuk menghitung ulang ongkir)"
        return await self.done(order, timeline, "customer_edited", before, CUSTOMER_FIELDS, note=note)

    # --- Edit Choose Courier ----------------------------------------------------------------------------------

    async def courier(self, order_id: int, body: CourierEditIn) -> OrderDetailOut:
        order = await self.lock(order_id)
        refuse_canceled(order)
        refuse_past_shipping(order)
        refuse_paid(order)
        rate = await self._rate(order, body.courier.lower(), body.service.upper())
        if order.payment_method == "cod" and not rate.cod:
            raise ValidationFailed(
                f"{rate.courier_name} {rate.service} does not carry COD parcels",
                code=OrderError.courier_not_cod,
                fields={"service": "this service does not carry COD parcels; choose one that does"},
            )
        settings = await self.settings()
        timeline = self.timeline(order)
        before = snap(order, COURIER_FIELDS)
        order.shipping_discount = await self._shipping_discount(order, rate.price)
        order.courier = rate.courier
        order.courier_service = rate.service
        order.shipping_cost = rate.price
        await reprice(self.session, order, settings, self.now)
        return await self.done(order, timeline, "courier_changed", before, COURIER_FIELDS)

    async def _rate(self, order: Order, courier: str, service: str) -> Rate:
        """The store's rate for this courier service to the order's destination, weight and warehouse; 422 when it
        does not deliver there (or is not on the store's card)."""
        origin = None
        if order.warehouse_id is not None:
            warehouse = await self.session.get(Warehouse, order.warehouse_id)
            origin = warehouse.region_code if warehouse is not None else None
        query = RateQuery(
            store_id=order.store_id,
            destination_region=order.region_code,
            weight_g=max(order.weight_g, 1),
            origin_region=origin,
            couriers=(courier,),
        )
        for rate in await rate_provider(self.rt).rates(self.session, query):
            if rate.courier == courier and rate.service == service:
                return rate
        raise ValidationFailed(
            f"{courier_name(courier)} {service} does not deliver to {order.region_name} for this store",
            code=OrderError.courier_unavailable,
            fields={"courier": f"{courier} {service} is not on the store's rate card for this destination"},
        )

    async def _shipping_discount(self, order: Order, cost: int) -> int:
        """A shipping voucher's discount of the new cost (its terms, as redeemed: no re-check of dates or quota);
        without the voucher row, the discount the order had, capped at the new cost."""
        if order.voucher_id is not None:
            voucher = await self.session.get(Voucher, order.voucher_id)
            if voucher is not None and voucher.store_id == order.store_id:
                return discount_for(voucher, cost) if voucher.target == "shipping" else 0
        return min(order.shipping_discount, cost)

    # --- Edit Payment Method ----------------------------------------------------------------------------------

    async def payment_method(self, order_id: int, body: PaymentMethodIn) -> OrderDetailOut:
        order = await self.lock(order_id)
        refuse_canceled(order)
        refuse_past_shipping(order)
        refuse_paid(order, conflict_too=True)
        method = body.payment_method
        if method == order.payment_method:
            return await self.answer(order)
        settings = await self.settings()
        if method == "qris" and not settings.qris_payload:
            raise ValidationFailed(
                "This store has no QRIS code", fields={"payment_method": "save the store's QRIS code first"}
            )
        if method == "cod" and order.courier:
            rate = await self._rate(order, order.courier, order.courier_service or "")
            if not rate.cod:
                raise ValidationFailed(
                    f"{rate.courier_name} {rate.service} does not carry COD parcels",
                    code=OrderError.courier_not_cod,
                    fields={"payment_method": "the order's courier does not carry COD: choose a COD courier first"},
                )
        timeline = self.timeline(order)
        before = snap(order, PAYMENT_METHOD_FIELDS)
        order.payment_method = method
        if method != "bank_transfer":  # the account to transfer to means nothing to a COD or QRIS buyer
            order.bank_account_id = order.bank_name = order.bank_account_number = order.bank_account_holder = None
        await reprice(self.session, order, settings, self.now, redraw=True)
        return await self.done(order, timeline, "payment_method_changed", before, PAYMENT_METHOD_FIELDS)

    # --- Edit Another Fee -------------------------------------------------------------------------------------

    async def another_fee(self, order_id: int, body: AnotherFeeIn) -> OrderDetailOut:
        order = await self.lock(order_id)
        refuse_canceled(order)
        refuse_past_shipping(order)
        refuse_paid(order)
        amount = body.amount if body.type == "fee" else -body.amount
        rest = goods_and_shipping(order).before_unique_code
        if rest + amount < 0:
            raise ValidationFailed(
                "The discount is larger than the rest of the order",
                code=OrderError.discount_too_large,
                fields={"amount": f"at most Rp{rest:,} (goods and shipping after discounts)"},
            )
        settings = await self.settings()
        timeline = self.timeline(order)
        before = snap(order, OTHER_FEE_FIELDS)
        order.other_fee = amount
        order.other_fee_name = body.name if amount else None
        await reprice(self.session, order, settings, self.now)
        return await self.done(order, timeline, "other_fee_changed", before, OTHER_FEE_FIELDS)

    # --- Validation Number WA ---------------------------------------------------------------------------------

    async def validate_wa(self, order_id: int) -> WaValidationOut:
        order = await self.repo.get(order_id)
        return wa_check(order.customer_phone, self.now)

    # --- Update Pengiriman Kurir ------------------------------------------------------------------------------

    async def shipment(self, order_id: int) -> OrderShipmentOut:
        """The shipment part of the detail (two queries: the order, its tracking)."""
        order = await self.repo.get(order_id)
        tracking = (await self.repo.tracking_of([order.id]))[order.id]
        return shipment_out(order, tracking)

    async def update_shipment(self, order_id: int, body: ShipmentIn) -> OrderDetailOut:
        order = await self.lock(order_id)
        if order.status not in SHIPMENT_EDITABLE:
            hint = "confirm it first (PATCH /store/order/{id}/status)" if order.status in ("draft", "pending") else ""
            raise Conflict(
                f"A {order.status} order has no shipment to record" + (f": {hint}" if hint else ""),
                code=OrderError.shipment_not_allowed,
            )
        shipped_at = order.shipped_at
        if body.shipped_at is not None:
            shipped_at = check_moment("shipped_at", body.shipped_at, order, self.now)
        elif shipped_at is None and body.shipment_status != "booked":
            shipped_at = self.now
        timeline = self.timeline(order)
        before = snap(order, SHIPMENT_FIELDS)
        order.awb = body.awb
        order.shipment_status = body.shipment_status
        order.shipped_at = shipped_at
        self.session.add(tracking_row(order, body, self.now))
        extra: dict[str, Any] = {"tracking": {"status": body.shipment_status, "awb": body.awb, "note": body.note}}
        return await self.done(
            order, timeline, "shipment_updated", before, SHIPMENT_FIELDS, note=body.note, extra=extra
        )


def tracking_row(order: Order, body: ShipmentIn, now: datetime) -> OrderTracking:
    return OrderTracking(
        order_id=order.id,
        store_id=order.store_id,
        status=body.shipment_status,
        awb=body.awb,
        note=body.note,
        source="manual",
        occurred_at=now,
        created_at=now,
    )


def wa_check(raw: str, now: datetime) -> WaValidationOut:
    """A format check of a number as a WhatsApp address (lokal.parse_phone): whether it CAN be on WhatsApp."""
    info = parse_phone(raw)
    digits = info.e164[1:] if info.e164 else None
    is_mobile = info.valid and info.type == "mobile"
    plausible = is_mobile and bool(info.whatsapp)
    reason = None
    if not info.valid:
        reason = info.errors[0].message if info.errors else "is not a valid Indonesian number"
    elif not is_mobile:
        where = f" ({info.area})" if info.area else ""
        reason = f"a {info.type or 'non-mobile'} number{where}: WhatsApp needs a mobile number"
    return WaValidationOut(
        phone=display_phone(digits or raw),
        phone_e164=digits,
        valid=info.valid,
        is_mobile=is_mobile,
        whatsapp_plausible=plausible,
        operator=info.operator,
        reason=reason,
        wa_me_url=f"https://wa.me/{info.whatsapp}" if plausible else None,
        checked_at=now,
    )
