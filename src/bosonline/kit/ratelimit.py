"""Fixed-window rate limits shared by every process through the database (no Redis needed).

Each hit is one `INSERT … ON CONFLICT DO UPDATE SET hits = hits + 1 RETURNING hits` in its own short transaction,
committed at once: a refused or failed request still counts, and the request's own transaction is not involved.
"""

from __future__ import annotations

import ipaddress
import time
from datetime import datetime

from sqlalchemy import delete, text

from bosonline.db import Database, dialect_insert
from bosonline.models import RateLimitWindow

_CLEANUP_EVERY_SECONDS = 300
_KEEP_SECONDS = 3600
_last_cleanup = 0.0  # per process: housekeeping cadence only, no request state


def client_key(address: str) -> str:
    """What every per-client limit counts under: an IPv4 address as it is (IPv4-mapped IPv6 unwrapped to it), an
    IPv6 address as its /64 network, since one subscriber is routinely given a whole /64 and can pick any address
    in it. Anything that is not an IP address (a test client's name) is its own key."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


async def count_hit(db: Database, key: str, *, limit: int, window_seconds: int, now: datetime) -> int | None:
    """Counts one request under `key`; answers the seconds until the window ends when it is over `limit`."""
    global _last_cleanup
    epoch = int(now.timestamp())
    window_start = epoch - epoch % window_seconds
    async with db.session() as session:
        if not db.sqlite:  # a counter lost in a crash is harmless: skip waiting for the WAL flush
            await session.execute(text("SET LOCAL synchronous_commit = off"))
        insert = dialect_insert(session, RateLimitWindow).values(key=key[:120], window_start=window_start, hits=1)
        upsert = insert.on_conflict_do_update(
            index_elements=[RateLimitWindow.key, RateLimitWindow.window_start],
            set_={"hits": RateLimitWindow.hits + 1},
        ).returning(RateLimitWindow.hits)
        hits = (await session.execute(upsert)).scalar_one()
        if time.monotonic() - _last_cleanup > _CLEANUP_EVERY_SECONDS:
            _last_cleanup = time.monotonic()
            await session.execute(delete(RateLimitWindow).where(RateLimitWindow.window_start < epoch - _KEEP_SECONDS))
        await session.commit()
    if hits > limit:
        return window_start + window_seconds - epoch
    return None
