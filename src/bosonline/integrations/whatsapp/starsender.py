"""StarSender (api.starsender.online): `POST /api/send` JSON `{"messageType": "text", "to", "body"}` (media:
`"messageType": "media"` with `"file"`: the image URL, `body` its caption), header `Authorization: <device key>`;
the answer is `{"success": true, "data": {…}, "message": "…"}`.

Not documented in our reference: the message id (taken from `data.id` / `data.message_id` when present) and the
device status call; `GET /api/device/status` with the device key is our reading of their device API and is only
used by the "check status" button, never by sending."""

from __future__ import annotations

from typing import Any

from bosonline.integrations.whatsapp.base import CheckResult, OutgoingMessage, SendResult
from bosonline.integrations.whatsapp.http import (
    HttpAdapter,
    call,
    check_for_failure,
    device_refusal,
    first_id,
    gateway_result,
    text_of,
)


class StarSenderAdapter(HttpAdapter):
    provider = "starsender"

    @property
    def _base(self) -> str:
        return str(self.settings.starsender_base_url).rstrip("/")

    async def _send(self, message: OutgoingMessage) -> SendResult:
        if problem := self.missing("token"):
            return SendResult("failed", error=problem)
        body: dict[str, Any] = {"messageType": "text", "to": message.to, "body": message.text}
        if message.image_url:
            body = {"messageType": "media", "to": message.to, "body": message.text, "file": message.image_url}
        answer = await call(
            self.client,
            "POST",
            f"{self._base}/api/send",
            deadline=self.deadline,
            headers={"Authorization": self.credentials["token"]},
            json_body=body,
        )
        return gateway_result(
            answer,
            flag="success",
            reason=lambda data: text_of(data.get("message")),
            message_id=lambda data: _message_id(data.get("data")),
        )

    async def _check(self) -> CheckResult:
        if problem := self.missing("token"):
            return CheckResult(False, "unauthorized", problem)
        answer = await call(
            self.client,
            "GET",
            f"{self._base}/api/device/status",
            deadline=self.deadline,
            headers={"Authorization": self.credentials["token"]},
        )
        if (failure := check_for_failure(answer)) is not None:
            return failure
        data = answer.data
        if (refused := device_refusal(data, flag="success", reason=text_of(data.get("message")))) is not None:
            return refused
        device = data.get("data") if isinstance(data.get("data"), dict) else {}
        state = text_of(device.get("status")).lower()
        if state in ("connected", "connect", "online", "ready"):
            return CheckResult(True, "connected", text_of(f"device {device.get('device', '')}"))
        return CheckResult(False, "disconnected", f"device {state or 'not connected'}: scan the QR code in StarSender")


def _message_id(data: object) -> str | None:
    if not isinstance(data, dict):
        return None
    for key in ("id", "message_id", "messageId"):
        if (found := first_id(data.get(key))) is not None:
            return found
    return None
