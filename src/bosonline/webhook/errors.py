"""Error codes of webhook: outgoing webhooks and their deliveries."""

from __future__ import annotations

from bosonline.errors import ErrorCode


class WebhookError(ErrorCode):
    webhook_exists = "webhook_exists", 409, "This URL is already subscribed"
    webhook_limit_reached = "webhook_limit_reached", 409, "The store has as many webhooks as allowed"
    webhook_inactive = "webhook_inactive", 409, "The webhook is inactive: activate it first"
    delivery_not_failed = "delivery_not_failed", 409, "Only a failed delivery can be retried"
    delivery_exists = "delivery_exists", 409, "The delivery is already queued"
