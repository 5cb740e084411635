"""Fixtures shared by the follow-up tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.followup.dispatch_helpers import TOKEN
from tests.followup.fakes import FakeGateway
from tests.order.helpers import CheckoutShop, make_checkout_shop


@pytest.fixture
async def fonnte() -> AsyncIterator[FakeGateway]:
    """A fake Fonnte gateway on 127.0.0.1 expecting the dispatch helpers' TOKEN."""
    async with FakeGateway("fonnte", token=TOKEN) as gateway:
        yield gateway


@pytest.fixture
async def shop(client: httpx.AsyncClient, rt: Runtime) -> CheckoutShop:
    """A store selling through a checkout form whose owner handles every order (no CS); a module may define its
    own `shop`."""
    return await make_checkout_shop(client, rt, cs=0)
