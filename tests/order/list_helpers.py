"""Orders inserted straight as rows (many, fast, with chosen statuses, times and handlers) for the order list,
recap and download tests, with their recap counters kept the way order changes keep them (order/stats.py)."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from bosonline.models import Customer, Order, OrderLine, Store
from bosonline.order.stats import StatsDelta, apply, snapshot
from bosonline.runtime import Runtime
from tests.checkout.helpers import DEPOK_DISTRICT

_numbers = itertools.count(1)


@dataclass
class Line:
    product_id: int | None
    variant_id: int | None
    product_name: str = "Kaos Polos"
    variant_name: str = "Merah / L"
    sku: str | None = None
    unit_price: int = 50_000
    quantity: int = 1


@dataclass
class Row:
    """One order to insert; unset fields get plain defaults."""

    created_at: datetime
    status: str = "pending"
    payment_status: str = "unpaid"
    payment_method: str = "bank_transfer"
    handler_id: int | None = None
    customer_name: str = "Siti Aminah"
    customer_phone: str = "6281234567890"
    courier: str | None = "jne"
    courier_service: str | None = "REG"
    form_id: int | None = None
    number: str | None = None
    total: int | None = None
    address: str | None = "Jl. Margonda Raya No. 10"
    notes: str | None = None
    awb: str | None = None
    lines: list[Line] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


async def insert_orders(rt: Runtime, store_id: int, rows: list[Row], *, chunk: int = 1000) -> list[int]:
    """The orders' ids, in the order given (ids ascending). Multi-row INSERTs, one customer per phone."""
    ids: list[int] = []
    async with rt.db.session() as session:
        timezone = (await session.scalar(select(Store.timezone).where(Store.id == store_id))) or "Asia/Jakarta"
        customers: dict[str, int] = {}
        for row in rows:
            if row.customer_phone not in customers:
                customer = Customer(
                    store_id=store_id, phone=row.customer_phone, name=row.customer_name,
                    created_at=row.created_at, updated_at=row.created_at,
                )  # fmt: skip
                session.add(customer)
                await session.flush()
                customers[row.customer_phone] = customer.id
        delta = StatsDelta()
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            values = []
            for row in part:
                goods = sum(line.unit_price * line.quantity for line in row.lines) or 100_000
                values.append(
                    {
                        "store_id": store_id,
                        "number": row.number or f"INV/20261121/{next(_numbers):05d}",
                        "secret_slug": uuid.uuid4().hex,
                        "form_id": row.form_id,
                        "customer_id": customers[row.customer_phone],
                        "handler_id": row.handler_id,
                        "status": row.status,
                        "payment_status": row.payment_status,
                        "payment_method": row.payment_method,
                        "product_price": goods,
                        "product_discount": 0,
                        "shipping_cost": 10_000,
                        "shipping_discount": 0,
                        "cod_fee": 0,
                        "other_fee": 0,
                        "unique_code": 0,
                        "total": row.total if row.total is not None else goods + 10_000,
                        "courier": row.courier,
                        "courier_service": row.courier_service,
                        "weight_g": 200,
                        "customer_name": row.customer_name,
                        "customer_phone": row.customer_phone,
                        "address": row.address,
                        "region_code": DEPOK_DISTRICT,
                        "region_name": "Pancoran Mas, Kota Depok, Jawa Barat",
                        "postal_code": "16431",
                        "notes": row.notes,
                        "awb": row.awb,
                        "source": "form",
                        "created_at": row.created_at,
                        "updated_at": row.created_at,
                    }
                    | row.extra
                )
            stmt = insert(Order).returning(Order.id, sort_by_parameter_order=True)
            made = list((await session.scalars(stmt, values)).all())
            lines = [
                {
                    "order_id": order_id, "store_id": store_id, "product_id": line.product_id,
                    "variant_id": line.variant_id, "product_name": line.product_name,
                    "variant_name": line.variant_name, "sku": line.sku, "unit_price": line.unit_price,
                    "weight_g": 200, "quantity": line.quantity, "subtotal": line.unit_price * line.quantity,
                    "position": position,
                }
                for order_id, row in zip(made, part, strict=True)
                for position, line in enumerate(row.lines)
            ]  # fmt: skip
            if lines:
                await session.execute(insert(OrderLine), lines)
            for value in values:
                delta.add(snapshot(Order(**value), timezone))
            ids.extend(made)
        await apply(session, store_id, delta)
        await session.commit()
    return ids
