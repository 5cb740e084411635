"""Giving back the voucher uses of canceled orders, so that a canceled order does not eat the voucher's quota.

    released = await release_vouchers(session, store_id, order_ids)   # {order_id: voucher_id}

Each order's VoucherRedemption is deleted and its voucher's `used_count` goes down by the number of redemptions
deleted, in one relative, conditional UPDATE per call (never a read-modify-write, never below zero). A second
release of the same order finds no redemption and gives nothing back, so a use is returned at most once.
Two statements whatever the number of orders (a DELETE … RETURNING and one executemany UPDATE); none when no
order had a voucher. Runs inside the caller's transaction (never commits).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection

from sqlalchemy import bindparam, delete, update
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.models import Voucher, VoucherRedemption


async def release_vouchers(session: AsyncSession, store_id: int, order_ids: Collection[int]) -> dict[int, int]:
    """Deletes the redemptions of `order_ids` (orders of store `store_id`) and gives their uses back to their
    vouchers. Returns {order_id: voucher_id} for the orders that had one."""
    if not order_ids:
        return {}
    deleted = await session.execute(
        delete(VoucherRedemption)
        .where(VoucherRedemption.store_id == store_id, VoucherRedemption.order_id.in_(list(order_ids)))
        .returning(VoucherRedemption.order_id, VoucherRedemption.voucher_id)
        .execution_options(synchronize_session=False)
    )
    released = dict(deleted.all())
    uses = Counter(released.values())
    if uses:
        table = Voucher.__table__
        await session.execute(
            update(table)
            .where(
                table.c.id == bindparam("voucher_id"),
                table.c.store_id == store_id,
                table.c.used_count >= bindparam("uses"),
            )
            # updated_at is the seller's last edit: giving a use back must not move it (the column's onupdate would).
            .values(used_count=table.c.used_count - bindparam("uses"), updated_at=table.c.updated_at),
            [{"voucher_id": voucher_id, "uses": n} for voucher_id, n in sorted(uses.items())],
        )
    return released
