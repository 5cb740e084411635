"""Delivery-status webhooks the WhatsApp providers call (/webhooks/whatsapp/{integration_id}); no login.

Each integration has its own URL. Meta's calls are proven by their signature (X-Hub-Signature-256, the app
secret); the gateways sign nothing, so their URL carries the integration's generated webhook secret. A Meta app
has one callback URL for all its numbers: statuses are routed by their phone number id (status_service.py).

It lives in followup, not in integrations/whatsapp: the statuses it applies are those of follow-up messages. The
integration keeps what is about the providers (parsing their payloads into neutral `StatusUpdate`s, Meta's
signature, the webhook secret's name) and never imports followup."""

from __future__ import annotations

import hmac
import json
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.responses import PlainTextResponse

from bosonline.deps import DbDep, RuntimeDep
from bosonline.errors import (
    BadRequest,
    CommonError,
    Forbidden,
    NotFound,
    PayloadTooLarge,
    ServiceUnavailable,
    Unauthorized,
    error_responses,
)
from bosonline.followup.dispatch.meta_window import open_windows
from bosonline.followup.dispatch.status_repository import StatusRepository
from bosonline.followup.dispatch.status_service import apply_status_updates, meta_targets
from bosonline.integrations.whatsapp.base import WEBHOOK_SECRET, WHATSAPP_CLOUD, InboundMessage, StatusUpdate
from bosonline.integrations.whatsapp.errors import WhatsAppError
from bosonline.integrations.whatsapp.status import parse, parse_meta_inbound, verify_meta_signature
from bosonline.kit.fields import OneLineText, path_id
from bosonline.models import WaIntegration
from bosonline.routing import api_router
from bosonline.runtime import Runtime

router = api_router(prefix="/webhooks/whatsapp", tags=["WhatsApp"])

MAX_WEBHOOK_BYTES = 1024 * 1024

IntegrationId = Annotated[int, path_id("The WhatsApp integration's id.")]

_SETUP = """
Which URL to configure (`<host>` is this server's public origin). The webhook secret is generated with the
integration; an owner or admin of the store sees it on every read of the integration (`GET /store/wa-integration`
and `/store/wa-integration/{id}`): in `status_webhook_url` (gateways: the whole URL to paste, secret included) or
`verify_token` (Meta). Edit with `rotate_webhook_secret: true` replaces it.
- **Meta WhatsApp Cloud**: in the app's WhatsApp → Configuration, callback URL
  `https://<host>/webhooks/whatsapp/{integration_id}`, verify token = the integration's webhook secret, and
  subscribe to the `messages` field. Calls are verified with `X-Hub-Signature-256` (HMAC-SHA256 of the raw body
  with the app secret stored in the integration). A Meta app has one callback URL for all its phone numbers:
  with several numbers of one app in the store, configure the URL of any one of them; each status is routed by
  its `value.metadata.phone_number_id` to the store's `whatsapp_cloud` integration with that phone number id
  (whose app secret must verify the same signature, as it does when they share the app). Statuses of a number
  that is not in the store are ignored.
- **Fonnte**: device settings → webhook (message status / "webhook update"):
  `https://<host>/webhooks/whatsapp/{integration_id}?secret=<webhook secret>`.
- **Wablas**: device settings → tracking / webhook URL, the same URL with `?secret=`.
- **StarSender**: device → webhook URL, the same URL with `?secret=`.

Statuses only move forward (sent → delivered → read; `delivered` may be skipped; a status arriving after a later
one is ignored); `failed` only ends a message that was not delivered. A message whose send outcome was unknown
becomes sent/delivered/read when a status proves it reached WhatsApp. A gateway status about a message id not
recorded yet (it can arrive while the batch that sent it is still going out) is kept for a day and applied when
the dispatcher records that id. Unknown statuses and the gateways' incoming-message events are accepted (200) and
ignored. Meta's incoming messages (`value.messages[]`) record when each buyer last wrote to the number (`from`,
`timestamp`; only ever moved forward, so repeated or out-of-order deliveries change nothing): free text goes to a
buyer only within 24 hours of that, otherwise the follow-up chat's Meta template (or nothing, see the follow-up's
error).
"""

_POST_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Accepted: `data.received` statuses read, `data.applied` messages changed now (a "
        "gateway status kept for a message not recorded yet is applied later). Meta's buyers' messages in the "
        "same call are recorded (each opens that buyer's 24-hour window on the number written to)."
    },
    **error_responses(
        CommonError.invalid_json,
        WhatsAppError.invalid_signature,
        WhatsAppError.invalid_secret,
        CommonError.not_found,
        CommonError.payload_too_large,
        WhatsAppError.credentials_unreadable.at(503),
    ),
}


