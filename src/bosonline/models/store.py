"""A store, its settings, and the people who work in it."""

from __future__ import annotations

from datetime import datetime, time

from sqlalchemy import BigInteger, Boolean, ForeignKey, Integer, String, Text, Time
from sqlalchemy.orm import Mapped, mapped_column, relationship

from bosonline.models.base import Base, BigId, IdMixin, TimestampMixin, UTCDateTime, unique

SUBDOMAIN_UNIQUE = unique(
    "subdomain", code="subdomain_taken", message="This subdomain is already taken", field="subdomain"
)
MEMBER_UNIQUE = unique(
    "store_id", "user_id", code="already_member", message="This person is already a member of the store"
)


class Store(IdMixin, TimestampMixin, Base):
    __tablename__ = "stores"
    __table_args__ = (SUBDOMAIN_UNIQUE,)

    name: Mapped[str] = mapped_column(String(100))
    # NULL once the store is closed by its owner's Data Deletion, which frees the name for others.
    subdomain: Mapped[str | None] = mapped_column(String(30))
    # The active custom domain (store_domains.host) public links use; None: the platform subdomain.
    public_host: Mapped[str | None] = mapped_column(String(253))
    phone: Mapped[str | None] = mapped_column(String(16))
    timezone: Mapped[str] = mapped_column(String(32), default="Asia/Jakarta")
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | suspended | closed
    # Set by a platform admin's suspension (POST /admin/stores/{id}/suspend), cleared by reactivation.
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspended_reason: Mapped[str | None] = mapped_column(String(500))
    owner_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    # Moved by database triggers on every change of the data checkout caches (migration 0012): the cache's key.
    data_version: Mapped[int] = mapped_column(BigInteger, server_default="0", default=0)

    settings: Mapped[StoreSettings] = relationship(lazy="raise", uselist=False)


# A store that is not closed (active or suspended): its members still reach it. A suspended one answers reads,
# refuses writes (deps.py: 403 `store_suspended`) and takes no order (checkout). A comparison, not an IN list:
# statements compiled once for asyncpg (hot_sql.py) take no expanding parameters.
STORE_IS_OPEN = Store.status != "closed"


class StoreSettings(TimestampMixin, Base):
    __tablename__ = "store_settings"

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True)
    cod_fee_bps: Mapped[int] = mapped_column(Integer, default=300)  # basis points: 300 = 3 %
    unique_code_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    unique_code_min: Mapped[int] = mapped_column(Integer, default=1)
    unique_code_max: Mapped[int] = mapped_column(Integer, default=999)
    quiet_hours_start: Mapped[time] = mapped_column(Time, default=time(21, 0))
    quiet_hours_end: Mapped[time] = mapped_column(Time, default=time(8, 0))
    # The store's static QRIS payload (validated); each QRIS order gets a dynamic copy with its amount.
    qris_payload: Mapped[str | None] = mapped_column(Text)
    # Counters checkout bumps in one UPDATE: the order number's sequence and the CS rotator's position.
    order_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    cs_cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    # The follow-up rotator's position over the store's active WhatsApp integrations (assignation `rotator`).
    wa_rotator_cursor: Mapped[int] = mapped_column(BigInteger, default=0)
    # False: a CS sees only the orders assigned to them (handler); True: every order of the store.
    cs_sees_all_orders: Mapped[bool] = mapped_column(Boolean, default=False)


class StoreMember(IdMixin, TimestampMixin, Base):
    """A user's place in a store (the seed's "staff"). The id is the staff id of /store/staff/{id}."""

    __tablename__ = "store_members"
    __table_args__ = (MEMBER_UNIQUE,)

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16))  # owner | admin | cs
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | inactive
    # How the store knows this person (CS name in follow-ups); a store never edits another account's profile.
    name: Mapped[str] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(16))
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
