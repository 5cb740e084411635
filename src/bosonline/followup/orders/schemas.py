"""Wire shapes of the per-order follow-ups (the seed's Order → Follow up) and their stats."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from bosonline.kit.fields import RecordId
from bosonline.kit.phone import SHOWN_PHONE
from bosonline.kit.schemas import RowOut, StrictBody


def _manual_link(text: str) -> Any:
    """The `wa_url` of a follow-up about to be done (its `text` field named): the CS's link for a manual one."""
    return Field(
        description=f"https://wa.me/<buyer>?text=<{text}> for a `manual` follow-up (the CS sends it by opening it); "
        "null for a gateway follow-up, which the dispatcher sends itself (sending it by hand as well would reach the "
        "buyer twice)."
    )


class FollowupAttemptOut(BaseModel):
    """An order with a follow-up still to do. The first four keys are the seed's, in its order (and spelling:
    `folowup_attempts`); the others follow them."""

    folowup_attempts: int = Field(description="How many of the order's follow-ups are done (sent, or maybe sent).")
    customer_name: str
    customer_phone: str = Field(description="08… form.")
    followup_text: str = Field(
        description="The next follow-up (the lowest step among the order's follow-ups still waiting that applies to "
        "the order now and has a text for its payment category: the one the default Follow Up does) rendered for the "
        "order and its payment category."
    )
    order_id: int
    order_number: str
    next_step: int = Field(description="Follow Up 1, 2, … of the order's set.")
    follow_up_chat_id: int | None = Field(description="The template of the next step (null if it was deleted).")
    template_name: str
    channel: str = Field(description="`manual` (the CS sends it with `wa_url`) or the gateway that sends it.")
    due_at: datetime
    is_due: bool = Field(description="Whether its time has come (`hours_after` hours after its clock started).")
    wa_url: str | None = _manual_link("followup_text")
    error: str | None = Field(
        description="Why a gateway follow-up has not gone yet, e.g. `no active WhatsApp number: …` (it goes once "
        "a number is active again) or a failed try to be retried; null otherwise."
    )


class FollowUpIn(StrictBody):
    order_id: RecordId
    follow_up_chat_id: RecordId | None = Field(
        None,
        description="The template to do now (one the order has a follow-up of, or of its current set: a template "
        "without a follow-up of the order gets one); default: the order's next follow-up, as the attempts list "
        "shows it.",
    )
    step: int | None = Field(None, ge=1, le=1000, description="Or the step (Follow Up N) to do now.")
    change_status: bool = Field(
        True,
        description="Whether a template with `change_status=true` and a status `trigger` may move the order to "
        "that status (when the status table allows it).",
    )


class StatusChangedOut(BaseModel):
    from_status: str = Field(alias="from")
    to: str

    model_config = {"populate_by_name": True}


class FollowUpOut(BaseModel):
    order_id: int
    follow_up_chat_id: int
    step: int
    status: str = Field(description="`sent` (manual: recorded as done) or `scheduled` (gateway: queued, due now).")
    text: str = Field(description="The text as rendered for the order.")
    wa_url: str | None = _manual_link("text")
    skipped_steps: list[int] = Field(description="Earlier steps marked `skipped` by this jump.")
    status_changed: StatusChangedOut | None = Field(description="The order's status move, if the template made one.")
    folowup_attempts: int


class OrderChatOut(RowOut):
    follow_up_chat_id: int
    step: int
    name: str
    provider: str
    trigger: str
    hours_after: int
    text: str = Field(description='Rendered for this order and its payment category ("" if the template has none).')
    text_url: str = Field(description="`text` URL-encoded (Scalev's `text_url`).")
    wa_url: str | None = Field(
        description="https://wa.me/<buyer>?text=<text> for a `manual` step (the CS sends it with it), and for a "
        "gateway one whose send failed or has an unknown outcome (check the WhatsApp chat first); null for any other "
        "gateway step, which the dispatcher sends (or sent) itself: sending it by hand as well would reach the buyer "
        "twice."
    )
    image: str | None
    state: str = Field(
        description="The follow-up's status (scheduled, sending, sent, delivered, read, failed, unknown, skipped, "
        "canceled), `waiting` (scheduled for a status the order has not reached yet: it goes once the order gets "
        "there) or `not_scheduled` (the order has no follow-up of this template: its clock has not started, or the "
        "template was added after the order was placed; a CS may still do it by choosing it in Follow Up)."
    )
    is_next: bool = Field(
        description="Whether this is the order's next follow-up: the one the attempts list shows and the default "
        "Follow Up does."
    )
    due_at: datetime | None
    sent_at: datetime | None
    error: str | None


class IntegrationRefOut(BaseModel):
    id: int
    name: str
    phone_number: str = Field(description=SHOWN_PHONE)


class MessageHistoryOut(BaseModel):
    id: int
    step: int
    template_name: str
    channel: str
    status: str
    text: str | None
    phone: str | None = Field(description="The buyer's number it went to, 08… form.")
    integration: IntegrationRefOut | None
    provider_message_id: str | None
    error: str | None
    actor: str | None = Field(description="The CS who did or asked for it; null for automatic sends.")
    sent_at: datetime | None
    delivered_at: datetime | None
    read_at: datetime | None
    created_at: datetime


class FollowupCountsOut(BaseModel):
    """What happened to a set of follow-ups (a step's, or the abandoned checkouts')."""

    scheduled: int = Field(description="Follow-ups created in the range.")
    sent: int = Field(description="Sent (delivered and read included).")
    delivered: int = Field(description="Delivered (read included).")
    read: int
    failed: int
    unknown: int
    skipped: int
    canceled: int
    converted: int


class StepStatsOut(FollowupCountsOut):
    step: int
    converted: int = Field(description="Orders paid or confirmed after this step was sent to them.")


class AbandonedStatsOut(FollowupCountsOut):
    converted: int = Field(description="Abandoned checkouts that became orders after a follow-up was sent to them.")


class FollowupStatsOut(BaseModel):
    date_from: date = Field(alias="from")
    date_to: date = Field(alias="to")
    timezone: str
    steps: list[StepStatsOut] = Field(description="Per step, the follow-ups of orders only.")
    abandoned: AbandonedStatsOut = Field(
        description="The follow-ups of abandoned checkouts (trigger `abandoned`), all steps together."
    )

    model_config = {"populate_by_name": True}
