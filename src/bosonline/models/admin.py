"""The platform's back office: the audit log of admin actions, and the announcements and tips admins publish to
stores (with their audience and who has read them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, PrimaryKeyConstraint, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from bosonline.models.base import Base, BigId, IdMixin, TimestampMixin, UTCDateTime, utcnow


class AuditEntry(IdMixin, Base):
    """One platform admin action, written in the transaction of the action: who, when, what, on which record, and
    the record's relevant fields before and after (JSON; null for a creation's before or a deletion's after)."""

    __tablename__ = "admin_audit_log"
    __table_args__ = (
        Index("ix_admin_audit_log_action_id", "action", "id"),
        Index("ix_admin_audit_log_target_type_target_id_id", "target_type", "target_id", "id"),
    )

    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    admin_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"), index=True)
    admin_email: Mapped[str | None] = mapped_column(String(254))  # as it was at the time (an account may be erased)
    action: Mapped[str] = mapped_column(String(40))  # store.suspend | store.reactivate | announcement.create | …
    target_type: Mapped[str] = mapped_column(String(24))  # store | announcement
    target_id: Mapped[int] = mapped_column(BigId)
    reason: Mapped[str | None] = mapped_column(String(500))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Announcement(IdMixin, TimestampMixin, Base):
    """An announcement or a tip for sellers, shown between `starts_at` and `ends_at` (open-ended when null) to every
    store (`audience` all) or to the stores listed in `announcement_stores` (`audience` stores). The Markdown body
    is rendered to safe HTML when saved (announcement/markdown.py)."""

    __tablename__ = "announcements"
    __table_args__ = (Index("ix_announcements_kind_starts_at_id", "kind", "starts_at", "id"),)

    kind: Mapped[str] = mapped_column(String(16))  # announcement | tip
    title: Mapped[str] = mapped_column(String(150))
    body_markdown: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    audience: Mapped[str] = mapped_column(String(16), default="all")  # all | stores
    created_by: Mapped[int] = mapped_column(BigId, ForeignKey("users.id"))


class AnnouncementStore(Base):
    """A store an announcement of audience `stores` is shown to."""

    __tablename__ = "announcement_stores"
    __table_args__ = (
        PrimaryKeyConstraint("announcement_id", "store_id"),
        Index("ix_announcement_stores_store_id", "store_id"),
    )

    announcement_id: Mapped[int] = mapped_column(BigId, ForeignKey("announcements.id", ondelete="CASCADE"))
    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))


class AnnouncementRead(Base):
    """A user has read an announcement (per user, whichever store they read it in)."""

    __tablename__ = "announcement_reads"
    __table_args__ = (PrimaryKeyConstraint("announcement_id", "user_id"),)

    announcement_id: Mapped[int] = mapped_column(BigId, ForeignKey("announcements.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(BigId, ForeignKey("users.id", ondelete="CASCADE"))
    read_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
