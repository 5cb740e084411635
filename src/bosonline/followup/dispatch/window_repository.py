"""All SQL of the buyers' 24-hour windows on whatsapp_cloud numbers (wa_conversation_windows): recorded from Meta's
`messages` webhook, read by the dispatcher's claim. No request context: every statement names the integration."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bosonline.db import dialect_insert
from bosonline.models import WaConversationWindow

_windows = WaConversationWindow.__table__


async def record_inbound(session: AsyncSession, integration_id: int, latest: Mapping[str, datetime]) -> None:
    """Each buyer's last inbound moment moved forward to `latest[phone]`, never back: a webhook delivered twice,
    or an older message delivered after a newer one, changes nothing. One upsert statement for all the buyers."""
    if not latest:
        return
    insert = dialect_insert(session, _windows)
    upsert = insert.on_conflict_do_update(
        index_elements=[_windows.c.integration_id, _windows.c.phone],
        set_={"last_inbound_at": insert.excluded.last_inbound_at},
        where=_windows.c.last_inbound_at < insert.excluded.last_inbound_at,
    )
    rows = [
        {"integration_id": integration_id, "phone": phone, "last_inbound_at": at}
        for phone, at in sorted(latest.items())
    ]
    await session.execute(upsert, rows)


async def last_inbound(
    session: AsyncSession, integration_ids: Collection[int], phones: Collection[str]
) -> dict[tuple[int, str], datetime]:
    """When each buyer last wrote to each of these integrations, keyed (integration id, phone); absent: never."""
    if not integration_ids or not phones:
        return {}
    stmt = select(_windows.c.integration_id, _windows.c.phone, _windows.c.last_inbound_at).where(
        _windows.c.integration_id.in_(sorted(set(integration_ids))), _windows.c.phone.in_(sorted(set(phones)))
    )
    return {(integration_id, phone): at for integration_id, phone, at in await session.execute(stmt)}
