"""Wire shapes of /store/webhook: endpoints, deliveries and their attempts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from bosonline.kit.fields import HTTP_URL_PATTERN, SINGLE_LINE, UNIQUE_ITEMS, declared
from bosonline.kit.schemas import RowOut, StrictBody, from_row
from bosonline.models import WebhookAttempt, WebhookDelivery
from bosonline.webhook.outbox import EVENTS, WebhookEvent
from bosonline.webhook.targets import MAX_URL_LENGTH, url_problem

MAX_WEBHOOKS_PER_STORE = 10

WebhookStatus = Literal["active", "inactive"]
DeliveryStatus = Literal["pending", "sending", "delivered", "failed"]


def _valid_url(value: str) -> str:
    problem = url_problem(value)
    if problem:
        raise ValueError(problem)
    return value


WebhookUrl = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=MAX_URL_LENGTH),
    AfterValidator(_valid_url),
    Field(
        description=f"http(s) URL of the receiver, at most {MAX_URL_LENGTH} characters, no user:password@, no "
        "#fragment; its host must be a public internet address. Unique in the store.",
        examples=["https://erp.example.com/hooks/bosonline"],
        json_schema_extra=declared(HTTP_URL_PATTERN),
    ),
]
Secret = Annotated[
    str,
    StringConstraints(pattern=r"^[\x21-\x7e]{16,128}$"),
    Field(description="16–128 printable ASCII characters, no spaces. Left out: one is generated (`whsec_…`)."),
]
Description = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200), SINGLE_LINE]


class WebhookIn(StrictBody):
    """Add Webhook / Edit Webhook."""

    url: WebhookUrl
    events: list[WebhookEvent] = Field(
        default_factory=lambda: list(EVENTS),
        min_length=1,
        max_length=len(EVENTS),
        description="Events to receive; left out: all of them.",
        json_schema_extra=UNIQUE_ITEMS,
    )
    description: Description | None = Field(None, description="A note for people, at most 200 characters.")
    secret: Secret | None = None

    @field_validator("events")
    @classmethod
    def _no_repeats(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("must not repeat an event")
        return [event for event in EVENTS if event in value]  # canonical order


class WebhookStatusIn(StrictBody):
    status: WebhookStatus = Field(description="`inactive`: no new deliveries are queued; queued ones fail.")


def _in_event_order(events: list[str] | None) -> list[str]:
    return [event for event in EVENTS if event in (events or ())]


def _hint(secret: str) -> str:
    return secret[-4:]


class WebhookOut(RowOut):
    id: int
    url: str
    events: Annotated[list[str], BeforeValidator(_in_event_order)]
    description: str | None
    status: WebhookStatus
    secret_hint: Annotated[str, BeforeValidator(_hint)] = Field(
        validation_alias="secret", description="The secret's last 4 characters, to tell secrets apart."
    )
    created_at: datetime
    updated_at: datetime


class WebhookDetailOut(WebhookOut):  # type: ignore[no-redef]  # pydantic plugin's __init__: secret_hint reads the row's secret (validation_alias)
    secret: str = Field(
        description="HMAC-SHA256 key: receivers check `X-Bosonline-Hmac-Sha256` = base64(HMAC-SHA256(secret, raw "
        "body)). Keep it private."
    )


class DeliveryOut(RowOut):
    id: int
    webhook_id: int
    event: str = Field(examples=["order.status_changed"])
    unique_id: str = Field(description="Also in the body and the `X-Bosonline-Delivery` header; dedupe by it.")
    order_id: int | None
    status: DeliveryStatus = Field(
        description="`pending` (waiting for its next attempt), `sending` (an attempt is in flight), `delivered` "
        "(a 2xx answer), `failed` (attempts exhausted or endpoint inactive)."
    )
    attempts: int = Field(description="Attempts made so far.")
    next_attempt_at: datetime | None = Field(description="When the next attempt is due (pending only).")
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None

    @field_validator("next_attempt_at")
    @classmethod
    def _pending_only(cls, value: datetime | None, info: ValidationInfo) -> datetime | None:
        return value if info.data.get("status") == "pending" else None


class AttemptOut(RowOut):
    attempt: int = Field(description="1 for the first attempt, then 2, 3, …")
    status_code: int | None = Field(description="HTTP status of the answer; null when none came.")
    error: str | None = Field(description="Why it failed (HTTP status, timeout, connection, refused target).")
    response_excerpt: str | None = Field(description="Start of the answer's body, at most 500 characters.")
    duration_ms: int
    created_at: datetime


class DeliveryDetailOut(DeliveryOut):
    body: str = Field(description="The exact request body sent (and signed) on every attempt.")
    attempt_log: list[AttemptOut] = Field(description="Every attempt, oldest first (the last 100).")

    @classmethod
    def with_attempts(cls, delivery: WebhookDelivery, attempts: list[WebhookAttempt]) -> DeliveryDetailOut:
        return from_row(cls, delivery, attempt_log=attempts)


class WebhookDeletedOut(BaseModel):
    id: int
    deleted: bool = True
