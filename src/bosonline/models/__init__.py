"""SQLAlchemy models, one module per aggregate. Importing this package registers every table."""

from bosonline.models.base import Base
from bosonline.models.catalog import Category, Image, Product, ProductImage, ProductVariant, Sku
from bosonline.models.inventory import InventoryMovement, Stock
from bosonline.models.store import Store, StoreMember, StoreSettings
from bosonline.models.user import AuthSession, LoginAttempt, PasswordResetToken, RefreshToken, User
from bosonline.models.warehouse import StoreWarehouse, Warehouse

__all__ = [
    "AuthSession",
    "Base",
    "Category",
    "Image",
    "InventoryMovement",
    "LoginAttempt",
    "PasswordResetToken",
    "Product",
    "ProductImage",
    "ProductVariant",
    "RefreshToken",
    "Sku",
    "Stock",
    "Store",
    "StoreMember",
    "StoreSettings",
    "StoreWarehouse",
    "User",
    "Warehouse",
]