@router.post(
    "/{integration_id}",
    summary="WhatsApp Status Webhook",
    description="Where a provider reports the delivery status of the follow-ups an integration sent. No login: "
    "authenticated per integration.\n" + _SETUP,
    responses=_POST_RESPONSES,
)
async def status_webhook(
    integration_id: IntegrationId,
    request: Request,
    db: DbDep,
    runtime: RuntimeDep,
    secret: Annotated[
        OneLineText | None,
        Query(max_length=200, description="Gateways (Fonnte, Wablas, StarSender): the integration's webhook secret."),
    ] = None,
) -> dict[str, Any]:
    body = await _read_bounded(request)
    repo = StatusRepository(db)
    integration = await repo.integration(integration_id)
    if integration is None:
        raise NotFound()
    credentials = _credentials(runtime, integration)
    signature = request.headers.get("x-hub-signature-256")
    if integration.provider == WHATSAPP_CLOUD:
        if not verify_meta_signature(str(credentials.get("app_secret", "")), body, signature):
            raise Unauthorized(
                "Invalid or missing X-Hub-Signature-256", code=WhatsAppError.invalid_signature, headers={}
            )
    elif not _same_secret(secret, credentials):
        raise Unauthorized(
            "Invalid or missing ?secret= for this integration's webhook", code=WhatsAppError.invalid_secret, headers={}
        )
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise BadRequest("Request body is not valid JSON", code=CommonError.invalid_json) from None
    updates = parse(integration.provider, payload)
    inbound = parse_meta_inbound(payload) if integration.provider == WHATSAPP_CLOUD else []
    about: list[StatusUpdate | InboundMessage] = [*updates, *inbound]
    now = runtime.clock.now()
    targets = [(integration, updates)]
    if integration.provider == WHATSAPP_CLOUD:
        routed = await meta_targets(
            db,
            integration,
            str(credentials.get("phone_number_id", "")),
            about,
            credentials_of=lambda other: _readable(runtime, other),
            signed_with=lambda app_secret: verify_meta_signature(app_secret, body, signature),
        )
        targets = [(target, [item for item in items if isinstance(item, StatusUpdate)]) for target, items in routed]
        for target, items in routed:  # buyers who wrote: their 24-hour window opens (meta_window.py)
            await open_windows(db, target.id, [item for item in items if isinstance(item, InboundMessage)], now)
    applied = 0
    for target, statuses in targets:
        applied += await apply_status_updates(db, target, statuses, now)
    return {"data": {"received": len(updates), "applied": applied}}


@router.get(
    "/{integration_id}",
    summary="WhatsApp Webhook Verification",
    description="Meta's verification handshake when the callback URL is saved in the Meta app: with "
    "`hub.mode=subscribe` and `hub.verify_token` equal to the integration's webhook secret it answers "
    "`hub.challenge` as text/plain; otherwise 403.\n" + _SETUP,
    response_class=PlainTextResponse,
    responses={
        200: {"content": {"text/plain": {"schema": {"type": "string"}}}, "description": "`hub.challenge`"},
        **error_responses(WhatsAppError.verification_failed, CommonError.not_found),
    },
)
async def verify_webhook(
    integration_id: IntegrationId,
    db: DbDep,
    runtime: RuntimeDep,
    mode: Annotated[OneLineText | None, Query(alias="hub.mode", max_length=50)] = None,
    verify_token: Annotated[OneLineText | None, Query(alias="hub.verify_token", max_length=200)] = None,
    challenge: Annotated[OneLineText | None, Query(alias="hub.challenge", max_length=500)] = None,
) -> PlainTextResponse:
    integration = await StatusRepository(db).integration(integration_id)
    if integration is None:
        raise NotFound()
    credentials = _credentials(runtime, integration)
    if mode != "subscribe" or challenge is None or not _same_secret(verify_token, credentials):
        raise Forbidden(
            "Verification refused: wrong hub.mode or hub.verify_token", code=WhatsAppError.verification_failed
        )
    return PlainTextResponse(challenge)


async def _read_bounded(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_WEBHOOK_BYTES:
        raise PayloadTooLarge(f"Webhook bodies are limited to {MAX_WEBHOOK_BYTES} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_WEBHOOK_BYTES:
            raise PayloadTooLarge(f"Webhook bodies are limited to {MAX_WEBHOOK_BYTES} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _credentials(runtime: Runtime, integration: WaIntegration) -> dict[str, Any]:
    try:
        return runtime.secrets.open(integration.credentials)
    except ValueError:
        raise ServiceUnavailable(
            "This integration's credentials cannot be decrypted with the configured encryption keys",
            code=WhatsAppError.credentials_unreadable,
        ) from None


def _readable(runtime: Runtime, integration: WaIntegration) -> dict[str, Any] | None:
    try:
        return runtime.secrets.open(integration.credentials)
    except ValueError:
        return None


def _same_secret(given: str | None, credentials: dict[str, Any]) -> bool:
    expected = credentials.get(WEBHOOK_SECRET)
    if not given or not isinstance(expected, str) or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())
