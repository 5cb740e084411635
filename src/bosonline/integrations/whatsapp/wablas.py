"""Wablas (https://<server>.wablas.com; the server is part of the account, e.g. `tegal`): `POST /api/send-message`
with `phone` and `message`, images through `POST /api/send-image` with `phone`, `image` (URL) and `caption`;
header `Authorization: <token>` (accounts that also have a secret key use `<token>.<secret key>` as the token).
The answer is `{"status": true, "message": …, "data": {"messages": [{"id": …}]}}`.
`GET /api/device/info?token=<token>` tells whether the device is connected."""

from __future__ import annotations

from bosonline.integrations.whatsapp.base import WABLAS_SERVER, CheckResult, OutgoingMessage, SendResult
from bosonline.integrations.whatsapp.http import (
    HttpAdapter,
    call,
    check_for_failure,
    device_refusal,
    first_id,
    gateway_result,
    text_of,
)


class WablasAdapter(HttpAdapter):
    provider = "wablas"

    def _base(self) -> str | None:
        server = self.credentials.get("server", "")
        if not WABLAS_SERVER.fullmatch(server):
            return None
        return str(self.settings.wablas_base_url).replace("{server}", server).rstrip("/")

    async def _send(self, message: OutgoingMessage) -> SendResult:
        if problem := self.missing("token", "server"):
            return SendResult("failed", error=problem)
        base = self._base()
        if base is None:
            return SendResult("failed", error="invalid Wablas server name (e.g. tegal, texas, solo)")
        if message.image_url:
            url = f"{base}/api/send-image"
            form = {"phone": message.to, "image": message.image_url, "caption": message.text}
        else:
            url = f"{base}/api/send-message"
            form = {"phone": message.to, "message": message.text}
        answer = await call(
            self.client,
            "POST",
            url,
            deadline=self.deadline,
            headers={"Authorization": self.credentials["token"]},
            form=form,
        )
        return gateway_result(
            answer,
            flag="status",
            reason=lambda data: text_of(data.get("message")),
            message_id=lambda data: _message_id(data.get("data")),
        )

    async def _check(self) -> CheckResult:
        if problem := self.missing("token", "server"):
            return CheckResult(False, "unauthorized", problem)
        base = self._base()
        if base is None:
            return CheckResult(False, "error", "invalid Wablas server name (e.g. tegal, texas, solo)")
        answer = await call(
            self.client,
            "GET",
            f"{base}/api/device/info",
            deadline=self.deadline,
            params={"token": self.credentials["token"]},
        )
        if (failure := check_for_failure(answer)) is not None:
            return failure
        data = answer.data
        if (refused := device_refusal(data, flag="status", reason=text_of(data.get("message")))) is not None:
            return refused
        device = data.get("data") if isinstance(data.get("data"), dict) else {}
        state = text_of(device.get("status")).lower()
        detail = text_of(
            f"device {device.get('sender', '')}; quota {device.get('quota', '?')}; "
            f"expires {device.get('expired_date', '?')}"
        )
        if state == "connected":
            return CheckResult(True, "connected", detail)
        return CheckResult(False, "disconnected", f"device {state or 'not connected'}: scan the QR code in Wablas")


def _message_id(data: object) -> str | None:
    if not isinstance(data, dict):
        return None
    messages = data.get("messages")
    if isinstance(messages, list) and messages and isinstance(messages[0], dict):
        return first_id(messages[0].get("id"))
    return first_id(data.get("id"))
