"""A follow-up chat's Meta message template (whatsapp_cloud, meta_schemas.py): set, read, removed; and the rules
that keep it sendable when the chat itself is edited (TemplateService._check calls meta_template_problems)."""

from __future__ import annotations

from typing import Any

from bosonline.errors import Conflict, ValidationFailed, found
from bosonline.followup import rules
from bosonline.followup.errors import FollowupError
from bosonline.followup.render import LEAD_PLACEHOLDERS
from bosonline.followup.templates.meta_schemas import MetaTemplateIn, MetaTemplateOut
from bosonline.followup.templates.repository import TemplateRepository
from bosonline.integrations.whatsapp.base import WHATSAPP_CLOUD
from bosonline.models import FollowupChat
from bosonline.tenancy import RepositoryService


def meta_template_problems(
    meta: dict[str, Any] | None, *, provider: str, image: str | None, trigger: str
) -> dict[str, str]:
    """Why the chat, as it would be, could not send its Meta template (by the chat field to fix); {} when it can."""
    if not meta:
        return {}
    problems: dict[str, str] = {}
    if provider != WHATSAPP_CLOUD:
        problems["provider"] = (
            f"this follow-up chat names the Meta template {meta.get('name')!r}, sent only by whatsapp_cloud: remove "
            "it first (DELETE …/meta-template)"
        )
    header = meta.get("header") or {}
    if header.get("type") == "image" and not image:
        problems["image"] = "the chat's Meta template has an image header: the image is required"
    if trigger == rules.ABANDONED:
        used = [*(meta.get("body") or ()), *([header["placeholder"]] if header.get("type") == "text" else [])]
        unusable = sorted({name for name in used if name not in LEAD_PLACEHOLDERS})
        if unusable:
            problems["trigger"] = (
                "an abandoned checkout has no value for the Meta template's "
                + ", ".join(unusable)
                + " (it may use: "
                + ", ".join(LEAD_PLACEHOLDERS)
                + ")"
            )
    return problems


class MetaTemplateService(RepositoryService[TemplateRepository]):
    repository = TemplateRepository

    async def get(self, chat_id: int) -> MetaTemplateOut | None:
        return _out(await self._chat(chat_id))

    async def put(self, chat_id: int, data: MetaTemplateIn) -> MetaTemplateOut:
        chat = await self._chat(chat_id, for_update=True)
        if chat.provider != WHATSAPP_CLOUD:
            raise Conflict(
                f"This follow-up chat sends with {chat.provider}: Meta templates are sent only by whatsapp_cloud "
                "(change its provider first)",
                code=FollowupError.meta_template_needs_whatsapp_cloud,
            )
        meta = data.model_dump()
        problems = meta_template_problems(meta, provider=chat.provider, image=chat.image, trigger=chat.trigger)
        if problems:
            renamed = {"image": "header", "trigger": "body"}
            raise ValidationFailed(fields={renamed.get(key, key): why for key, why in problems.items()})
        chat.meta_template = meta
        chat.updated_at = self.rt.clock.now()
        await self.session.flush()
        out = _out(chat)
        assert out is not None
        return out

    async def delete(self, chat_id: int) -> None:
        chat = await self._chat(chat_id, for_update=True)
        chat.meta_template = None
        chat.updated_at = self.rt.clock.now()
        await self.session.flush()

    async def _chat(self, chat_id: int, *, for_update: bool = False) -> FollowupChat:
        return found(await self.repo.any_of_store(chat_id, for_update=for_update))


def _out(chat: FollowupChat) -> MetaTemplateOut | None:
    meta = chat.meta_template
    if not meta:
        return None
    return MetaTemplateOut(
        follow_up_chat_id=chat.id,
        name=meta["name"],
        language=meta["language"],
        body=list(meta.get("body") or []),
        header=meta.get("header"),
    )
