"""What stands in front of every public endpoint: a per-IP rate limit, and reading which store a request means."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Query, Request

from bosonline.deps import ClientDep, DbDep, RuntimeDep
from bosonline.errors import CommonError, TooManyRequests, ValidationFailed, raises
from bosonline.kit.fields import OneLineText
from bosonline.kit.ratelimit import client_key

WINDOW_SECONDS = 60


def rate_limited(bucket: str, *, checkout: bool = False) -> Callable[..., Awaitable[None]]:
    """Dependency: counts the request against the client's budget for `bucket` (429 + Retry-After when over); the
    client is its address as `client_key` reads it (an IPv6 /64 is one client). The hit is committed before the
    request's transaction begins (kit/ratelimit.py), so a refused or failed request still counts. Declared as a route
    dependency, so it runs before the request's own session is used: on SQLite that session takes the write lock
    the counter needs."""

    @raises(CommonError.too_many_requests)
    async def dependency(runtime: RuntimeDep, client: ClientDep, db: DbDep) -> None:
        settings = runtime.settings
        limit = settings.checkout_rate_limit_per_minute if checkout else settings.public_rate_limit_per_minute
        key = f"{bucket}:{client_key(client.ip)}"
        wait = await runtime.rate_limits.hit(
            key, limit=limit, window_seconds=WINDOW_SECONDS, now=runtime.clock.now(), session=db
        )
        if wait is not None:
            raise TooManyRequests("Too many requests from this address; try again shortly", retry_after=wait)

    dependency.__name__ = f"rate_limit_{bucket}"
    return dependency


async def request_host(request: Request) -> str | None:
    return request.headers.get("host")


StoreRef = Annotated[
    OneLineText | None,
    Query(
        max_length=30,
        description="The store's subdomain, when the host does not name it (`<subdomain>.<shop domain>`).",
    ),
]
# POST quote and Check Voucher name the store in the body, as Request Create Order does; `?store=` still works there.
DeprecatedStoreRef = Annotated[
    OneLineText | None,
    Query(
        max_length=30,
        deprecated=True,
        description="Deprecated on POST: send `store` in the body, as for Request Create Order.",
    ),
]
Host = Annotated[str | None, Depends(request_host)]


def store_named(in_body: str | None, in_query: str | None) -> str | None:
    """The subdomain a POST names: its body's `store`, else the deprecated `?store=`; both, differing → 422."""
    if in_body and in_query and in_body.strip().lower() != in_query.strip().lower():
        raise ValidationFailed(fields={"store": "names a different store than ?store=; send it in the body only"})
    return in_body or in_query
