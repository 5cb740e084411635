"""Fonnte (api.fonnte.com): `POST /send` with form data `target`, `message` and `url` (media), header
`Authorization: <device token>` (no "Bearer"); the answer is JSON with `status` (bool), `detail` or `reason`, and
`id` (a list of ids, one per target). `POST /device` tells whether the device (the phone) is connected."""

from __future__ import annotations

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


class FonnteAdapter(HttpAdapter):
    provider = "fonnte"

    @property
    def _base(self) -> str:
        return str(self.settings.fonnte_base_url).rstrip("/")

    def _headers(self) -> dict[str, str]:
        return {"Authorization": self.credentials["token"]}

    async def _send(self, message: OutgoingMessage) -> SendResult:
        if problem := self.missing("token"):
            return SendResult("failed", error=problem)
        form = {"target": message.to, "message": message.text}
        if message.image_url:
            form["url"] = message.image_url
        answer = await call(
            self.client, "POST", f"{self._base}/send", deadline=self.deadline, headers=self._headers(), form=form
        )
        return gateway_result(answer, flag="status", reason=_reason, message_id=lambda data: first_id(data.get("id")))

    async def _check(self) -> CheckResult:
        if problem := self.missing("token"):
            return CheckResult(False, "unauthorized", problem)
        answer = await call(
            self.client, "POST", f"{self._base}/device", deadline=self.deadline, headers=self._headers()
        )
        if (failure := check_for_failure(answer)) is not None:
            return failure
        data = answer.data
        if (refused := device_refusal(data, flag="status", reason=_reason(data))) is not None:
            return refused
        state = text_of(data.get("device_status")).lower()
        detail = text_of(f"device {data.get('device', '')} {data.get('name', '')}; quota {data.get('quota', '?')}")
        if state == "connect":
            return CheckResult(True, "connected", detail)
        return CheckResult(False, "disconnected", f"device {state or 'not connected'}: scan the QR code in Fonnte")


def _reason(data: dict[str, object]) -> str:
    return text_of(data.get("reason") or data.get("detail") or data.get("message"))
