"""Rules of follow-up chat templates, for a product (`product_id`) or the store's defaults (`product_id=None`):
validation across fields and against the store (payment categories sold, integrations, media), limits, order,
the generated default set, and what deleting a template does to follow-ups still waiting."""

from __future__ import annotations

import builtins
import re
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from bosonline.errors import Conflict, NotFound, ValidationFailed, validation_fields
from bosonline.followup import rules
from bosonline.followup.errors import FollowupError
from bosonline.followup.render import LEAD_PLACEHOLDERS
from bosonline.followup.schedule import follow_provider
from bosonline.followup.templates.defaults import DEFAULT_SET
from bosonline.followup.templates.meta_service import meta_template_problems
from bosonline.followup.templates.repository import TemplateRepository
from bosonline.followup.templates.schemas import (
    MAX_TEMPLATES,
    TEXT_FIELDS,
    FollowupChatIn,
    FollowupChatOut,
    GenerateIn,
    current_values,
)
from bosonline.kit.attributes import assign, attributes
from bosonline.kit.pagination import PageParams
from bosonline.models import FollowupChat
from bosonline.tenancy import RepositoryService

DELETED_REASON = "template deleted"
_CATEGORY_LABELS = {"bank_transfer": "bank transfer", "cod": "COD", "epayment": "e-payment"}
_MEDIA_PROBE = "probe.webp"
# What a chat generated from the default set takes from it as it is (provider, trigger and sender are chosen).
_FROM_DEFAULT_SET = ("name", "hours_after", "text_for_bank_transfer", "text_for_cod", "text_for_epayment")
# Meta's WhatsApp Cloud API sends a text with an image as the image's caption, which it limits to 1,024 characters.
META_CAPTION_CHARS = 1_024
# The fields the integration rules read: a PATCH re-checks those rules only when it changes one of them.
INTEGRATION_FIELDS = frozenset({"provider", "wa_integration_id", "wa_gateway_assignation_type"})
_PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]{1,40})\s*\}\}")  # a well-formed {{name}}, as kit/placeholders.py


