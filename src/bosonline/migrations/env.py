"""Alembic environment: runs on SQLite (batch mode) and PostgreSQL, online only.

`bosonline.migrate.upgrade()` hands in a live connection through `config.attributes["connection"]`; the
`alembic` command line (developers autogenerating a revision) connects with the URL from settings.
"""

from __future__ import annotations

import asyncio
from typing import Any, Literal

from alembic import context
from sqlalchemy.engine import Connection

from bosonline.migrate import include_in_comparison
from bosonline.models import Base
from bosonline.models.base import UTCDateTime

target_metadata = Base.metadata


def _render_item(type_: str, obj: object, autogen_context: Any) -> str | Literal[False]:
    # Migrations must not import model code: our UTC wrapper is a plain timestamptz in the schema.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=_render_item,
        include_object=include_in_comparison,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_with_url(url: str) -> None:
    from bosonline.db import create_engine

    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.run_sync(_run)
    await engine.dispose()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from bosonline.config import Settings

    asyncio.run(_run_with_url(context.config.get_main_option("sqlalchemy.url") or Settings().effective_database_url))
