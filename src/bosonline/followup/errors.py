"""Error codes of followup: follow-up chat templates and following orders up."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class FollowupError(ErrorCode):
    followup_chats_exist = (
        "followup_chats_exist",
        409,
        "Follow-up chats already exist: delete them first to generate the default set",
    )
    followup_chat_limit_reached = "followup_chat_limit_reached", 409, "As many follow-up chats as allowed already"
    followup_exists = "followup_exists", 409, "This follow-up is already scheduled for the order or checkout"
    followup_not_applicable = (
        "followup_not_applicable",
        409,
        "The follow-up does not apply to the order (its status or payment)",
    )
    followup_done = "followup_done", 409, "The follow-up is already done"
    followup_sending = "followup_sending", 409, "The follow-up is being sent right now"
    followup_skipped = (
        "followup_skipped",
        409,
        "The follow-up was skipped (a later one was done first, or it had no text): skipped steps are not sent",
    )
    followup_unknown = (
        "followup_unknown",
        409,
        "The follow-up may already have reached the buyer: the gateway did not confirm",
    )
    no_followup_left = "no_followup_left", 409, "No follow-up of the order is left to do now"
    no_text = "no_text", 409, "The template has no text for the order's payment method"
    meta_template_needs_whatsapp_cloud = (
        "meta_template_needs_whatsapp_cloud",
        409,
        "Only a follow-up chat with provider whatsapp_cloud can name a Meta message template",
    )
