"""Error codes of integrations.whatsapp: whatsApp numbers (integrations) and the providers' webhooks."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class WhatsAppError(ErrorCode):
    invalid_signature = "invalid_signature", 401, "Invalid or missing `X-Hub-Signature-256`"
    invalid_secret = "invalid_secret", 401, "Invalid or missing `?secret=` for this integration's webhook"
    verification_failed = (
        "verification_failed",
        403,
        "Webhook verification refused: wrong `hub.mode` or `hub.verify_token`",
    )
    wa_integration_exists = "wa_integration_exists", 409, "This number is already an integration of the store"
    wa_integration_limit_reached = (
        "wa_integration_limit_reached",
        409,
        "The store has as many WhatsApp integrations as allowed",
    )
    wa_integration_in_use = (
        "wa_integration_in_use",
        409,
        "Templates use this number with its provider: point them elsewhere first",
    )
    credentials_unreadable = (
        "credentials_unreadable",
        409,
        "The stored credentials cannot be decrypted (the server's keys changed): enter them again with Edit",
    )
    not_whatsapp_cloud = (
        "not_whatsapp_cloud",
        409,
        "Only whatsapp_cloud integrations have Meta message templates",
    )
    waba_id_missing = (
        "waba_id_missing",
        409,
        "The integration has no WhatsApp Business Account id: add credentials.waba_id with Edit",
    )
    meta_templates_unavailable = (
        "meta_templates_unavailable",
        502,
        "Meta did not give the template list (unreachable, credentials refused, or an unexpected answer)",
    )
