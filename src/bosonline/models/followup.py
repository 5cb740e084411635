"""Follow-ups over WhatsApp: the store's WhatsApp integrations, follow-up chat templates (Scalev's contract) and
the per-order follow-up rows the CS works through and the dispatcher sends (DESIGN.md §5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bosonline.models.base import Base, BigId, IdMixin, TimestampMixin, UTCDateTime, unique, utcnow

INTEGRATION_PHONE_UNIQUE = unique(
    "store_id",
    "phone_number",
    code="wa_integration_exists",
    message="This number already has a WhatsApp integration in this store",
    field="phone_number",
)
MESSAGE_ORDER_TEMPLATE_UNIQUE = unique(
    "order_id", "template_id", code="followup_exists", message="This follow-up is already scheduled for the order"
)
MESSAGE_LEAD_TEMPLATE_UNIQUE = unique(
    "lead_id", "template_id", code="followup_exists", message="This follow-up is already scheduled for the checkout"
)


class WaIntegration(IdMixin, TimestampMixin, Base):
    """A WhatsApp number the store sends from, through one provider. `credentials` is a Fernet token of the JSON
    of the provider's secrets (kit/crypto.py); it is never returned."""

    __tablename__ = "wa_integrations"
    __table_args__ = (INTEGRATION_PHONE_UNIQUE,)

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(100))
    phone_number: Mapped[str] = mapped_column(String(16))  # E.164 digits, 628…
    provider: Mapped[str] = mapped_column(String(24))  # fonnte | wablas | starsender | whatsapp_cloud
    credentials: Mapped[str] = mapped_column(Text)
    # Messages per minute this number may send (spaced evenly); 0 = no pacing.
    pacing_per_minute: Mapped[int] = mapped_column(Integer, default=10)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The CS whose orders this number serves (assignation type `handler`).
    owner_member_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("store_members.id", ondelete="SET NULL"), index=True
    )
    # Pacing: the earliest moment the next message of this number may go (claims move it forward under a lock).
    next_send_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_check_status: Mapped[str | None] = mapped_column(String(32))
    last_check_detail: Mapped[str | None] = mapped_column(String(300))
    last_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FollowupChat(IdMixin, TimestampMixin, Base):
    """A follow-up chat template (Scalev's "follow-up chat"): of a product, or a store default (product_id NULL).
    Templates of one product (or the store's defaults) are ordered by `position`: Follow Up 1, 2, 3, …"""

    __tablename__ = "followup_chats"
    __table_args__ = (Index("ix_followup_chats_store_id_product_id_position", "store_id", "product_id", "position"),)

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    product_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("products.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer, default=1)
    name: Mapped[str] = mapped_column(String(100))
    provider: Mapped[str] = mapped_column(String(24), default="manual")  # manual | fonnte | wablas | …
    change_status: Mapped[bool] = mapped_column(Boolean, default=False)
    hours_after: Mapped[int] = mapped_column(Integer, default=0)
    image: Mapped[str | None] = mapped_column(String(500))
    is_default: Mapped[bool] = mapped_column(Boolean, default=False)
    text_for_bank_transfer: Mapped[str] = mapped_column(Text, default="")
    text_for_cod: Mapped[str] = mapped_column(Text, default="")
    text_for_epayment: Mapped[str] = mapped_column(Text, default="")
    trigger: Mapped[str] = mapped_column(String(32), default="order_created")
    wa_gateway_assignation_type: Mapped[str] = mapped_column(String(16), default="fixed")
    wa_integration_id: Mapped[int | None] = mapped_column(
        BigId, ForeignKey("wa_integrations.id", ondelete="SET NULL"), index=True
    )
    # whatsapp_cloud: the approved Meta template sent outside the 24-hour window, and which of our placeholders
    # fill its parameters (followup/templates/meta_schemas.py): {"name", "language", "body": [...], "header"}.
    meta_template: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class FollowupMessage(IdMixin, Base):
    """One follow-up of one order (or abandoned checkout) by one template: scheduled when the order event that
    starts its clock is written (same transaction), then done by a CS (manual) or sent by the dispatcher.

    status: scheduled → sending → sent → delivered → read; or failed | unknown (outcome not known: never re-sent)
    | skipped (the CS jumped past it, or no text for the order's payment category) | canceled (no longer applies).
    """

    __tablename__ = "followup_messages"
    __table_args__ = (
        MESSAGE_ORDER_TEMPLATE_UNIQUE,
        MESSAGE_LEAD_TEMPLATE_UNIQUE,
        # The dispatcher's claim: due rows of the gateway channels (not manual ones, which wait for a CS), oldest
        # first; and the sweeper's `sending` rows.
        Index("ix_followup_messages_status_channel_due_at", "status", "channel", "due_at"),
        Index("ix_followup_messages_store_id_status_order_id", "store_id", "status", "order_id"),
        # INCLUDE (PostgreSQL): Recap CS reads a period's follow-ups from the index alone (migration 0019).
        Index(
            "ix_followup_messages_store_id_created_at",
            "store_id",
            "created_at",
            postgresql_include=["order_id", "status", "sent_at", "step"],
        ),
        Index("ix_followup_messages_integration_id_provider_message_id", "integration_id", "provider_message_id"),
    )

    store_id: Mapped[int] = mapped_column(BigId, ForeignKey("stores.id", ondelete="CASCADE"))
    order_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("orders.id", ondelete="CASCADE"))
    lead_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("checkout_leads.id", ondelete="CASCADE"), index=True)
    template_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("followup_chats.id", ondelete="SET NULL"))
    # Snapshots of the template when scheduled (the template may be edited or deleted later).
    step: Mapped[int] = mapped_column(Integer)
    template_name: Mapped[str] = mapped_column(String(100))
    trigger: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(24))  # manual | the provider the template names
    status: Mapped[str] = mapped_column(String(16), default="scheduled")
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    integration_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("wa_integrations.id", ondelete="SET NULL"))
    phone: Mapped[str | None] = mapped_column(String(16))  # the buyer's number it went to
    text: Mapped[str | None] = mapped_column(Text)  # as rendered when it was done or sent
    image: Mapped[str | None] = mapped_column(String(500))
    provider_message_id: Mapped[str | None] = mapped_column(String(128))
    error: Mapped[str | None] = mapped_column(String(500))
    # Who asked for it (a CS's Follow Up): such a send is not held back by quiet hours.
    actor_member_id: Mapped[int | None] = mapped_column(BigId, ForeignKey("store_members.id", ondelete="SET NULL"))
    actor_label: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class FollowupStatusInbox(IdMixin, Base):
    """A delivery status a gateway (Fonnte, Wablas, StarSender) reported for a provider message id that no
    follow-up has yet: its webhook can arrive while the dispatcher is still sending the batch, before it records
    the provider ids (followup/dispatch/tasks.py). Kept until the dispatcher records that id (then applied and deleted);
    rows older than a day are dropped (statuses of messages the dispatcher never sent, e.g. typed on the phone)."""

    __tablename__ = "followup_status_inbox"
    __table_args__ = (
        Index("ix_followup_status_inbox_integration_id_provider_message_id", "integration_id", "provider_message_id"),
    )

    integration_id: Mapped[int] = mapped_column(BigId, ForeignKey("wa_integrations.id", ondelete="CASCADE"))
    provider_message_id: Mapped[str] = mapped_column(String(128))
    status: Mapped[str] = mapped_column(String(16))  # sent | delivered | read | failed
    error: Mapped[str | None] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)


class WaConversationWindow(IdMixin, Base):
    """When a buyer last wrote to one of the store's whatsapp_cloud numbers (Meta's `messages` webhook): free text
    reaches the buyer only within 24 hours of it (Meta's customer-service window). Only ever moved forward."""

    __tablename__ = "wa_conversation_windows"
    # Written only by an upsert (followup/dispatch/status_repository.py): never broken, so no conflict code.
    __table_args__ = (UniqueConstraint("integration_id", "phone"),)

    integration_id: Mapped[int] = mapped_column(BigId, ForeignKey("wa_integrations.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(String(16))  # the buyer, E.164 digits as Meta's `from` (628…)
    last_inbound_at: Mapped[datetime] = mapped_column(UTCDateTime)
