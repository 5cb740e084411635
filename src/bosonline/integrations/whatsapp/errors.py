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
