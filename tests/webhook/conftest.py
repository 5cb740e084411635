from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.webhook.receiver import Receiver


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    server = await Receiver().start()
    yield server
    await server.close()
