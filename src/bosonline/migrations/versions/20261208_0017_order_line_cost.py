"""order lines: the cost price (HPP/COGS) frozen at checkout; orders: their cost; recap counters: revenue's money

Create Date: 2026-12-08 00:20:00.000000

- `order_lines.unit_cost` (NULL: unknown) and `cost_estimated`: lines written before this revision take their
  variant's COGS of today (when it has one, > 0), marked estimated: what they cost when sold is not known.
- `orders.cost` (the lines' cost, NULL when a line's is unknown) and `cost_estimated` (a line's is estimated).
- `order_daily_stats` gain the parts of the money Revenue reports (goods, shipping, fees, and for orders whose cost
  is known: costed_orders, costed_sales, cost, estimated_cost; order/stats.py says what each one sums): the
  counters are recomputed from the orders, with days in each store's time zone as order/stats.py keys them.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0016"

STAT_AMOUNTS = ("goods", "shipping", "fees", "costed_orders", "costed_sales", "cost", "estimated_cost")


def upgrade() -> None:
    op.add_column("order_lines", sa.Column("unit_cost", sa.BigInteger(), nullable=True))
    op.add_column("order_lines", sa.Column("cost_estimated", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.add_column("orders", sa.Column("cost", sa.BigInteger(), nullable=True))
    op.add_column("orders", sa.Column("cost_estimated", sa.Boolean(), server_default=sa.false(), nullable=False))
    for name in STAT_AMOUNTS:
        op.add_column("order_daily_stats", sa.Column(name, sa.BigInteger(), server_default="0", nullable=False))
    cogs = "SELECT v.cogs FROM product_variants v WHERE v.id = order_lines.variant_id AND v.cogs > 0"
    op.execute(f"UPDATE order_lines SET unit_cost = ({cogs}), cost_estimated = true WHERE EXISTS ({cogs})")
    lines = "FROM order_lines l WHERE l.order_id = orders.id"
    op.execute(
        f"UPDATE orders SET cost = (SELECT sum(l.unit_cost * l.quantity) {lines}), cost_estimated = true"
        f" WHERE EXISTS (SELECT 1 {lines}) AND NOT EXISTS (SELECT 1 {lines} AND l.unit_cost IS NULL)"
    )
    _recount()


def _recount() -> None:
    """The counters recomputed from the orders (the day in each store's time zone, as order/stats.py keys it)."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT o.store_id, o.created_at, o.status, o.payment_status, o.payment_method, o.handler_id, o.total,"
            " o.product_price, o.product_discount, o.shipping_cost, o.shipping_discount, o.cod_fee, o.other_fee,"
            " o.cost, o.cost_estimated, s.timezone FROM orders o JOIN stores s ON s.id = o.store_id"
        )
    )
    sums: dict[tuple[object, ...], list[int]] = defaultdict(lambda: [0] * 9)
    for row in rows:
        (store_id, created_at, status, payment_status, method, handler_id, total, goods, goods_discount, shipping,
         shipping_discount, cod_fee, other_fee, cost, estimated, timezone) = row  # fmt: skip
        if isinstance(created_at, str):  # SQLite hands back text
            created_at = datetime.fromisoformat(created_at)
        if created_at.tzinfo is None:
            created_at = created_at.replace(tzinfo=UTC)
        day = created_at.astimezone(ZoneInfo(timezone)).date()
        costed = cost is not None
        sold = (
            1,
            total,
            goods,
            shipping,
            cod_fee + other_fee,
            int(costed),
            goods - goods_discount - shipping_discount if costed else 0,
            cost or 0,
            (cost or 0) if estimated else 0,
        )
        key = (store_id, day, status, payment_status, method, handler_id or 0)
        sums[key] = [a + b for a, b in zip(sums[key], sold, strict=True)]
    op.execute("DELETE FROM order_daily_stats")
    if not sums:
        return
    keys = ("store_id", "day", "status", "payment_status", "payment_method", "handler_id")
    amounts = ("orders", "total", *STAT_AMOUNTS)
    table = sa.table(
        "order_daily_stats", *(sa.column(name, sa.Date if name == "day" else None) for name in (*keys, *amounts))
    )
    op.bulk_insert(
        table,
        [dict(zip(keys, key, strict=True)) | dict(zip(amounts, values, strict=True)) for key, values in sums.items()],
    )


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): batch mode would recreate `orders`, and SQLite's DROP TABLE of the old
    # copy deletes every order line through their ON DELETE CASCADE.
    columns = {
        "order_daily_stats": STAT_AMOUNTS,
        "orders": ("cost_estimated", "cost"),
        "order_lines": ("cost_estimated", "unit_cost"),
    }
    for table, names in columns.items():
        for name in names:
            op.execute(f"ALTER TABLE {table} DROP COLUMN {name}")
