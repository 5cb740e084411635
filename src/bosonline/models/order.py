"""Orders and what hangs off them: the buyer (customer), the lines, the event timeline, checkout keys and
abandoned checkouts (leads)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    String,
    Text,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from bosonline.models.base import Base, BigId, IdMixin, TimestampMixin, UTCDateTime, unique, utcnow

# Orders a buyer is still waiting on: their store must not disappear under them (Data Deletion refuses).
OPEN_ORDER_STATUSES = ("pending", "confirmed", "in_process", "ready", "shipped")

CUSTOMER_PHONE_UNIQUE = unique("store_id", "phone", code="customer_exists", message="This buyer already exists")
ORDER_NUMBER_UNIQUE = unique("store_id", "number", code="order_number_taken", message="Order number taken")
ORDER_SECRET_UNIQUE = unique("secret_slug", code="order_slug_taken", message="Order link taken")
CHECKOUT_KEY_UNIQUE = unique(
    "store_id", "key", code="idempotency_key_in_use", message="This Idempotency-Key is being used"
)
LEAD_TOKEN_UNIQUE = unique("token", code="lead_token_taken", message="Lead token taken")

# PostgreSQL trigram (pg_trgm) GIN indexes behind the order list's free-text search (`q`: number, name, phone
# digits), created by migration 0004 when the extension can be installed. They are not in the metadata: SQLite
# has no such index, and the schema comparison skips them (migrate.include_in_comparison).
SEARCH_INDEXES = {
    "ix_orders_number_trgm": "lower(number)",
    "ix_orders_customer_name_trgm": "lower(customer_name)",
    "ix_orders_customer_phone_trgm": "customer_phone",
}


class Customer(IdMixin, TimestampMixin, Base):
    """A buyer of one store, known by phone (E.164 digits): repeat orders reuse the row."""

    __tablename__ = "customers"
    __table_args__ = (CUSTOMER_PHONE_UNIQUE,)

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str | None] = mapped_column(String(254))


class Order(IdMixin, TimestampMixin, Base):
    __tablename__ = "orders"
    __table_args__ = (
        ORDER_NUMBER_UNIQUE,
        ORDER_SECRET_UNIQUE,
        # The list is newest first (id descending) under its filters: each index ends in id so that a first page
        # is an index range read, whatever the store's size.
        Index("ix_orders_store_id_id", "store_id", "id"),
        Index("ix_orders_store_id_status_id", "store_id", "status", "id"),
        Index("ix_orders_store_id_handler_id_id", "store_id", "handler_id", "id"),
        # INCLUDE (PostgreSQL): the recaps of a period read their orders from the index alone (migration 0019).
        Index(
            "ix_orders_store_id_created_at",
            "store_id",
            "created_at",
            postgresql_include=["id", "status", "payment_status", "handler_id", "total", "paid_at"],
        ),
        Index("ix_orders_store_id_customer_id", "store_id", "customer_id"),
        # A search text that looks like a phone number: its buyers' orders (order/list_repository.py).
        Index("ix_orders_store_id_customer_phone", "store_id", "customer_phone", "id"),
    )

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    number: Mapped[str] = mapped_column(String(32))  # INV/20261121/00042 (date in the store's time zone)
    secret_slug: Mapped[str] = mapped_column(String(32))  # unguessable: the buyer's status page
    form_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("forms.id", ondelete="SET NULL"), index=True)
    customer_id: Mapped[int] = mapped_column(BigId, ForeignKey("customers.id"))
    handler_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("store_members.id", ondelete="SET NULL"))
    warehouse_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("warehouses.id"))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    payment_status: Mapped[str] = mapped_column(String(16), default="unpaid")
    payment_method: Mapped[str] = mapped_column(String(24))
    # Money, whole rupiah (DESIGN.md §4): total = product_price − product_discount + shipping_cost
    # − shipping_discount + cod_fee + other_fee − unique_code.
    product_price: Mapped[int] = mapped_column(BigInteger)
    product_discount: Mapped[int] = mapped_column(BigInteger, default=0)
    shipping_cost: Mapped[int] = mapped_column(BigInteger, default=0)
    shipping_discount: Mapped[int] = mapped_column(BigInteger, default=0)
    cod_fee: Mapped[int] = mapped_column(BigInteger, default=0)
    other_fee: Mapped[int] = mapped_column(BigInteger, default=0)
    other_fee_name: Mapped[str | None] = mapped_column(String(100))
    unique_code: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(BigInteger)
    # The cost of the goods (HPP) of its lines, frozen with them: NULL when a line's cost is unknown (no COGS set);
    # `cost_estimated`: some line's cost was filled in later from the variant's COGS of that day (migration 0017).
    cost: Mapped[int | None] = mapped_column(BigInteger)
    cost_estimated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    voucher_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("vouchers.id", ondelete="SET NULL"))
    voucher_code: Mapped[str | None] = mapped_column(String(32))
    courier: Mapped[str | None] = mapped_column(String(24))
    courier_service: Mapped[str | None] = mapped_column(String(24))
    weight_g: Mapped[int] = mapped_column(Integer, default=0)
    # The buyer's details as given at checkout (the customer row holds the latest ones).
    customer_name: Mapped[str] = mapped_column(String(100))
    customer_phone: Mapped[str] = mapped_column(String(16))
    customer_email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(500))
    region_code: Mapped[str] = mapped_column(String(16))  # district or village (dotted Kemendagri code)
    region_name: Mapped[str] = mapped_column(String(300))  # "Beji, Kota Depok, Jawa Barat"
    postal_code: Mapped[str | None] = mapped_column(String(5))
    notes: Mapped[str | None] = mapped_column(Text)
    qris_payload: Mapped[str | None] = mapped_column(Text)  # the order's dynamic QRIS (QRIS orders)
    source: Mapped[str] = mapped_column(String(16), default="form")
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Payment details: the store account the buyer pays into, copied when chosen (a later edit or deletion of
    # the account does not change what this order told the buyer), and what a confirmation recorded.
    bank_account_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("bank_accounts.id", ondelete="SET NULL"))
    bank_name: Mapped[str | None] = mapped_column(String(100))
    bank_account_number: Mapped[str | None] = mapped_column(String(20))
    bank_account_holder: Mapped[str | None] = mapped_column(String(100))
    payer_name: Mapped[str | None] = mapped_column(String(100))
    paid_amount: Mapped[int | None] = mapped_column(BigInteger)
    # Shipment (manual path: the CS types the AWB; aggregator shipments come later).
    awb: Mapped[str | None] = mapped_column(String(40))
    shipment_status: Mapped[str | None] = mapped_column(String(24))
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OrderLine(IdMixin, Base):
    """What was bought, as it was at purchase time (later catalog edits do not change it)."""

    __tablename__ = "order_lines"
    __table_args__ = (
        # INCLUDE (PostgreSQL): Recap Product reads a period's lines from the index alone (migration 0019).
        Index(
            "ix_order_lines_order_id",
            "order_id",
            postgresql_include=["store_id", "product_id", "variant_id", "quantity", "subtotal"],
        ),
    )

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"))
    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("products.id", ondelete="SET NULL"), index=True)
    variant_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("product_variants.id", ondelete="SET NULL"))
    warehouse_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("warehouses.id"))
    product_name: Mapped[str] = mapped_column(String(200))
    variant_name: Mapped[str] = mapped_column(String(200))
    sku: Mapped[str | None] = mapped_column(String(64))
    unit_price: Mapped[int] = mapped_column(BigInteger)
    weight_g: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    subtotal: Mapped[int] = mapped_column(BigInteger)
    position: Mapped[int] = mapped_column(Integer, default=0)
    # Cost price (HPP/COGS) of one unit, frozen at checkout from the variant's COGS like the name and price: NULL
    # when the variant had none. `cost_estimated`: filled in afterwards from the variant's COGS of that day
    # (lines older than the column, migration 0017), not known at the time of sale.
    unit_cost: Mapped[int | None] = mapped_column(BigInteger)
    cost_estimated: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class OrderEvent(IdMixin, Base):
    """The order's timeline: every status change and edit, with who, when, from, to and a note."""

    __tablename__ = "order_events"
    __table_args__ = (Index("ix_order_events_order_id_id", "order_id", "id"),)

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"))
    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # created | status_changed | edited | payment_confirmed …
    actor_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(100))  # "buyer", "system", or the staff member's name
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    note: Mapped[str | None] = mapped_column(String(500))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckoutKey(IdMixin, Base):
    """An `Idempotency-Key` of `POST /public/checkout`, written once with its order at the end of the checkout's
    transaction: a replay finds it in the checkout's first read; a concurrent duplicate's INSERT waits for it, finds
    it taken, rolls back and answers with the same order. A failed checkout leaves no key."""

    __tablename__ = "checkout_keys"
    __table_args__ = (CHECKOUT_KEY_UNIQUE,)

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    request_hash: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CheckoutLead(IdMixin, TimestampMixin, Base):
    """What a buyer typed on a checkout page before submitting (an abandoned checkout until an order from that
    phone on that form converts it)."""

    __tablename__ = "checkout_leads"
    __table_args__ = (
        LEAD_TOKEN_UNIQUE,
        Index("ix_checkout_leads_store_id_id", "store_id", "id"),
        Index("ix_checkout_leads_form_id_phone", "form_id", "phone"),
    )

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    form_id: Mapped[int] = mapped_column(BigId, ForeignKey("forms.id", ondelete="CASCADE"))
    token: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str] = mapped_column(String(16))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[str | None] = mapped_column(String(500))
    region_code: Mapped[str | None] = mapped_column(String(16))
    notes: Mapped[str | None] = mapped_column(Text)
    items: Mapped[list[dict[str, int]]] = mapped_column(JSON, default=list)  # [{"variant_id", "quantity"}]
    payment_method: Mapped[str | None] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | converted
    converted_order_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("orders.id", ondelete="SET NULL"))


