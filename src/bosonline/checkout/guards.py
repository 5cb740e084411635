"""What stands in front of every public endpoint: a per-IP rate limit, and reading which store a request means."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Query, Request

from bosonline.deps import ClientDep, RuntimeDep
from bosonline.errors import CommonError, TooManyRequests, raises
from bosonline.kit.fields import OneLineText
from bosonline.kit.ratelimit import count_hit

WINDOW_SECONDS = 60


def rate_limited(bucket: str, *, checkout: bool = False) -> Callable[..., Awaitable[None]]:
    """Dependency: counts the request against the client IP's budget for `bucket` (429 + Retry-After when
    over). Declared as a route dependency, so it runs before the request's own session is used: on SQLite that
    session may hold the write lock the counter needs."""

    @raises(CommonError.too_many_requests)
    async def dependency(runtime: RuntimeDep, client: ClientDep) -> None:
        settings = runtime.settings
        limit = settings.checkout_rate_limit_per_minute if checkout else settings.public_rate_limit_per_minute
        wait = await count_hit(
            runtime.db, f"{bucket}:{client.ip}", limit=limit, window_seconds=WINDOW_SECONDS, now=runtime.clock.now()
        )
        if wait is not None:
            raise TooManyRequests("Too many requests from this address; try again shortly", retry_after=wait)

    dependency.__name__ = f"rate_limit_{bucket}"
    return dependency


def request_host(request: Request) -> str | None:
    return request.headers.get("host")


StoreRef = Annotated[
    OneLineText | None,
    Query(
        max_length=30,
        description="The store's subdomain, when the host does not name it (`<subdomain>.<shop domain>`).",
    ),
]
Host = Annotated[str | None, Depends(request_host)]
