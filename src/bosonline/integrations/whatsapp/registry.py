"""Which adapter speaks for which provider: `adapter_for` (the registry imports the adapters, never the reverse)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from bosonline.integrations.whatsapp.base import WhatsAppAdapter
from bosonline.integrations.whatsapp.fonnte import FonnteAdapter
from bosonline.integrations.whatsapp.http import HttpAdapter
from bosonline.integrations.whatsapp.starsender import StarSenderAdapter
from bosonline.integrations.whatsapp.wablas import WablasAdapter
from bosonline.integrations.whatsapp.whatsapp_cloud import WhatsAppCloudAdapter

ADAPTERS: dict[str, type[HttpAdapter]] = {
    "fonnte": FonnteAdapter,
    "wablas": WablasAdapter,
    "starsender": StarSenderAdapter,
    "whatsapp_cloud": WhatsAppCloudAdapter,
}


def adapter_for(
    provider: str, credentials: Mapping[str, Any], phone_number: str, client: httpx.AsyncClient, settings: Any
) -> WhatsAppAdapter:
    """The adapter of `provider` for one integration (its decrypted credentials and sending number). ValueError for an unknown provider; missing credentials do not raise here:
    the adapter's sends then fail with a message saying what is missing."""
    try:
        adapter = ADAPTERS[provider]
    except KeyError:
        raise ValueError(f"unknown WhatsApp provider {provider!r}") from None
    return adapter(dict(credentials), phone_number, client, settings)
