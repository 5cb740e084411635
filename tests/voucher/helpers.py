"""Voucher test factories. Vouchers are made through the API the way a seller makes them; products, customers and
orders (whose APIs belong to other domains) straight through the models."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
from sqlalchemy import func, select

from bosonline.models import Customer, Order, Voucher, VoucherProduct, VoucherRedemption
from bosonline.runtime import Runtime
from bosonline.voucher.checkout import VoucherQuote, VoucherRefused, redeem_voucher
from tests.factories import unique
from tests.orders_support import add_row

_seq = itertools.count(1)


def voucher_body(**fields: Any) -> dict[str, Any]:
    """A 10 % product voucher capped at Rp20.000 for purchases from Rp100.000, unless told otherwise."""
    body: dict[str, Any] = {
        "code": unique("HEMAT"),
        "name": "Diskon Gajian",
        "kind": "percentage",
        "target": "product",
        "value": 10,
        "max_discount": 20_000,
        "min_purchase": 100_000,
    }
    body.update(fields)
    return body


async def create_voucher(client: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    response = await client.post("/store/voucher", json=voucher_body(**fields), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]


async def make_order(rt: Runtime, store_id: int, *, phone: str = "6281234567890", name: str = "Siti Aminah") -> int:
    """A customer (reused by phone) and a pending order of theirs; returns the order id."""
    async with rt.db.session(write=False) as session:
        customer_id = await session.scalar(
            select(Customer.id).where(Customer.store_id == store_id, Customer.phone == phone)
        )
    if customer_id is None:
        customer_id = (await add_row(rt, Customer, store_id=store_id, phone=phone, name=name)).id
    n = next(_seq)
    order = await add_row(
        rt,
        Order,
        store_id=store_id,
        number=f"INV/20261121/{n:05d}",
        secret_slug=f"slug{n:012d}",
        customer_id=customer_id,
        payment_method="cod",
        product_price=150_000,
        total=150_000,
        customer_name=name,
        customer_phone=phone,
        region_code="32.76.01",
        region_name="Beji, Kota Depok, Jawa Barat",
    )
    return order.id


async def redeem_in_own_transaction(rt: Runtime, store_id: int, quote: VoucherQuote, order_id: int, phone: str) -> str:
    """redeem_voucher for the order in a transaction of its own, as a checkout does: "ok", or the refusal's reason."""
    async with rt.db.session() as session:
        try:
            await redeem_voucher(session, store_id, quote, order_id=order_id, phone=phone, now=rt.clock.now())
        except VoucherRefused as exc:
            await session.rollback()
            return exc.reason
        await session.commit()
        return "ok"


async def voucher_row(rt: Runtime, voucher_id: int) -> Voucher | None:
    async with rt.db.session(write=False) as session:
        return await session.scalar(select(Voucher).where(Voucher.id == voucher_id))


async def voucher_product_ids(rt: Runtime, voucher_id: int) -> list[int]:
    async with rt.db.session(write=False) as session:
        rows = await session.scalars(
            select(VoucherProduct.product_id).where(VoucherProduct.voucher_id == voucher_id).order_by("product_id")
        )
        return list(rows)


async def redemption_count(rt: Runtime, voucher_id: int) -> int:
    async with rt.db.session(write=False) as session:
        return int(
            await session.scalar(
                select(func.count()).select_from(VoucherRedemption).where(VoucherRedemption.voucher_id == voucher_id)
            )
            or 0
        )
