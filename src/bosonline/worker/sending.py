"""What the worker's sending jobs (follow-ups, webhooks) share: one lazily made HTTP client per job, closed with
the worker, and a claim lease long enough for a whole batch."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import httpx

from bosonline.config import Settings
from bosonline.runtime import Runtime

LEASE_MARGIN_SECONDS = 60  # for the claim and the record around a batch's sending time


class SendingJob:
    """Base of a Job that sends over HTTP: subclasses set `make_client` and `batch_seconds`."""

    make_client: Callable[[Settings], httpx.AsyncClient]
    batch_seconds: Callable[[Settings], float]

    def __init__(self, runtime: Runtime) -> None:
        self.rt = runtime
        self.settings = runtime.settings
        self._client: httpx.AsyncClient | None = None

    @property
    def client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = type(self).make_client(self.settings)
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    @property
    def lease(self) -> timedelta:
        """Long enough for a whole batch to be sent and recorded."""
        return timedelta(seconds=type(self).batch_seconds(self.settings) + LEASE_MARGIN_SECONDS)
