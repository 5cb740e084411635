"""HTTP routes of the store's WhatsApp integrations (/store/wa-integration)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query, status

from bosonline.deps import store_service
from bosonline.errors import error_responses
from bosonline.integrations.whatsapp.errors import WhatsAppError
from bosonline.integrations.whatsapp.schemas import (
    CREDENTIALS_DOC,
    MAX_INTEGRATIONS_PER_STORE,
    PACING_DOC,
    CheckOut,
    MetaTemplatesOut,
    Provider,
    WaIntegrationDeletedOut,
    WaIntegrationIn,
    WaIntegrationOut,
    WaIntegrationUpdate,
)
from bosonline.integrations.whatsapp.service import WaIntegrationService
from bosonline.kit.fields import path_id
from bosonline.kit.pagination import PageQuery
from bosonline.kit.schemas import Envelope, ListEnvelope
from bosonline.permissions import Permission
from bosonline.routing import api_router

router = api_router(prefix="/store/wa-integration", tags=["WhatsApp"])

IntegrationId = Annotated[int, path_id("WhatsApp integration id.")]
Manager = Annotated[WaIntegrationService, store_service(WaIntegrationService, Permission.integrations_write)]

GUIDE = f"""
**What an integration is.** A WhatsApp number of the store and the provider that sends from it. Follow-up chat
templates with a gateway `provider` send through one (`wa_integration_id`, or chosen per order by
`wa_gateway_assignation_type`: `fixed`, `handler` = the number whose `owner_member_id` is the order's CS,
`rotator` = round-robin over the active ones of the template's provider; an order keeps the last number that
wrote to it). Owners and admins only (a CS gets 403).

**Credentials.** {CREDENTIALS_DOC}

**Pacing.** {PACING_DOC}

**Status webhooks.** Each integration has a generated secret: `status_webhook_url` carries it for the gateways
(`…/webhooks/whatsapp/<id>?secret=…`), and for `whatsapp_cloud` it is the `verify_token` of Meta's webhook
handshake (Meta's deliveries are checked with `app_secret` instead). Edits keep it unless `rotate_webhook_secret`.
""".strip()

_CONFLICTS = error_responses(WhatsAppError.wa_integration_exists, WhatsAppError.wa_integration_limit_reached)
_EDIT_CONFLICTS = error_responses(
    WhatsAppError.wa_integration_exists, WhatsAppError.credentials_unreadable, WhatsAppError.wa_integration_in_use
)
_UNREADABLE = error_responses(WhatsAppError.credentials_unreadable)


def _doc(text: str) -> dict[str, Any]:
    return {"description": text.strip() + "\n\n" + GUIDE}


@router.get(
    "",
    summary="List WhatsApp Integration",
    **_doc(
        "The store's WhatsApp integrations, oldest first (keyset pagination; at most "
        f"{MAX_INTEGRATIONS_PER_STORE} per store), with masked credentials and the last Check Status result."
    ),
)
async def list_integrations(
    service: Manager,
    page: PageQuery,
    provider: Annotated[Provider | None, Query(description="Only integrations of this provider.")] = None,
    is_active: Annotated[bool | None, Query(description="Only active (true) or inactive (false) ones.")] = None,
) -> ListEnvelope[WaIntegrationOut]:
    items, result, total = await service.list(page, provider=provider, is_active=is_active)
    return ListEnvelope.page(items, result.next_cursor, total)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Add WhatsApp Integration",
    responses=_CONFLICTS,
    **_doc(
        "Adds a number: `name`, `phone_number` (Indonesian mobile, unique in the store), `provider`, "
        "`credentials` (all the provider's keys), `pacing_per_minute` (default 10), `is_active` (default true), "
        "`owner_member_id` (optional CS). Bad or missing fields answer 422 naming them."
    ),
)
async def create_integration(body: WaIntegrationIn, service: Manager) -> Envelope[WaIntegrationOut]:
    return Envelope(data=await service.create(body))


@router.get(
    "/{integration_id:int}",
    summary="WhatsApp Integration Detail",
    **_doc("One integration. Another store's id answers 404."),
)
async def get_integration(integration_id: IntegrationId, service: Manager) -> Envelope[WaIntegrationOut]:
    return Envelope(data=await service.get(integration_id))


@router.put(
    "/{integration_id:int}",
    summary="Edit WhatsApp Integration",
    responses=_EDIT_CONFLICTS,
    **_doc(
        "Replaces `name`, `phone_number`, `provider`, `pacing_per_minute`, `is_active` and `owner_member_id` "
        "(left out: their defaults). `credentials`: left out, they stay; given, its keys replace those keys. "
        "Changing `provider` needs all of the new provider's credentials (422 naming the missing ones), and no "
        "follow-up chat template may name the integration (`wa_integration_id`): a template sends with its own "
        "`provider`, so the change is refused with 409 `wa_integration_in_use`, saying how many templates use it. "
        "`rotate_webhook_secret: true` generates a new webhook secret (the status webhook URL and verify token "
        "change)."
    ),
)
async def update_integration(
    integration_id: IntegrationId, body: WaIntegrationUpdate, service: Manager
) -> Envelope[WaIntegrationOut]:
    return Envelope(data=await service.update(integration_id, body))


@router.delete(
    "/{integration_id:int}",
    summary="Delete WhatsApp Integration",
    **_doc(
        "Removes the integration. Follow-up chat templates that named it stay, with `wa_integration_id` null "
        "(`templates_detached` counts them); follow-ups it already sent keep their history."
    ),
)
async def delete_integration(integration_id: IntegrationId, service: Manager) -> Envelope[WaIntegrationDeletedOut]:
    return Envelope(data=await service.delete(integration_id))


@router.post(
    "/{integration_id:int}/check-status",
    summary="Check WhatsApp Integration Status",
    responses=_UNREADABLE,
    **_doc(
        "Asks the provider, with the stored credentials, whether the number can send (device status for the "
        "gateways, the phone number's details for `whatsapp_cloud`), within the server's "
        "`wa_send_timeout_seconds`. Sends no message. The result is stored as `last_check`. `status`: "
        "`connected`, `disconnected`, `unauthorized`, `unreachable` or `error`."
    ),
)
async def check_integration(integration_id: IntegrationId, service: Manager) -> Envelope[CheckOut]:
    return Envelope(data=await service.check_status(integration_id))


@router.get(
    "/{integration_id:int}/templates",
    summary="List Meta Message Templates",
    responses=error_responses(
        WhatsAppError.not_whatsapp_cloud,
        WhatsAppError.waba_id_missing,
        WhatsAppError.credentials_unreadable,
        WhatsAppError.meta_templates_unavailable,
    ),
    **_doc(
        "`whatsapp_cloud` only: the APPROVED message templates of the integration's WhatsApp Business Account "
        "(`credentials.waba_id`, else 409 `waba_id_missing`), asked from Meta now (Graph API "
        "`GET /{waba_id}/message_templates`, following its paging; at most 1,000 templates, `complete` false when "
        "there are more). Each with its name, language, category, body text and number of body parameters: "
        "what a follow-up chat's Meta template (`PUT /store/follow-up-chats/{id}/meta-template`) names and maps. "
        "Meta unreachable, or refusing the credentials: 502 `meta_templates_unavailable` saying why."
    ),
)
async def list_meta_templates(integration_id: IntegrationId, service: Manager) -> Envelope[MetaTemplatesOut]:
    return Envelope(data=await service.meta_templates(integration_id))
