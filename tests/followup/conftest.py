"""Fixtures shared by the follow-up tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.followup.dispatch_helpers import TOKEN
from tests.followup.fakes import FakeGateway


@pytest.fixture
async def fonnte() -> AsyncIterator[FakeGateway]:
    """A fake Fonnte gateway on 127.0.0.1 expecting the dispatch helpers' TOKEN."""
    async with FakeGateway("fonnte", token=TOKEN) as gateway:
        yield gateway
