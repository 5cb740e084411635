"""Platform admins for the /admin tests."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import update

from bosonline.models import User
from bosonline.runtime import Runtime
from tests.factories import register


async def platform_admin(client: httpx.AsyncClient, rt: Runtime, **kwargs: Any) -> dict[str, Any]:
    """A registered user made a platform admin. No route grants the flag (only `bosonline create-admin`, tested in
    tests/core/test_cli.py, which builds a runtime of its own): the row is written through the model."""
    account = await register(client, name="Admin Platform", **kwargs)
    async with rt.db.session() as session:
        await session.execute(update(User).where(User.id == account["user"]["id"]).values(is_platform_admin=True))
        await session.commit()
    return account
