"""Which store a public request's host names: `<subdomain>.<shop domain>` (no statement), or an active custom domain
(one statement on a cache miss).

The custom host → subdomain answers (a miss too: an unknown host) are kept per process and database for
`CACHE_SECONDS`, so that checkout's statement budget does not grow for shops on their own domain. A change of
domains or subdomains empties this process's cache once committed; other processes see it within `CACHE_SECONDS`.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from weakref import WeakKeyDictionary

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.pool import Pool

from bosonline.config import Settings
from bosonline.db import after_commit, retried_if_first
from bosonline.store.domain_names import bare_host, is_platform_host, may_be_custom, platform_subdomain
from bosonline.store.domain_repository import subdomain_of_active_host

CACHE_SECONDS = 60.0
CACHE_ENTRIES = 4096


class HostCache:
    """host → subdomain (None: no store), each answer kept `CACHE_SECONDS`, the least recently used dropped past
    `CACHE_ENTRIES` (a flood of made-up Host headers cannot grow it)."""

    def __init__(self) -> None:
        self._entries: OrderedDict[str, tuple[float, str | None]] = OrderedDict()

    def get(self, host: str) -> tuple[bool, str | None]:
        found = self._entries.get(host)
        if found is None or found[0] < time.monotonic():
            return False, None
        self._entries.move_to_end(host)
        return True, found[1]

    def put(self, host: str, subdomain: str | None) -> None:
        self._entries[host] = (time.monotonic() + CACHE_SECONDS, subdomain)
        self._entries.move_to_end(host)
        while len(self._entries) > CACHE_ENTRIES:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


# Keyed by the database's connection pool: one process may serve several databases (tests, the CLI), and the
# engines of its read and write sessions differ (their options) but share the pool.
_CACHES: WeakKeyDictionary[Pool, HostCache] = WeakKeyDictionary()


def cache_of(session: AsyncSession) -> HostCache:
    """The cache of the session's database."""
    bind = session.bind
    assert isinstance(bind, AsyncEngine), "request sessions are bound to their database's engine"
    pool = bind.sync_engine.pool
    found = _CACHES.get(pool)
    if found is None:
        found = _CACHES[pool] = HostCache()
    return found


def clear_all() -> None:
    """Forget every cached answer of this process (tests, between databases emptied in place)."""
    for cache in list(_CACHES.values()):
        cache.clear()


def forget_after_commit(session: AsyncSession) -> None:
    """Once the request's change of domains or subdomains is committed, this process answers from the database."""
    cache = cache_of(session)

    async def forget() -> None:
        cache.clear()

    after_commit(session, forget)


async def subdomain_of_host(session: AsyncSession, settings: Settings, header: str | None) -> str | None:
    """The subdomain of the store the Host header names, or None (the request names its store otherwise)."""
    found = platform_subdomain(header, settings.shop_domain)
    name = bare_host(header)
    if found or not name or not may_be_custom(name) or is_platform_host(name, settings):
        return found
    cache = cache_of(session)
    known, subdomain = cache.get(name)
    if not known:
        # Run again on a new connection when it was the request's first statement and the server had dropped it.
        subdomain = await retried_if_first(session, lambda: subdomain_of_active_host(session, name))
        cache.put(name, subdomain)
    return subdomain
