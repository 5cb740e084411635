"""Meta WhatsApp Cloud API: `POST {base}/{phone_number_id}/messages` with `Authorization: Bearer <access token>`;
the answer is `{"messages": [{"id": "wamid…"}]}`, errors are `{"error": {"code", "message", …}}`. Our follow-up
message id goes in `biz_opaque_callback_data`, which Meta echoes in its status webhooks.

A plain text reaches a buyer only inside the 24-hour customer-service window (the buyer wrote to the number in
the last 24 hours); outside it Meta refuses with 131047 and only approved templates may be sent."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from bosonline.integrations.whatsapp.base import CheckResult, OutgoingMessage, SendResult
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


class WhatsAppCloudAdapter(HttpAdapter):
    provider = "whatsapp_cloud"
    required = ("phone_number_id", "access_token")

    def _number_url(self) -> str | None:
        phone_number_id = self.credentials.get("phone_number_id", "").strip()
        if not _PHONE_NUMBER_ID.match(phone_number_id):
            return None
        return f"{str(self.settings.whatsapp_cloud_base_url).rstrip('/')}/{quote(phone_number_id)}"

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.credentials['access_token']}"}

    async def _send(self, message: OutgoingMessage) -> SendResult:
        number_url = self._number_url()
        if number_url is None:
            return SendResult("failed", error="invalid phone number id: digits only, from Meta's WhatsApp Manager")
        body: dict[str, Any] = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": message.to}
        if message.image_url:
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
        return SendResult(
            "failed",
            error=clean(
                "outside the 24-hour customer-service window: Meta only delivers approved templates until the buyer "
                f"writes to this number (131047: {reason})"
            ),
        )
    if code in RATE_LIMITS:
        return SendResult("retry", error=clean(f"rate limited by Meta ({code}: {reason})"))
    if code in TOKEN_ERRORS:
        return SendResult("failed", error=clean(f"{UNAUTHORIZED} ({code}: {reason})"))
    return for_status(status, f"{code}: {reason}" if code is not None else reason or text_of(text[:120]))
