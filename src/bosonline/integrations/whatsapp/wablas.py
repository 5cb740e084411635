"""Wablas (https://<server>.wablas.com; the server is part of the account, e.g. `tegal`): `POST /api/send-message`
with `phone` and `message`, images through `POST /api/send-image` with `phone`, `image` (URL) and `caption`;
header `Authorization: <token>` (accounts that also have a secret key use `<token>.<secret key>` as the token).
The answer is `{"status": true, "message": …, "data": {"messages": [{"id": …}]}}`.
`GET /api/device/info?token=<token>` tells whether the device is connected."""

from __future__ import annotations

from typing import Any

from bosonline.integrations.whatsapp.base import WABLAS_SERVER, CheckResult, OutgoingMessage, SendResult
from bosonline.integrations.whatsapp.http import GatewayAdapter, first_id, text_of

BAD_SERVER = "invalid Wablas server name (e.g. tegal, texas, solo)"


class WablasAdapter(GatewayAdapter):
    provider = "wablas"
    required = ("token", "server")
    label = "Wablas"

    def _base(self) -> str | None:
        server = self.credentials.get("server", "")
        if not WABLAS_SERVER.fullmatch(server):
            return None
        return str(self.settings.wablas_base_url).replace("{server}", server).rstrip("/")

    def _message_id(self, data: dict[str, Any]) -> str | None:
        found = self._inner(data)
        messages = found.get("messages")
        if isinstance(messages, list) and messages and isinstance(messages[0], dict):
            return first_id(messages[0].get("id"))
        return first_id(found.get("id"))

    async def _send(self, message: OutgoingMessage) -> SendResult:
        base = self._base()
        if base is None:
            return SendResult("failed", error=BAD_SERVER)
        if message.image_url:
            url = f"{base}/api/send-image"
            form = {"phone": message.to, "image": message.image_url, "caption": message.text}
        else:
            url = f"{base}/api/send-message"
            form = {"phone": message.to, "message": message.text}
        return await self._deliver("POST", url, headers=self._headers(), form=form)

    async def _check(self) -> CheckResult:
        base = self._base()
        if base is None:
            return CheckResult(False, "error", BAD_SERVER)
        data = await self._device("GET", f"{base}/api/device/info", params={"token": self.credentials["token"]})
        if isinstance(data, CheckResult):
            return data
        device = self._inner(data)
        state = text_of(device.get("status")).lower()
        detail = text_of(
            f"device {device.get('sender', '')}; quota {device.get('quota', '?')}; "
            f"expires {device.get('expired_date', '?')}"
        )
        return self._connection(state, connected=state == "connected", detail=detail)
