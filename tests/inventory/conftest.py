"""Fixtures shared by the inventory tests."""

from __future__ import annotations

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.inventory.helpers import Shop, make_shop


@pytest.fixture
async def shop(client: httpx.AsyncClient, rt: Runtime) -> Shop:
    """A store shipping from two warehouses, no stock yet (a module may define its own `shop`)."""
    return await make_shop(client, rt)
