"""Adding WhatsApp integrations through the API (/store/wa-integration), for any follow-up test."""

from __future__ import annotations

import itertools
from typing import Any

import httpx

_numbers = itertools.count(10_000_001)

DEFAULT_CREDENTIALS: dict[str, dict[str, str]] = {
    "fonnte": {"token": "fonnte-device-token-0001"},
    "wablas": {"token": "wablas-token-0000000001", "server": "tegal"},
    "starsender": {"token": "starsender-device-key-01"},
    "whatsapp_cloud": {
        "phone_number_id": "1234567890",
        "access_token": "EAAG-cloud-access-token-0001",
        "app_secret": "meta-app-secret-000000001",
    },
}


def new_phone() -> str:
    """A fresh Indonesian mobile number, 08… form (each call another one)."""
    return f"0812{next(_numbers):08d}"


async def add_integration(client: httpx.AsyncClient, headers: dict[str, str], **fields: Any) -> dict[str, Any]:
    """POST /store/wa-integration; defaults: a Fonnte number with a fresh phone. Passing `provider` without
    `credentials` uses DEFAULT_CREDENTIALS of that provider. Returns the answer's `data`."""
    provider = fields.setdefault("provider", "fonnte")
    body: dict[str, Any] = {
        "name": f"WA {provider}",
        "phone_number": new_phone(),
        "credentials": dict(DEFAULT_CREDENTIALS[provider]),
        **fields,
    }
    response = await client.post("/store/wa-integration", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]  # type: ignore[no-any-return]
