"""Meta WhatsApp Cloud API: `POST {base}/{phone_number_id}/messages` with `Authorization: Bearer <access token>`;
the answer is `{"messages": [{"id": "wamid…"}]}`, errors are `{"error": {"code", "message", …}}`. Our follow-up
message id goes in `biz_opaque_callback_data`, which Meta echoes in its status webhooks.

A plain text reaches a buyer only inside the 24-hour customer-service window (the buyer wrote to the number in
the last 24 hours); outside it Meta refuses with 131047 and only approved templates may be sent: `type: template`
with `template: {name, language: {code}, components: [{type: header|body, parameters: [...]}]}`.
`list_templates` reads the account's approved templates (`GET /{waba_id}/message_templates`, cursor paging).
Facts and what was not documented: docs/providers/whatsapp-cloud.md."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from bosonline.integrations.whatsapp.base import (
    OUTSIDE_WINDOW_ERROR,
    CheckResult,
    OutgoingMessage,
    SendResult,
    TemplateMessage,
)
from bosonline.integrations.whatsapp.http import (
    UNAUTHORIZED,
    HttpAdapter,
    check_for_failure,
    clean,
    first_id,
    for_status,
    text_of,
    unreadable,
)

OUTSIDE_WINDOW = 131047
RATE_LIMITS = frozenset({4, 80007, 130429, 131056})
TOKEN_ERRORS = frozenset({190})
MAX_CALLBACK_DATA = 512
_PHONE_NUMBER_ID = re.compile(r"^[0-9]{1,32}$")
_VERSIONED = re.compile(r"/v[0-9]+\.[0-9]+$")
# Template listing: pages of TEMPLATE_PAGE, at most TEMPLATE_PAGES of them (a bounded answer, one request each).
TEMPLATE_PAGE = 100
TEMPLATE_PAGES = 10
TEMPLATE_FIELDS = "name,language,status,category,components,parameter_format"
_BODY_VARIABLE = re.compile(r"\{\{\s*([A-Za-z0-9_]{1,64})\s*\}\}")
# Meta refuses a template parameter with a line break or a tab, or more than 4 spaces in a row.
_BREAKS = re.compile(r"\s*[\r\n\t]+\s*")
_SPACES = re.compile(r" {4,}")


def graph_base(settings: Any) -> str:
    """The Graph API base with its version: `whatsapp_cloud_base_url` + `/` + `whatsapp_cloud_api_version`, or the
    base as it is when it already ends with a version (`…/v21.0`, the old default's form)."""
    base = str(settings.whatsapp_cloud_base_url).rstrip("/")
    if _VERSIONED.search(base):
        return base
    return f"{base}/{settings.whatsapp_cloud_api_version}"


def parameter_text(value: str) -> str:
    """A value as Meta accepts it in a template parameter: one line, no tab, no run of 4+ spaces, not empty."""
    flat = _SPACES.sub(" ", _BREAKS.sub(" · ", value.strip()))
    return flat or "-"


def template_payload(template: TemplateMessage) -> dict[str, Any]:
    """The `template` object of a send."""
    components: list[dict[str, Any]] = []
    if template.header_image:
        components.append(
            {"type": "header", "parameters": [{"type": "image", "image": {"link": template.header_image}}]}
        )
    elif template.header_text is not None:
        components.append(
            {"type": "header", "parameters": [{"type": "text", "text": parameter_text(template.header_text)}]}
        )
    if template.body:
        components.append(
            {"type": "body", "parameters": [{"type": "text", "text": parameter_text(value)} for value in template.body]}
        )
    payload: dict[str, Any] = {"name": template.name, "language": {"code": template.language}}
    if components:
        payload["components"] = components
    return payload


@dataclass(frozen=True)
class MetaTemplate:
    """One approved template of the account, as the integration's template list shows it."""

    name: str
    language: str
    category: str
    status: str
    body: str
    body_parameters: int
    header_format: str | None
    parameter_format: str


@dataclass(frozen=True)
class TemplateListing:
    templates: list[MetaTemplate] = field(default_factory=list)
    complete: bool = True  # False: more than TEMPLATE_PAGES pages, the rest left out
    error: str | None = None  # why nothing could be listed


class WhatsAppCloudAdapter(HttpAdapter):
    provider = "whatsapp_cloud"
    required = ("phone_number_id", "access_token")

    def _number_url(self) -> str | None:
        phone_number_id = self.credentials.get("phone_number_id", "").strip()
        if not _PHONE_NUMBER_ID.match(phone_number_id):
            return None
        return f"{graph_base(self.settings)}/{quote(phone_number_id)}"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credentials['access_token']}"}

    async def _send(self, message: OutgoingMessage) -> SendResult:
        number_url = self._number_url()
        if number_url is None:
            return SendResult("failed", error="invalid phone number id: digits only, from Meta's WhatsApp Manager")
        body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": message.to}
        if message.template is not None:
            body |= {"type": "template", "template": template_payload(message.template)}
        elif message.image_url:
            body |= {"type": "image", "image": {"link": message.image_url, "caption": message.text}}
        else:
            body |= {"type": "text", "text": {"body": message.text, "preview_url": False}}
        if message.reference and len(message.reference.encode()) <= MAX_CALLBACK_DATA:
            body["biz_opaque_callback_data"] = message.reference
        answer = await self._call("POST", f"{number_url}/messages", headers=self._headers(), json_body=body)
        if answer.result is not None:
            return answer.result
        data = answer.data if isinstance(answer.data, dict) else None
        if not 200 <= answer.status < 300:
            return _error_result(answer.status, data, answer.text)
        messages = data.get("messages") if data else None
        first = messages[0] if isinstance(messages, list) and messages else None
        message_id = first_id(first.get("id")) if isinstance(first, dict) else None
        if message_id is None:
            return unreadable(answer)
        return SendResult("sent", message_id=message_id)

    async def _check(self) -> CheckResult:
        number_url = self._number_url()
        if number_url is None:
            return CheckResult(False, "error", "invalid phone number id: digits only")
        fields = {"fields": "display_phone_number,verified_name,quality_rating"}
        answer = await self._call("GET", number_url, headers=self._headers(), params=fields)
        if answer.result is None and not 200 <= answer.status < 300:
            code, reason = _error_of(answer.data if isinstance(answer.data, dict) else None)
            if code in TOKEN_ERRORS or answer.status in (401, 403):
                return CheckResult(False, "unauthorized", clean(f"{UNAUTHORIZED} ({reason})"))
            return CheckResult(False, "error", clean(f"HTTP {answer.status}: {reason or answer.text[:200]}"))
        if (failure := check_for_failure(answer)) is not None:
            return failure
        data = answer.data
        if not data.get("display_phone_number") and not data.get("verified_name"):
            return CheckResult(False, "error", "unexpected answer: no display_phone_number")
        detail = text_of(
            f"{data.get('display_phone_number', '')} {data.get('verified_name', '')}; quality "
            f"{data.get('quality_rating', '?')}"
        )
        return CheckResult(True, "connected", detail)

    async def list_templates(self) -> TemplateListing:
        """The account's APPROVED templates, following Meta's `paging.cursors.after` while `paging.next` is given,
        at most TEMPLATE_PAGES requests. Never raises for what Meta answers."""
        if problem := self.missing("access_token", "waba_id"):
            return TemplateListing(error=problem)
        waba_id = self.credentials["waba_id"].strip()
        if not _PHONE_NUMBER_ID.match(waba_id):
            return TemplateListing(error="invalid WhatsApp Business Account id: digits only")
        return await self._list_templates(f"{graph_base(self.settings)}/{quote(waba_id)}/message_templates")

    async def _list_templates(self, url: str) -> TemplateListing:
        templates: list[MetaTemplate] = []
        params = {"status": "APPROVED", "fields": TEMPLATE_FIELDS, "limit": str(TEMPLATE_PAGE)}
        for _ in range(TEMPLATE_PAGES):
            answer = await self._call("GET", url, headers=self._headers(), params=params)
            if answer.result is not None:
                return TemplateListing(error=answer.result.error or "no answer from Meta")
            data = answer.data if isinstance(answer.data, dict) else None
            if not 200 <= answer.status < 300:
                code, reason = _error_of(data)
                if code in TOKEN_ERRORS or answer.status in (401, 403):
                    return TemplateListing(error=clean(f"{UNAUTHORIZED} ({reason})"))
                return TemplateListing(error=clean(f"HTTP {answer.status}: {reason or answer.text[:200]}"))
            if data is None or not isinstance(data.get("data"), list):
                return TemplateListing(error="unexpected answer: no data list")
            templates += [found for item in data["data"] if (found := _template_of(item)) is not None]
            paging = _object(data.get("paging"))
            after = _object(paging.get("cursors")).get("after")
            if not paging.get("next") or not isinstance(after, str) or not after:
                return TemplateListing(templates)
            params = {**params, "after": after}
        return TemplateListing(templates, complete=False)


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _template_of(item: Any) -> MetaTemplate | None:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str) or not isinstance(item.get("language"), str):
        return None
    if item.get("status", "APPROVED") != "APPROVED":
        return None
    body, header = "", None
    components = item.get("components")
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, dict):
            continue
        kind = str(component.get("type", "")).upper()
        if kind == "BODY" and isinstance(component.get("text"), str):
            body = component["text"]
        elif kind == "HEADER":
            header = str(component.get("format") or "TEXT").upper()
    return MetaTemplate(
        name=clean(item["name"], 512),
        language=clean(item["language"], 20),
        category=clean(item.get("category") or "", 40),
        status="APPROVED",
        body=body[:1024],
        body_parameters=len(set(_BODY_VARIABLE.findall(body))),
        header_format=header,
        parameter_format=clean(item.get("parameter_format") or "POSITIONAL", 20),
    )


def _error_of(data: dict[str, Any] | None) -> tuple[int | None, str]:
    error = data.get("error") if data else None
    if not isinstance(error, dict):
        return None, ""
    code = error.get("code")
    code = code if isinstance(code, int) and not isinstance(code, bool) else None
    details = error.get("error_data", {}).get("details") if isinstance(error.get("error_data"), dict) else None
    reason = text_of(error.get("message"))
    if details:
        reason = f"{reason}: {text_of(details)}" if reason else text_of(details)
    return code, reason


def _error_result(status: int, data: dict[str, Any] | None, text: str) -> SendResult:
    code, reason = _error_of(data)
    if code == OUTSIDE_WINDOW:
        return SendResult("failed", error=clean(f"{OUTSIDE_WINDOW_ERROR} [131047: {reason}]", 500))
    if code in RATE_LIMITS:
        return SendResult("retry", error=clean(f"rate limited by Meta ({code}: {reason})"))
    if code in TOKEN_ERRORS:
        return SendResult("failed", error=clean(f"{UNAUTHORIZED} ({code}: {reason})"))
    return for_status(status, f"{code}: {reason}" if code is not None else reason or text_of(text[:120]))
