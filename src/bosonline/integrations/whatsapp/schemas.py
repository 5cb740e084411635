"""Wire shapes of /store/wa-integration: the store's WhatsApp numbers, their providers and (masked) credentials."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, Field, ValidationInfo, field_validator

from bosonline.integrations.whatsapp.base import CREDENTIAL_FIELDS, PROVIDERS, WABLAS_SERVER, accepted_credentials
from bosonline.kit.fields import RecordId, ShortText
from bosonline.kit.phone import MobilePhone, ShownPhone, e164_of
from bosonline.kit.schemas import DeletedOut, StrictBody

MAX_INTEGRATIONS_PER_STORE = 20
MAX_PACING_PER_MINUTE = 600
MAX_CREDENTIAL_LENGTH = 500

Provider = Literal["fonnte", "wablas", "starsender", "whatsapp_cloud"]
assert set(PROVIDERS) == set(get_args(Provider))

ALL_CREDENTIAL_KEYS = sorted({key for provider in PROVIDERS for key in accepted_credentials(provider)})
_DIGITS = re.compile(r"[0-9]{1,30}")

CREDENTIALS_DOC = (
    "The provider's secrets, by provider: `fonnte` → `token` (the device token); `wablas` → `token` and `server` "
    "(the account's server: `tegal` in https://tegal.wablas.com); `starsender` → `token` (the device key); "
    "`whatsapp_cloud` → `phone_number_id` (digits, from Meta's WhatsApp Manager), `access_token` (a system-user "
    "token), `app_secret` (signs Meta's webhooks) and, optional, `waba_id` (the WhatsApp Business Account id, digits: "
    "needed to list the account's approved message templates). Each value 1–500 printable ASCII characters; other keys "
    "are refused. Stored encrypted and never returned: answers show them masked (`••••` and the last 4 "
    "characters of a long one)."
)
PACING_DOC = (
    "Messages per minute this number may send, 0–600 (default 10; 0 = no pacing). Sends of one number are spaced "
    "evenly (10 per minute = one every 6 seconds), which keeps unofficial gateways (Fonnte, Wablas, StarSender) "
    "from getting the number banned for sending too fast."
)


def credential_value_problem(key: str, value: str) -> str | None:
    """Why `value` is not acceptable for the credential `key`, or None."""
    if not 1 <= len(value) <= MAX_CREDENTIAL_LENGTH:
        return f"must be 1–{MAX_CREDENTIAL_LENGTH} characters"
    if not (value.isascii() and value.isprintable()):
        # Tokens travel in HTTP headers and URLs, which carry ASCII only: anything else could never work.
        return "must contain printable ASCII characters only"
    if key == "server" and not WABLAS_SERVER.fullmatch(value):
        return (
            "must be the Wablas server name: 1–40 lowercase letters, digits or dashes, not starting or ending "
            "with a dash (e.g. tegal)"
        )
    if key == "phone_number_id" and not _DIGITS.fullmatch(value):
        return "must be the digits of Meta's phone number id"
    if key == "waba_id" and not _DIGITS.fullmatch(value):
        return "must be the digits of the WhatsApp Business Account id (WhatsApp Manager → account settings)"
    return None


def credential_problems(provider: str, credentials: dict[str, str], *, complete: bool) -> dict[str, str]:
    """Field errors of `credentials` for `provider`: unknown keys, bad values, and (complete) missing keys."""
    needed = accepted_credentials(provider)
    problems: dict[str, str] = {}
    for key, value in credentials.items():
        if key not in needed:
            problems[f"credentials.{key}"] = f"is not a {provider} credential (it takes: {', '.join(needed)})"
        elif (problem := credential_value_problem(key, value)) is not None:
            problems[f"credentials.{key}"] = problem
    if complete:
        for key in CREDENTIAL_FIELDS[provider]:
            if key not in credentials:
                problems[f"credentials.{key}"] = f"is required for {provider}"
    return problems


Credentials = Annotated[
    dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=MAX_CREDENTIAL_LENGTH)]],
    Field(max_length=len(ALL_CREDENTIAL_KEYS), description=CREDENTIALS_DOC),
]


class _IntegrationFields(StrictBody):
    name: ShortText = Field(description="What the seller calls this number, 1–100 characters.", examples=["CS Putri"])
    phone_number: MobilePhone = Field(
        description="The WhatsApp number that sends: an Indonesian mobile number in any usual form (`0812…`, "
        "`62812…`, `+62 812-…`); stored and answered as `62812…`. Unique in the store.",
        examples=["081234567890"],
    )
    provider: Provider = Field(
        description="How messages go out: `fonnte`, `wablas`, `starsender` (unofficial gateways that drive a "
        "WhatsApp account) or `whatsapp_cloud` (Meta's official WhatsApp Cloud API)."
    )
    pacing_per_minute: int = Field(10, ge=0, le=MAX_PACING_PER_MINUTE, description=PACING_DOC)
    is_active: bool = Field(True, description="Inactive numbers send nothing and are skipped by rotators.")
    owner_member_id: RecordId | None = Field(
        None,
        description="Staff id (/store/staff) of the CS this number belongs to: follow-up templates with "
        "`wa_gateway_assignation_type` = `handler` send an order's messages from its CS's number. An active "
        "member of this store; null: nobody's.",
    )


class WaIntegrationIn(_IntegrationFields):
    """Add WhatsApp Integration."""

    credentials: Credentials

    @field_validator("credentials")
    @classmethod
    def _complete(cls, value: dict[str, str], info: ValidationInfo) -> dict[str, str]:
        provider = info.data.get("provider")
        if provider is None:  # the provider itself is invalid: reported on its own
            return value
        return _checked(provider, value, complete=True)


class WaIntegrationUpdate(_IntegrationFields):
    """Edit WhatsApp Integration."""

    credentials: Credentials | None = Field(
        None,
        description="Left out: the stored credentials stay. Given: its keys replace those keys (the others stay). "
        "Changing `provider` needs the new provider's full credentials. " + CREDENTIALS_DOC,
    )
    rotate_webhook_secret: bool = Field(
        False,
        description="true: a new secret is generated for the status webhook URL (and Meta's verify token); update "
        "it at the provider right away, deliveries with the old secret are refused.",
    )

    @field_validator("credentials")
    @classmethod
    def _known(cls, value: dict[str, str] | None, info: ValidationInfo) -> dict[str, str] | None:
        provider = info.data.get("provider")
        if value is None or provider is None:
            return value
        return _checked(provider, value, complete=False)


def _checked(provider: str, value: dict[str, str], *, complete: bool) -> dict[str, str]:
    """`value` when credential_problems finds none, else the ValueError naming them (one 422 entry)."""
    problems = credential_problems(provider, value, complete=complete)
    if problems:
        raise ValueError("; ".join(f"{key.removeprefix('credentials.')} {why}" for key, why in problems.items()))
    return value


class OwnerOut(BaseModel):
    id: int = Field(description="Staff id.")
    name: str


class LastCheckOut(BaseModel):
    status: str = Field(description="As answered by Check Status.")
    detail: str | None
    checked_at: datetime


class WaIntegrationOut(BaseModel):
    id: int
    name: str
    phone_number: ShownPhone
    phone_number_e164: str = e164_of("phone_number")
    provider: Provider
    pacing_per_minute: int
    is_active: bool
    owner: OwnerOut | None = Field(description="The CS this number serves (assignation `handler`), or null.")
    credentials: dict[str, str] = Field(
        description="The stored credentials, masked: `••••` and the last 4 characters of a long one. Empty when "
        "they cannot be decrypted (`credentials_readable` false)."
    )
    credentials_readable: bool = Field(
        description="false when the stored credentials cannot be decrypted with the server's encryption keys "
        "(keys changed): enter them again with Edit."
    )
    status_webhook_url: str | None = Field(
        description="Where the provider must send delivery statuses: paste it in the gateway's webhook setting "
        "(it carries this integration's secret) or, for `whatsapp_cloud`, as the callback URL of the Meta app's "
        "webhook (subscribe to `messages`). Absolute when the server has a `public_base_url`."
    )
    verify_token: str | None = Field(
        description="`whatsapp_cloud` only: the verify token to paste beside the callback URL in Meta's webhook "
        "settings; null for the gateways."
    )
    last_check: LastCheckOut | None = Field(description="The result of the last Check Status, or null.")
    created_at: datetime
    updated_at: datetime


class CheckOut(BaseModel):
    status: str = Field(
        description="`connected` (the provider accepts the credentials and the number is linked), `disconnected` "
        "(credentials accepted, but the device/number is not connected: scan the QR again at the gateway), "
        "`unauthorized` (the provider refused the credentials), `unreachable` (no answer: network or timeout), "
        "`error` (an answer we could not understand, or a request that could not even be made: check the provider's "
        "base URL)."
    )
    ok: bool = Field(description="true only for `connected`.")
    detail: str | None = Field(description="What the provider said, shortened.")
    checked_at: datetime


class WaIntegrationDeletedOut(DeletedOut):
    templates_detached: int = Field(
        description="Follow-up chat templates that named this integration: they stay, with `wa_integration_id` "
        "null (fix them before they send through a gateway again)."
    )


class MetaTemplateOut(BaseModel):
    name: str = Field(description="The template's name, as a follow-up chat's Meta template names it.")
    language: str = Field(description="Its language code (`id`, `en_US`): a template is approved per language.")
    category: str = Field(description="`UTILITY`, `MARKETING` or `AUTHENTICATION`.")
    body: str = Field(description="The body text with its variables (`{{1}}`, `{{2}}`, …).")
    body_parameters: int = Field(description="How many distinct variables the body has: map as many placeholders.")
    header_format: str | None = Field(description="`TEXT`, `IMAGE`, … when the template has a header; else null.")
    parameter_format: str = Field(
        description="`POSITIONAL` (`{{1}}`) or `NAMED`; follow-ups send positional parameters only."
    )


class MetaTemplatesOut(BaseModel):
    templates: list[MetaTemplateOut]
    complete: bool = Field(
        description="false when the account has more approved templates than one answer lists "
        "(10 pages of 100): the rest are left out."
    )
