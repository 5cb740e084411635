"""Fonnte (api.fonnte.com): `POST /send` with form data `target`, `message` and `url` (media), header
`Authorization: <device token>` (no "Bearer"); the answer is JSON with `status` (bool), `detail` or `reason`, and
`id` (a list of ids, one per target). `POST /device` tells whether the device (the phone) is connected."""

from __future__ import annotations

from typing import Any

from bosonline.integrations.whatsapp.base import CheckResult, OutgoingMessage, SendResult
from bosonline.integrations.whatsapp.http import GatewayAdapter, first_id, text_of


class FonnteAdapter(GatewayAdapter):
    provider = "fonnte"
    label = "Fonnte"
    base_url_setting = "fonnte_base_url"

    def _reason(self, data: dict[str, Any]) -> str:
        return text_of(data.get("reason") or data.get("detail") or data.get("message"))

    def _message_id(self, data: dict[str, Any]) -> str | None:
        return first_id(data.get("id"))

    async def _send(self, message: OutgoingMessage) -> SendResult:
        form = {"target": message.to, "message": message.text}
        if message.image_url:
            form["url"] = message.image_url
        return await self._deliver("POST", self._url("/send"), headers=self._headers(), form=form)

    async def _check(self) -> CheckResult:
        data = await self._device("POST", self._url("/device"), headers=self._headers())
        if isinstance(data, CheckResult):
            return data
        state = text_of(data.get("device_status")).lower()
        detail = text_of(f"device {data.get('device', '')} {data.get('name', '')}; quota {data.get('quota', '?')}")
        return self._connection(state, connected=state == "connect", detail=detail)
