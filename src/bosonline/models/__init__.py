"""SQLAlchemy models, one module per aggregate. Importing this package registers every table."""

from bosonline.models.base import Base
from bosonline.models.store import Store, StoreMember, StoreSettings
from bosonline.models.user import AuthSession, LoginAttempt, PasswordResetToken, RefreshToken, User

__all__ = [
    "AuthSession",
    "Base",
    "LoginAttempt",
    "PasswordResetToken",
    "RefreshToken",
    "Store",
    "StoreMember",
    "StoreSettings",
    "User",
]
