"""What every WhatsApp provider adapter offers (one module per provider beside this one), and the outcome of a
send as the dispatcher needs it.

A send's outcome is one of:
- `sent`: the provider accepted it (`message_id` when it gave one);
- `retry`: it certainly was not sent and may succeed later (connection refused, 429, provider busy);
- `failed`: it certainly was not sent and will not succeed as it is (bad token, bad number, refused);
- `unknown`: it may or may not have been sent (timeout after the request went out, connection dropped
  mid-answer, an answer we cannot read). None of the gateways offers an idempotency key, so an `unknown` send is
  never retried: the CS sees it with the wa.me link instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

Outcome = Literal["sent", "retry", "failed", "unknown"]
WHATSAPP_CLOUD = "whatsapp_cloud"  # Meta's own API: templates, the 24-hour window, statuses echoing our reference
PROVIDERS: tuple[str, ...] = ("fonnte", "wablas", "starsender", WHATSAPP_CLOUD)
DeliveryStatus = Literal["sent", "delivered", "read", "failed"]

# The secrets each provider needs (sealed together, with a generated `webhook_secret`, in wa_integrations.credentials):
# fonnte: the device token; wablas: the token and the account's server (`tegal` in https://tegal.wablas.com);
# starsender: the device key; whatsapp_cloud: the phone number id, a (system-user) access token and the app secret
# that signs its webhooks (X-Hub-Signature-256).
CREDENTIAL_FIELDS: dict[str, tuple[str, ...]] = {
    "fonnte": ("token",),
    "wablas": ("token", "server"),
    "starsender": ("token",),
    "whatsapp_cloud": ("phone_number_id", "access_token", "app_secret"),
}
# Secrets a provider also takes but does not need to send: whatsapp_cloud's WhatsApp Business Account id lists the
# account's message templates (integrations made before it existed still send).
OPTIONAL_CREDENTIAL_FIELDS: dict[str, tuple[str, ...]] = {"whatsapp_cloud": ("waba_id",)}


def accepted_credentials(provider: str) -> tuple[str, ...]:
    """Every credential key `provider` takes: the needed ones, then the optional ones."""
    return CREDENTIAL_FIELDS.get(provider, ()) + OPTIONAL_CREDENTIAL_FIELDS.get(provider, ())


# Meta refuses free text outside the 24-hour customer-service window (error 131047): what the CS reads then.
OUTSIDE_WINDOW_ERROR = (
    "di luar jendela 24 jam: pilih template Meta (outside the 24-hour window: the buyer has not written to this "
    "number in the last 24 hours, so Meta only delivers an approved template; choose one for this follow-up, or "
    "send it by hand with the wa.me link)"
)
WEBHOOK_SECRET = "webhook_secret"  # generated per integration: in gateway webhook URLs, and Meta's verify token
# A Wablas server name (`tegal` in https://tegal.wablas.com): one DNS label of 1–40 lowercase letters, digits and
# inner dashes. Checked when credentials are saved and again before the adapter builds a URL from it (fullmatch).
WABLAS_SERVER = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?")


@dataclass(frozen=True)
class TemplateMessage:
    """An approved Meta message template with its parameters' values (whatsapp_cloud only)."""

    name: str
    language: str
    body: tuple[str, ...] = ()  # the values of {{1}}, {{2}}, … in order
    header_text: str | None = None
    header_image: str | None = None  # a public URL


@dataclass(frozen=True)
class OutgoingMessage:
    to: str  # E.164 digits, 628…
    text: str
    image_url: str | None = None
    reference: str = ""  # our follow-up message id (Meta echoes it back in status webhooks)
    template: TemplateMessage | None = None  # whatsapp_cloud: send this template instead of the text


@dataclass(frozen=True)
class SendResult:
    outcome: Outcome
    message_id: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    status: str  # connected | disconnected | unauthorized | unreachable | error
    detail: str = ""


@dataclass(frozen=True)
class StatusUpdate:
    """One delivery status a provider reported for a message it sent (status webhooks)."""

    message_id: str
    status: DeliveryStatus
    error: str | None = None
    reference: str | None = None  # our follow-up message id, when the provider echoes it
    phone_number_id: str | None = None  # Meta: the sending number the status is about (`value.metadata`)


@dataclass(frozen=True)
class InboundMessage:
    """A buyer wrote to one of our numbers (Meta's `messages` webhook): it opens the 24-hour window."""

    phone: str  # the buyer, E.164 digits (Meta's `from`)
    at: datetime  # when the buyer sent it (Meta's `timestamp`), UTC
    phone_number_id: str | None = None  # Meta: the number written to (`value.metadata`)


class WhatsAppAdapter(Protocol):
    provider: str

    async def send(self, message: OutgoingMessage) -> SendResult: ...

    async def check(self) -> CheckResult: ...
