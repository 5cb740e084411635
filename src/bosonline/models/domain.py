"""A store's own hosts (custom domains) that serve its buyer pages besides its platform subdomain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from bosonline.models.base import Base, BigId, IdMixin, TimestampMixin, UTCDateTime, unique

DOMAIN_UNIQUE = unique(
    "store_id", "host", code="domain_exists", message="The store has already registered this domain", field="host"
)


class StoreDomain(IdMixin, TimestampMixin, Base):
    """`host` (lowercase, IDNA) is `pending` until POST /store/domain/{id}/verify finds its DNS records, then
    `active`: public pages on it are the store's. Several stores may claim a host while pending; only one can hold it
    active (the partial unique index)."""

    __tablename__ = "store_domains"
    __table_args__ = (
        DOMAIN_UNIQUE,
        Index(
            "uq_store_domains_active_host",
            "host",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"), index=True)
    host: Mapped[str] = mapped_column(String(253))
    status: Mapped[str] = mapped_column(String(16), default="pending")  # pending | active
    # The value of the TXT record `_bosonline-verify.<host>` that proves the store controls the host's DNS.
    token: Mapped[str] = mapped_column(String(64))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last verification: when, and why it did not pass (None when it did).
    checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    check_reason: Mapped[str | None] = mapped_column(String(300))