class OrderPayment(IdMixin, Base):
    """One payment confirmation of an order (its payment history): what was received, where, and the verdict."""

    __tablename__ = "order_payments"
    __table_args__ = (Index("ix_order_payments_order_id_id", "order_id", "id"),)

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"))
    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    amount: Mapped[int] = mapped_column(BigInteger)
    expected: Mapped[int] = mapped_column(BigInteger)  # the order's total when it was confirmed
    result: Mapped[str] = mapped_column(String(16))  # paid | conflict
    paid_at: Mapped[datetime] = mapped_column(UTCDateTime)
    bank_account_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("bank_accounts.id", ondelete="SET NULL"))
    bank_name: Mapped[str | None] = mapped_column(String(100))
    bank_account_number: Mapped[str | None] = mapped_column(String(20))
    payer_name: Mapped[str | None] = mapped_column(String(100))
    proof_image_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("images.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(String(500))
    actor_user_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("users.id", ondelete="SET NULL"))
    actor_label: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrderTracking(IdMixin, Base):
    """The shipment's tracking history: manual updates now, courier scans when aggregators arrive."""

    __tablename__ = "order_tracking"
    __table_args__ = (Index("ix_order_tracking_order_id_id", "order_id", "id"),)

    order_id: Mapped[int] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"))
    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(24))
    awb: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(String(500))
    source: Mapped[str] = mapped_column(String(16), default="manual")  # manual | courier
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OrderDailyStat(Base):
    """Orders and their totals per store, day (store time zone at order time), status, payment status, payment
    method and handler, kept in step with every change in the changing transaction (order/stats.py): the recap
    sums these rows (about a hundred per busy day) instead of scanning a million orders."""

    __tablename__ = "order_daily_stats"
    __table_args__ = (
        PrimaryKeyConstraint("store_id", "day", "status", "payment_status", "payment_method", "handler_id"),
        # A status tab's total reads its status's rows only (the key starts with the day).
        Index("ix_order_daily_stats_store_id_status_day", "store_id", "status", "day"),
        # The platform dashboard's period across every store (admin/dashboard_repository.py).
        Index("ix_order_daily_stats_day", "day"),
    )

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))
    payment_status: Mapped[str] = mapped_column(String(16))
    payment_method: Mapped[str] = mapped_column(String(24))
    handler_id: Mapped[int] = mapped_column(BigId)  # 0: no handler (a NULL would never match ON CONFLICT)
    orders: Mapped[int] = mapped_column(BigInteger, default=0)
    total: Mapped[int] = mapped_column(BigInteger, default=0)
    # The parts of the money Revenue reports (report/revenue_*.py; order/stats.py says what each one sums).
    goods: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    shipping: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    fees: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    costed_orders: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    costed_sales: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    cost: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
    estimated_cost: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")
