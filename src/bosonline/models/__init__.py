"""SQLAlchemy models, one module per aggregate. Importing this package registers every table."""

from bosonline.models.admin import Announcement, AnnouncementRead, AnnouncementStore, AuditEntry
from bosonline.models.bank import BankAccount
from bosonline.models.base import Base
from bosonline.models.catalog import Category, Image, Product, ProductImage, ProductVariant, Sku
from bosonline.models.domain import StoreDomain
from bosonline.models.followup import (
    FollowupChat,
    FollowupMessage,
    FollowupStatusInbox,
    WaConversationWindow,
    WaIntegration,
)
from bosonline.models.form import Form, FormItem
from bosonline.models.inventory import InventoryMovement, Stock
from bosonline.models.order import (
    CheckoutKey,
    CheckoutLead,
    Customer,
    Order,
    OrderDailyStat,
    OrderEvent,
    OrderLine,
    OrderPayment,
    OrderTracking,
)
from bosonline.models.ratelimit import RateLimitWindow
from bosonline.models.shipping import ShippingRate
from bosonline.models.store import Store, StoreMember, StoreSettings
from bosonline.models.user import AuthSession, LoginAttempt, PasswordResetToken, RefreshToken, User
from bosonline.models.voucher import Voucher, VoucherProduct, VoucherRedemption
from bosonline.models.warehouse import StoreWarehouse, Warehouse
from bosonline.models.webhook import Webhook, WebhookAttempt, WebhookDelivery

__all__ = [
    "Announcement",
    "AnnouncementRead",
    "AnnouncementStore",
    "AuditEntry",
    "AuthSession",
    "BankAccount",
    "Base",
    "Category",
    "CheckoutKey",
    "CheckoutLead",
    "Customer",
    "FollowupChat",
    "FollowupMessage",
    "FollowupStatusInbox",
    "Form",
    "FormItem",
    "Image",
    "InventoryMovement",
    "LoginAttempt",
    "Order",
    "OrderDailyStat",
    "OrderEvent",
    "OrderLine",
    "OrderPayment",
    "OrderTracking",
    "PasswordResetToken",
    "Product",
    "ProductImage",
    "ProductVariant",
    "RateLimitWindow",
    "RefreshToken",
    "ShippingRate",
    "Sku",
    "Stock",
    "Store",
    "StoreDomain",
    "StoreMember",
    "StoreSettings",
    "StoreWarehouse",
    "User",
    "Voucher",
    "VoucherProduct",
    "VoucherRedemption",
    "WaConversationWindow",
    "WaIntegration",
    "Warehouse",
    "Webhook",
    "WebhookAttempt",
    "WebhookDelivery",
]
