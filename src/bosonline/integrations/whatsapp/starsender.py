"""StarSender (api.starsender.online): `POST /api/send` JSON `{"messageType": "text", "to", "body"}` (media:
`"messageType": "media"` with `"file"`: the image URL, `body` its caption), header `Authorization: <device key>`;
the answer is `{"success": true, "data": {…}, "message": "…"}`.

Not documented in our reference: the message id (taken from `data.id` / `data.message_id` when present) and the
device status call; `GET /api/device/status` with the device key is our reading of their device API and is only
used by the "check status" button, never by sending."""

from __future__ import annotations

from typing import Any

from bosonline.integrations.whatsapp.base import CheckResult, OutgoingMessage, SendResult
from bosonline.integrations.whatsapp.http import GatewayAdapter, first_id, text_of

CONNECTED = ("connected", "connect", "online", "ready")


class StarSenderAdapter(GatewayAdapter):
    provider = "starsender"
    flag = "success"
    label = "StarSender"
    base_url_setting = "starsender_base_url"

    def _message_id(self, data: dict[str, Any]) -> str | None:
        found = self._inner(data)
        for key in ("id", "message_id", "messageId"):
            if (message_id := first_id(found.get(key))) is not None:
                return message_id
        return None

    async def _send(self, message: OutgoingMessage) -> SendResult:
        body: dict[str, Any] = {"messageType": "text", "to": message.to, "body": message.text}
        if message.image_url:
            body = {"messageType": "media", "to": message.to, "body": message.text, "file": message.image_url}
        return await self._deliver("POST", self._url("/api/send"), headers=self._headers(), json_body=body)

    async def _check(self) -> CheckResult:
        data = await self._device("GET", self._url("/api/device/status"), headers=self._headers())
        if isinstance(data, CheckResult):
            return data
        device = self._inner(data)
        state = text_of(device.get("status")).lower()
        detail = text_of(f"device {device.get('device', '')}")
        return self._connection(state, connected=state in CONNECTED, detail=detail)