class TemplateService(RepositoryService[TemplateRepository]):
    repository = TemplateRepository

    # Reads --------------------------------------------------------------------------------------------------

    async def list(self, product_id: int | None, params: PageParams) -> tuple[list[FollowupChatOut], str | None]:
        await self._check_product(product_id)
        page = await self.repo.page(product_id, params)
        return await self._out_many(page.items), page.next_cursor

    async def count(self, product_id: int | None) -> int:
        return await self.repo.count(product_id)

    async def get(self, product_id: int | None, chat_id: int) -> FollowupChatOut:
        await self._check_product(product_id)
        return (await self._out_many([await self._chat(product_id, chat_id)]))[0]

    # Writes -------------------------------------------------------------------------------------------------

    async def create(self, product_id: int | None, data: FollowupChatIn) -> FollowupChatOut:
        await self._check_product(product_id)
        await self._check(product_id, data)
        chat = FollowupChat(product_id=product_id, **data.model_dump())
        await self._append(product_id, [chat])
        return (await self._out_many([chat]))[0]

    async def update(self, product_id: int | None, chat_id: int, changes: dict[str, Any]) -> FollowupChatOut:
        await self._check_product(product_id)
        chat = await self._chat(product_id, chat_id, for_update=True)
        current = current_values(chat)
        try:
            data = FollowupChatIn.model_validate({**current, **changes})
        except ValidationError as exc:
            raise ValidationFailed(fields=validation_fields(list(exc.errors()))) from exc
        changed = {name for name, value in data.model_dump().items() if value != current[name]}
        await self._check(product_id, data, changed=changed, meta=chat.meta_template)
        old_provider = chat.provider
        assign(chat, data.model_dump())
        chat.updated_at = self.rt.clock.now()
        await self.session.flush()
        if chat.provider != old_provider:  # its follow-ups still waiting go through the new provider
            await follow_provider(self.session, self.ctx.store_id, chat.id, chat.provider, chat.updated_at)
        return (await self._out_many([chat]))[0]

    async def delete(self, product_id: int | None, chat_id: int) -> None:
        await self._check_product(product_id)
        await self.repo.lock_store()  # a reorder running meanwhile waits, then no longer sees this template
        chat = await self._chat(product_id, chat_id, for_update=True)
        await self.repo.remove(chat, now=self.rt.clock.now(), reason=DELETED_REASON)

    async def generate(self, product_id: int | None, options: GenerateIn) -> builtins.list[FollowupChatOut]:
        """The default set (defaults.py), in order, with `options` applied to every template."""
        await self._check_product(product_id)
        await self.repo.lock_store()
        if await self.repo.count(product_id):
            raise Conflict(
                "This product already has follow-up chats; delete them first to generate the default set"
                if product_id is not None
                else "The store already has default follow-up chats; delete them first to generate the default set",
                code=FollowupError.followup_chats_exist,
            )
        chats = []
        for template in DEFAULT_SET:
            data = FollowupChatIn(
                **attributes(template, _FROM_DEFAULT_SET),
                provider=options.provider,
                trigger=rules.ORDER_CREATED,
                wa_gateway_assignation_type=options.wa_gateway_assignation_type,
                wa_integration_id=options.wa_integration_id,
            )
            await self._check(product_id, data)
            chats.append(FollowupChat(product_id=product_id, **data.model_dump()))
        await self._append(product_id, chats)
        return await self._out_many(chats)

    async def reorder(self, product_id: int | None, ids: Sequence[int]) -> builtins.list[FollowupChatOut]:
        await self._check_product(product_id)
        await self.repo.lock_store()
        chats = {chat.id: chat for chat in await self.repo.all(product_id)}
        if set(ids) != set(chats) or len(ids) != len(chats):
            raise ValidationFailed(
                fields={"ids": "must list every follow-up chat id of " + self._owner(product_id) + ", each once"}
            )
        now = self.rt.clock.now()
        for position, chat_id in enumerate(ids, start=1):
            chat = chats[chat_id]
            if chat.position != position:
                chat.position, chat.updated_at = position, now
        await self.session.flush()
        return await self._out_many([chats[chat_id] for chat_id in ids])

    # Helpers ------------------------------------------------------------------------------------------------

    async def _append(self, product_id: int | None, chats: builtins.list[FollowupChat]) -> None:
        """Adds templates after the last one, within the limit (counted under the store's lock)."""
        await self.repo.lock_store()
        if await self.repo.count(product_id) + len(chats) > MAX_TEMPLATES:
            raise Conflict(
                f"At most {MAX_TEMPLATES} follow-up chats for " + self._owner(product_id) + "; delete one first",
                code=FollowupError.followup_chat_limit_reached,
            )
        position = await self.repo.max_position(product_id)
        now = self.rt.clock.now()
        for chat in chats:
            position += 1
            chat.position, chat.created_at, chat.updated_at = position, now, now
        await self.repo.add_all(chats)

    @staticmethod
    def _owner(product_id: int | None) -> str:
        return "the product" if product_id is not None else "the store's defaults"

    async def _check_product(self, product_id: int | None) -> None:
        if product_id is not None and not await self.repo.product_exists(product_id):
            raise NotFound()

    async def _chat(self, product_id: int | None, chat_id: int, *, for_update: bool = False) -> FollowupChat:
        chat = await self.repo.get(product_id, chat_id, for_update=for_update)
        if chat is None:
            raise NotFound()
        return chat

    async def _check(
        self,
        product_id: int | None,
        data: FollowupChatIn,
        *,
        changed: set[str] | None = None,
        meta: dict[str, Any] | None = None,
    ) -> None:
        """The rules across fields and against the store; every problem found is reported at once. `changed`: the
        fields an edit changes (None: a new template). The integration rules are checked only when an edit changes
        one of INTEGRATION_FIELDS: a template whose number was deleted (or changed) can still be renamed. `meta`: the
        chat's Meta template, which the edit must leave sendable (meta_service.meta_template_problems)."""
        problems: dict[str, str] = {}
        problems.update(await self._text_problems(product_id, data))
        if changed is None or changed & INTEGRATION_FIELDS:
            problems.update(await self._integration_problems(data))
        if data.trigger == rules.ABANDONED:
            for name, why in self._lead_placeholder_problems(data).items():
                problems.setdefault(name, why)
        if data.image is not None and data.image.startswith("/") and not await self._is_own_media(data.image):
            problems["image"] = "must be an http(s) URL or the url of an image uploaded to this store"
        if data.provider == "whatsapp_cloud" and data.image is not None:
            for name in TEXT_FIELDS:
                if len(getattr(data, name)) > META_CAPTION_CHARS:
                    problems.setdefault(
                        name,
                        f"must be at most {META_CAPTION_CHARS:,} characters: with an image, whatsapp_cloud sends "
                        "the text as the image's caption (Meta's limit)",
                    )
        for name, why in meta_template_problems(
            meta, provider=data.provider, image=data.image, trigger=data.trigger
        ).items():
            problems.setdefault(name, why)
        if problems:
            raise ValidationFailed(fields=problems)

    async def _text_problems(self, product_id: int | None, data: FollowupChatIn) -> dict[str, str]:
        categories = {
            rules.payment_category(method)
            for methods in await self.repo.form_payment_methods(product_id)
            for method in methods
        }
        if not categories:
            if not any(getattr(data, name) for name in TEXT_FIELDS):
                return {"text_for_bank_transfer": "at least one of the three texts is required"}
            return {}
        sold = "the product is sold" if product_id is not None else "the store's forms sell"
        return {
            rules.text_field(category): f"must not be empty: {sold} with {_CATEGORY_LABELS[category]} payment"
            for category in rules.PAYMENT_CATEGORIES
            if category in categories and not getattr(data, rules.text_field(category))
        }

    @staticmethod
    def _lead_placeholder_problems(data: FollowupChatIn) -> dict[str, str]:
        """An `abandoned` follow-up goes to a checkout that is no order yet: the placeholders only an order has values
        for (render.LEAD_PLACEHOLDERS are the others) would render empty."""
        problems = {}
        for name in TEXT_FIELDS:
            found = _PLACEHOLDER.findall(getattr(data, name))
            unusable = [p for i, p in enumerate(found) if p not in LEAD_PLACEHOLDERS and p not in found[:i]]
            if unusable:
                problems[name] = (
                    "a follow-up with trigger abandoned (a checkout, no order yet) cannot use "
                    + ", ".join("{{" + p + "}}" for p in unusable)
                    + "; it may use: "
                    + ", ".join("{{" + p + "}}" for p in LEAD_PLACEHOLDERS)
                )
        return problems

    async def _integration_problems(self, data: FollowupChatIn) -> dict[str, str]:
        gateway = data.provider != rules.MANUAL
        if data.wa_integration_id is None:
            if gateway and data.wa_gateway_assignation_type == "fixed":
                return {"wa_integration_id": "is required for a gateway provider with fixed assignation"}
            return {}
        integration = (await self.repo.integrations([data.wa_integration_id])).get(data.wa_integration_id)
        if integration is None:  # another store's integration reads the same as a missing one
            return {"wa_integration_id": "no such WhatsApp integration in this store"}
        if gateway and integration.provider != data.provider:
            return {
                "wa_integration_id": f"is a {integration.provider} integration; the template's provider is "
                f"{data.provider}"
            }
        return {}

    async def _is_own_media(self, url: str) -> bool:
        base = self.rt.storage.url(_MEDIA_PROBE)[: -len(_MEDIA_PROBE)]
        if not base.startswith("/") or not url.startswith(base):
            return False
        return await self.repo.media_key_exists(url[len(base) :])

    async def _out_many(self, chats: Sequence[FollowupChat]) -> builtins.list[FollowupChatOut]:
        integrations = await self.repo.integrations(chat.wa_integration_id for chat in chats)
        return [
            FollowupChatOut.of(chat, integrations.get(chat.wa_integration_id) if chat.wa_integration_id else None)
            for chat in chats
        ]
