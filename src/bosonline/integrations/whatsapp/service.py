"""Rules of the store's WhatsApp integrations: at most 20, one per number, credentials sealed at rest (never
answered), an optional owner CS, and Check Status against the provider."""

from __future__ import annotations

import asyncio
import builtins
import secrets
from typing import Any

import httpx

from bosonline.errors import AppError, Conflict, NotFound, ValidationFailed, conflict_for
from bosonline.integrations.whatsapp.base import (
    CREDENTIAL_FIELDS,
    WEBHOOK_SECRET,
    WHATSAPP_CLOUD,
    CheckResult,
    accepted_credentials,
)
from bosonline.integrations.whatsapp.errors import WhatsAppError
from bosonline.integrations.whatsapp.registry import adapter_for
from bosonline.integrations.whatsapp.repository import WaIntegrationRepository
from bosonline.integrations.whatsapp.schemas import (
    MAX_INTEGRATIONS_PER_STORE,
    CheckOut,
    LastCheckOut,
    MetaTemplateOut,
    MetaTemplatesOut,
    OwnerOut,
    WaIntegrationDeletedOut,
    WaIntegrationIn,
    WaIntegrationOut,
    WaIntegrationUpdate,
    credential_problems,
)
from bosonline.integrations.whatsapp.whatsapp_cloud import WhatsAppCloudAdapter
from bosonline.kit.crypto import mask
from bosonline.kit.pagination import Page, PageParams
from bosonline.kit.schemas import from_row
from bosonline.models.followup import INTEGRATION_PHONE_UNIQUE, WaIntegration
from bosonline.tenancy import RepositoryService

MAX_DETAIL = 300


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(24)


class CredentialsUnreadable(Conflict):
    code = WhatsAppError.credentials_unreadable
    message = (
        "The stored credentials of this integration cannot be decrypted (the server's encryption keys changed): "
        "enter them again with Edit WhatsApp Integration"
    )


class MetaTemplatesUnavailable(AppError):
    status_code = 502
    code = WhatsAppError.meta_templates_unavailable


