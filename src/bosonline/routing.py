"""One transaction per request, committed by the framework after the handler returns.

Every router is built with `TransactionalRoute`: the route opens a session (SQLite write lock taken up front
for non-GET requests), puts it on `request.state.db`, runs the endpoint, and commits when the response is a
success. Errors roll back, except an AppError marked `persist=True` (a failed login must still be recorded).
Callbacks registered with `db.after_commit` run once the commit has succeeded.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute

from bosonline.db import pop_after_commit
from bosonline.errors import AppError

log = structlog.get_logger("bosonline.routing")

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TransactionalRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def transactional(request: Request) -> Response:
            db = request.app.state.runtime.db
            async with db.session(write=request.method not in _READ_METHODS) as session:
                request.state.db = session
                try:
                    response = await handler(request)
                except AppError as exc:
                    if exc.persist:
                        await session.commit()
                    else:
                        await session.rollback()
                    raise
                except BaseException:
                    await session.rollback()
                    raise
                callbacks = pop_after_commit(session)
                if response.status_code >= 400:
                    await session.rollback()  # nothing was committed: nothing to announce or clean up
                    return response
                await session.commit()
                for callback in callbacks:
                    try:
                        await callback()
                    except Exception:  # the commit stands; a failed notification must not turn it into a 500
                        log.exception("after_commit_failed")
                return response

        return transactional


def api_router(**kwargs: Any) -> APIRouter:
    return APIRouter(route_class=TransactionalRoute, **kwargs)
