"""Fixtures shared by the checkout tests."""

from __future__ import annotations

import httpx
import pytest

from bosonline.runtime import Runtime
from tests.checkout.helpers import CheckoutShop, make_checkout_shop


@pytest.fixture
async def shop(client: httpx.AsyncClient, rt: Runtime) -> CheckoutShop:
    """A store selling through a checkout form, with the helpers' defaults (a module may define its own `shop`)."""
    return await make_checkout_shop(client, rt)
