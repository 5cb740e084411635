"""checkout: forms, rate cards, bank accounts, vouchers, customers, orders, leads, rate limits

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_limit_windows",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("window_start", sa.BigInteger(), nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "window_start", name=op.f("pk_rate_limit_windows")),
    )
    op.create_table(
        "bank_accounts",
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("bank_code", sa.String(length=16), nullable=False),
        sa.Column("holder_name", sa.String(length=100), nullable=False),
        sa.Column("account_number", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_bank_accounts_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_accounts")),
        sa.UniqueConstraint(
            "store_id", "bank_code", "account_number", name=op.f("uq_bank_accounts_store_id_bank_code_account_number")
        ),
    )
    with op.batch_alter_table("bank_accounts", schema=None) as batch_op:
        batch_op.create_index("ix_bank_accounts_store_id_status", ["store_id", "status"], unique=False)

    op.create_table(
        "customers",
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_customers_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("store_id", "phone", name=op.f("uq_customers_store_id_phone")),
    )
    op.create_table(
        "forms",
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("slug", sa.String(length=80), nullable=True),
        sa.Column("title", sa.String(length=150), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("payment_methods", sa.JSON(), nullable=False),
        sa.Column("couriers", sa.JSON(), nullable=False),
        sa.Column("accept_vouchers", sa.Boolean(), nullable=False),
        sa.Column("max_quantity", sa.Integer(), nullable=False),
        sa.Column("meta_pixel_id", sa.String(length=32), nullable=True),
        sa.Column("tiktok_pixel_id", sa.String(length=32), nullable=True),
        sa.Column("success_mode", sa.String(length=16), nullable=True),
        sa.Column("success_page", sa.JSON(), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["store_id"], ["stores.id"], name=op.f("fk_forms_store_id_stores"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_forms")),
        sa.UniqueConstraint("store_id", "slug", name=op.f("uq_forms_store_id_slug")),
    )
    with op.batch_alter_table("forms", schema=None) as batch_op:
        batch_op.create_index("ix_forms_store_id_status", ["store_id", "status"], unique=False)

    op.create_table(
        "shipping_rates",
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("courier", sa.String(length=24), nullable=False),
        sa.Column("service", sa.String(length=24), nullable=False),
        sa.Column("pricing", sa.String(length=8), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=True),
        sa.Column("province_prices", sa.JSON(), nullable=False),
        sa.Column("etd", sa.String(length=32), nullable=True),
        sa.Column("cod", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_shipping_rates_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shipping_rates")),
        sa.UniqueConstraint("store_id", "courier", "service", name=op.f("uq_shipping_rates_store_id_courier_service")),
    )
    with op.batch_alter_table("shipping_rates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shipping_rates_store_id"), ["store_id"], unique=False)

    op.create_table(
        "vouchers",
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("code_key", sa.String(length=32), nullable=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.Column("max_discount", sa.BigInteger(), nullable=True),
        sa.Column("min_purchase", sa.BigInteger(), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("quota_total", sa.Integer(), nullable=True),
        sa.Column("quota_per_buyer", sa.Integer(), nullable=True),
        sa.Column("used_count", sa.Integer(), nullable=False),
        sa.Column("show_on_checkout", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_vouchers_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vouchers")),
        sa.UniqueConstraint("store_id", "code_key", name=op.f("uq_vouchers_store_id_code_key")),
    )
    op.create_table(
        "orders",
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("secret_slug", sa.String(length=32), nullable=False),
        sa.Column("form_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("customer_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("handler_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("warehouse_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("payment_status", sa.String(length=16), nullable=False),
        sa.Column("payment_method", sa.String(length=24), nullable=False),
        sa.Column("product_price", sa.BigInteger(), nullable=False),
        sa.Column("product_discount", sa.BigInteger(), nullable=False),
        sa.Column("shipping_cost", sa.BigInteger(), nullable=False),
        sa.Column("shipping_discount", sa.BigInteger(), nullable=False),
        sa.Column("cod_fee", sa.BigInteger(), nullable=False),
        sa.Column("other_fee", sa.BigInteger(), nullable=False),
        sa.Column("other_fee_name", sa.String(length=100), nullable=True),
        sa.Column("unique_code", sa.Integer(), nullable=False),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.Column("voucher_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("voucher_code", sa.String(length=32), nullable=True),
        sa.Column("courier", sa.String(length=24), nullable=True),
        sa.Column("courier_service", sa.String(length=24), nullable=True),
        sa.Column("weight_g", sa.Integer(), nullable=False),
        sa.Column("customer_name", sa.String(length=100), nullable=False),
        sa.Column("customer_phone", sa.String(length=16), nullable=False),
        sa.Column("customer_email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("region_code", sa.String(length=16), nullable=False),
        sa.Column("region_name", sa.String(length=300), nullable=False),
        sa.Column("postal_code", sa.String(length=5), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("qris_payload", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("paid_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_orders_customer_id_customers")),
        sa.ForeignKeyConstraint(["form_id"], ["forms.id"], name=op.f("fk_orders_form_id_forms"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["handler_id"], ["store_members.id"], name=op.f("fk_orders_handler_id_store_members"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_orders_store_id_stores"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"], ["vouchers.id"], name=op.f("fk_orders_voucher_id_vouchers"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["warehouse_id"], ["warehouses.id"], name=op.f("fk_orders_warehouse_id_warehouses")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("secret_slug", name=op.f("uq_orders_secret_slug")),
        sa.UniqueConstraint("store_id", "number", name=op.f("uq_orders_store_id_number")),
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_orders_form_id"), ["form_id"], unique=False)
        batch_op.create_index("ix_orders_store_id_created_at", ["store_id", "created_at"], unique=False)
        batch_op.create_index("ix_orders_store_id_customer_id", ["store_id", "customer_id"], unique=False)
        batch_op.create_index("ix_orders_store_id_status", ["store_id", "status"], unique=False)

    op.create_table(
        "checkout_keys",
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_checkout_keys_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_checkout_keys_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkout_keys")),
        sa.UniqueConstraint("store_id", "key", name=op.f("uq_checkout_keys_store_id_key")),
    )
    op.create_table(
        "checkout_leads",
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("form_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("region_code", sa.String(length=16), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("items", sa.JSON(), nullable=False),
        sa.Column("payment_method", sa.String(length=24), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("converted_order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["converted_order_id"],
            ["orders.id"],
            name=op.f("fk_checkout_leads_converted_order_id_orders"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["form_id"], ["forms.id"], name=op.f("fk_checkout_leads_form_id_forms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_checkout_leads_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkout_leads")),
        sa.UniqueConstraint("token", name=op.f("uq_checkout_leads_token")),
    )
    with op.batch_alter_table("checkout_leads", schema=None) as batch_op:
        batch_op.create_index("ix_checkout_leads_form_id_phone", ["form_id", "phone"], unique=False)
        batch_op.create_index("ix_checkout_leads_store_id_id", ["store_id", "id"], unique=False)

    op.create_table(
        "order_events",
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("actor_user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("actor_label", sa.String(length=100), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=True),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["actor_user_id"], ["users.id"], name=op.f("fk_order_events_actor_user_id_users"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_events_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_order_events_store_id_stores"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_events")),
    )
    with op.batch_alter_table("order_events", schema=None) as batch_op:
        batch_op.create_index("ix_order_events_order_id_id", ["order_id", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_order_events_store_id"), ["store_id"], unique=False)

    op.create_table(
        "voucher_products",
        sa.Column("voucher_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_voucher_products_product_id_products"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"], ["vouchers.id"], name=op.f("fk_voucher_products_voucher_id_vouchers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("voucher_id", "product_id", name=op.f("pk_voucher_products")),
    )
    with op.batch_alter_table("voucher_products", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voucher_products_product_id"), ["product_id"], unique=False)

    op.create_table(
        "voucher_redemptions",
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("voucher_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("phone", sa.String(length=16), nullable=False),
        sa.Column("discount", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_voucher_redemptions_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_voucher_redemptions_store_id_stores"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["voucher_id"], ["vouchers.id"], name=op.f("fk_voucher_redemptions_voucher_id_vouchers"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_voucher_redemptions")),
    )
    with op.batch_alter_table("voucher_redemptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_voucher_redemptions_order_id"), ["order_id"], unique=False)
        batch_op.create_index("ix_voucher_redemptions_voucher_id_phone", ["voucher_id", "phone"], unique=False)

    op.create_table(
        "form_items",
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("form_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("variant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("default_quantity", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["form_id"], ["forms.id"], name=op.f("fk_form_items_form_id_forms"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_form_items_product_id_products"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_form_items_store_id_stores"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["product_variants.id"],
            name=op.f("fk_form_items_variant_id_product_variants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_form_items")),
    )
    with op.batch_alter_table("form_items", schema=None) as batch_op:
        batch_op.create_index("ix_form_items_form_id_position", ["form_id", "position"], unique=False)
        batch_op.create_index(batch_op.f("ix_form_items_product_id"), ["product_id"], unique=False)

    op.create_table(
        "order_lines",
        sa.Column("order_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("store_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("product_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("variant_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("warehouse_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=True),
        sa.Column("product_name", sa.String(length=200), nullable=False),
        sa.Column("variant_name", sa.String(length=200), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=True),
        sa.Column("unit_price", sa.BigInteger(), nullable=False),
        sa.Column("weight_g", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("subtotal", sa.BigInteger(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_order_lines_order_id_orders"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["product_id"], ["products.id"], name=op.f("fk_order_lines_product_id_products"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["store_id"], ["stores.id"], name=op.f("fk_order_lines_store_id_stores"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["variant_id"],
            ["product_variants.id"],
            name=op.f("fk_order_lines_variant_id_product_variants"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["warehouse_id"], ["warehouses.id"], name=op.f("fk_order_lines_warehouse_id_warehouses")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
    )
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_order_lines_order_id"), ["order_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_order_lines_product_id"), ["product_id"], unique=False)

    with op.batch_alter_table("store_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qris_payload", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("order_seq", sa.BigInteger(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("cs_cursor", sa.BigInteger(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("store_settings", schema=None) as batch_op:
        batch_op.drop_column("cs_cursor")
        batch_op.drop_column("order_seq")
        batch_op.drop_column("qris_payload")

    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_lines_product_id"))
        batch_op.drop_index(batch_op.f("ix_order_lines_order_id"))

    op.drop_table("order_lines")
    with op.batch_alter_table("form_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_form_items_product_id"))
        batch_op.drop_index("ix_form_items_form_id_position")

    op.drop_table("form_items")
    with op.batch_alter_table("voucher_redemptions", schema=None) as batch_op:
        batch_op.drop_index("ix_voucher_redemptions_voucher_id_phone")
        batch_op.drop_index(batch_op.f("ix_voucher_redemptions_order_id"))

    op.drop_table("voucher_redemptions")
    with op.batch_alter_table("voucher_products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_voucher_products_product_id"))

    op.drop_table("voucher_products")
    with op.batch_alter_table("order_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_order_events_store_id"))
        batch_op.drop_index("ix_order_events_order_id_id")

    op.drop_table("order_events")
    with op.batch_alter_table("checkout_leads", schema=None) as batch_op:
        batch_op.drop_index("ix_checkout_leads_store_id_id")
        batch_op.drop_index("ix_checkout_leads_form_id_phone")

    op.drop_table("checkout_leads")
    op.drop_table("checkout_keys")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_store_id_status")
        batch_op.drop_index("ix_orders_store_id_customer_id")
        batch_op.drop_index("ix_orders_store_id_created_at")
        batch_op.drop_index(batch_op.f("ix_orders_form_id"))

    op.drop_table("orders")
    op.drop_table("vouchers")
    with op.batch_alter_table("shipping_rates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipping_rates_store_id"))

    op.drop_table("shipping_rates")
    with op.batch_alter_table("forms", schema=None) as batch_op:
        batch_op.drop_index("ix_forms_store_id_status")

    op.drop_table("forms")
    op.drop_table("customers")
    with op.batch_alter_table("bank_accounts", schema=None) as batch_op:
        batch_op.drop_index("ix_bank_accounts_store_id_status")

    op.drop_table("bank_accounts")
    op.drop_table("rate_limit_windows")