class WaIntegrationService(RepositoryService[WaIntegrationRepository]):
    repository = WaIntegrationRepository

    # Reads --------------------------------------------------------------------------------------------------

    async def list(
        self, params: PageParams, *, provider: str | None, is_active: bool | None
    ) -> tuple[list[WaIntegrationOut], Page[WaIntegration], int]:
        page, total = await self.repo.page(params, provider=provider, is_active=is_active)
        return await self._out(page.items), page, total

    async def get(self, integration_id: int) -> WaIntegrationOut:
        return (await self._out([await self.repo.found(WaIntegration, integration_id)]))[0]

    # Writes -------------------------------------------------------------------------------------------------

    async def create(self, data: WaIntegrationIn) -> WaIntegrationOut:
        await self._check_owner(data.owner_member_id)
        await self.repo.lock_store()
        if await self.repo.phone_holder(data.phone_number) is not None:
            raise conflict_for(INTEGRATION_PHONE_UNIQUE)
        if await self.repo.count_of(WaIntegration) >= MAX_INTEGRATIONS_PER_STORE:
            raise Conflict(
                f"A store can have at most {MAX_INTEGRATIONS_PER_STORE} WhatsApp integrations; delete one first",
                code=WhatsAppError.wa_integration_limit_reached,
            )
        now = self.rt.clock.now()
        sealed = {**data.credentials, WEBHOOK_SECRET: new_webhook_secret()}
        integration = WaIntegration(
            name=data.name,
            phone_number=data.phone_number,
            provider=data.provider,
            credentials=self.rt.secrets.seal(sealed),
            pacing_per_minute=data.pacing_per_minute,
            is_active=data.is_active,
            owner_member_id=data.owner_member_id,
            created_at=now,
            updated_at=now,
        )
        await self.repo.insert(integration)
        return (await self._out([integration]))[0]

    async def update(self, integration_id: int, data: WaIntegrationUpdate) -> WaIntegrationOut:
        integration = await self.repo.found(WaIntegration, integration_id, for_update=True)
        await self._check_owner(data.owner_member_id)
        if data.phone_number != integration.phone_number:
            holder = await self.repo.phone_holder(data.phone_number)
            if holder is not None and holder != integration.id:
                raise conflict_for(INTEGRATION_PHONE_UNIQUE)
        if data.provider != integration.provider:
            await self._check_unused(integration)
        stored = self._open(integration)
        given = dict(data.credentials or {})
        if stored is None and not self._complete(data.provider, given):
            raise CredentialsUnreadable()
        stored = stored or {}
        if data.provider == integration.provider:
            merged = {key: stored[key] for key in accepted_credentials(data.provider) if key in stored} | given
        else:
            merged = given  # another provider's secrets mean nothing to this one
        problems = credential_problems(data.provider, merged, complete=True)
        if problems:
            if data.provider != integration.provider:
                problems = {
                    key: why + " (changing the provider needs its full credentials)" for key, why in problems.items()
                }
            raise ValidationFailed(fields=problems)
        secret = stored.get(WEBHOOK_SECRET)
        if data.rotate_webhook_secret or not secret:
            secret = new_webhook_secret()
        integration.name = data.name
        integration.phone_number = data.phone_number
        integration.provider = data.provider
        integration.credentials = self.rt.secrets.seal({**merged, WEBHOOK_SECRET: secret})
        integration.pacing_per_minute = data.pacing_per_minute
        integration.is_active = data.is_active
        integration.owner_member_id = data.owner_member_id
        integration.updated_at = self.rt.clock.now()
        await self.session.flush()
        return (await self._out([integration]))[0]

    async def delete(self, integration_id: int) -> WaIntegrationDeletedOut:
        integration = await self.repo.found(WaIntegration, integration_id, for_update=True)
        detached = await self.repo.templates_using(integration.id)
        await self.repo.remove(integration.id)
        return WaIntegrationDeletedOut(id=integration_id, templates_detached=detached)

    async def check_status(self, integration_id: int) -> CheckOut:
        integration = await self.repo.found(WaIntegration, integration_id)
        credentials = self._open(integration)
        if credentials is None:
            raise CredentialsUnreadable()
        provider, phone_number = integration.provider, integration.phone_number
        # End the request's transaction before calling the provider: on SQLite it holds the database's write lock,
        # which must not wait on a network call of up to `wa_send_timeout_seconds`. Nothing was written yet.
        await self.session.commit()
        result = await self._ask_provider(provider, credentials, phone_number)
        checked_at = self.rt.clock.now()
        detail = result.detail[:MAX_DETAIL] if result.detail else None
        if not await self.repo.record_check(integration_id, status=result.status, detail=detail, at=checked_at):
            raise NotFound()  # deleted while the provider was asked
        return CheckOut(
            status=result.status,
            ok=result.ok,
            detail=detail,
            checked_at=checked_at,
        )

    async def meta_templates(self, integration_id: int) -> MetaTemplatesOut:
        """The approved message templates of a whatsapp_cloud integration's WhatsApp Business Account."""
        integration = await self.repo.found(WaIntegration, integration_id)
        if integration.provider != WHATSAPP_CLOUD:
            raise Conflict(
                f"This is a {integration.provider} integration: only whatsapp_cloud has Meta message templates",
                code=WhatsAppError.not_whatsapp_cloud,
            )
        credentials = self._open(integration)
        if credentials is None:
            raise CredentialsUnreadable()
        if not str(credentials.get("waba_id") or "").strip():
            raise Conflict(
                "Add the WhatsApp Business Account id (credentials.waba_id, digits, from WhatsApp Manager) with Edit "
                "WhatsApp Integration to list its templates",
                code=WhatsAppError.waba_id_missing,
                fields={"credentials.waba_id": "is required to list the account's message templates"},
            )
        phone_number = integration.phone_number
        await self.session.commit()  # no write lock held while Meta answers (as check_status)
        settings = self.rt.settings
        async with httpx.AsyncClient(
            timeout=httpx.Timeout(settings.wa_send_timeout_seconds), follow_redirects=False, trust_env=False
        ) as client:
            listing = await WhatsAppCloudAdapter(credentials, phone_number, client, settings).list_templates()
        if listing.error is not None:
            raise MetaTemplatesUnavailable(f"Meta did not give the template list: {listing.error}"[:MAX_DETAIL])
        return MetaTemplatesOut(
            templates=[MetaTemplateOut.model_validate(item, from_attributes=True) for item in listing.templates],
            complete=listing.complete,
        )

    # Helpers ------------------------------------------------------------------------------------------------

    async def _ask_provider(self, provider: str, credentials: dict[str, Any], phone_number: str) -> CheckResult:
        settings = self.rt.settings
        deadline = settings.wa_send_timeout_seconds
        async with httpx.AsyncClient(
            timeout=httpx.Timeout(deadline), follow_redirects=False, trust_env=False
        ) as client:
            adapter = adapter_for(provider, credentials, phone_number, client, settings)
            try:
                async with asyncio.timeout(deadline):
                    return await adapter.check()
            except TimeoutError:
                return CheckResult(ok=False, status="unreachable", detail=f"no answer within {deadline:g} s")
            except httpx.HTTPError as exc:
                return CheckResult(ok=False, status="unreachable", detail=f"{type(exc).__name__}: {exc}"[:MAX_DETAIL])

    async def _check_unused(self, integration: WaIntegration) -> None:
        """A template names its number together with the provider it sends with: the number's provider cannot
        change under it (its follow-ups would fail, and every edit of its integration would be refused)."""
        using = await self.repo.templates_using(integration.id)
        if using:
            templates = "1 follow-up chat template uses" if using == 1 else f"{using} follow-up chat templates use"
            raise Conflict(
                f"{templates} this number with provider {integration.provider}: point them to another number "
                "(their wa_integration_id) before changing its provider",
                code=WhatsAppError.wa_integration_in_use,
                fields={"provider": f"used by {using} follow-up chat template{'s' if using != 1 else ''}"},
            )

    async def _check_owner(self, member_id: int | None) -> None:
        if member_id is not None and await self.repo.active_member(member_id) is None:
            raise ValidationFailed(fields={"owner_member_id": "must be an active staff member of this store"})

    def _open(self, integration: WaIntegration) -> dict[str, Any] | None:
        try:
            return self.rt.secrets.open(integration.credentials)
        except ValueError:
            return None

    @staticmethod
    def _complete(provider: str, credentials: dict[str, str]) -> bool:
        return all(key in credentials for key in CREDENTIAL_FIELDS[provider])

    async def _out(self, integrations: builtins.list[WaIntegration]) -> builtins.list[WaIntegrationOut]:
        owner_ids = {i.owner_member_id for i in integrations if i.owner_member_id is not None}
        names = await self.repo.member_names(owner_ids)
        return [self._one(integration, names) for integration in integrations]

    def _one(self, integration: WaIntegration, names: dict[int, str]) -> WaIntegrationOut:
        opened = self._open(integration)
        owner = None
        if integration.owner_member_id is not None and integration.owner_member_id in names:
            owner = OwnerOut(id=integration.owner_member_id, name=names[integration.owner_member_id])
        last_check = None
        if integration.last_check_status and integration.last_checked_at:
            last_check = LastCheckOut(
                status=integration.last_check_status,
                detail=integration.last_check_detail,
                checked_at=integration.last_checked_at,
            )
        secret = (opened or {}).get(WEBHOOK_SECRET)
        cloud = integration.provider == WHATSAPP_CLOUD
        return from_row(
            WaIntegrationOut,
            integration,
            owner=owner,
            credentials={
                key: mask(str(opened[key])) for key in accepted_credentials(integration.provider) if key in opened
            }
            if opened
            else {},
            credentials_readable=opened is not None,
            status_webhook_url=self._webhook_url(integration.id, None if cloud else secret) if secret else None,
            verify_token=secret if cloud else None,
            last_check=last_check,
        )

    def _webhook_url(self, integration_id: int, secret: str | None) -> str:
        url = f"{self.rt.settings.public_base_url.rstrip('/')}/webhooks/whatsapp/{integration_id}"
        return f"{url}?secret={secret}" if secret else url
