"""One transaction per request, committed by the framework after the handler returns.

Every router is built with `TransactionalRoute`: the route opens a session (SQLite write lock taken up front
for non-GET requests), puts it on `request.state.db`, runs the endpoint, and commits when the response is a
success. Errors roll back, except an AppError marked `persist=True` (a failed login must still be recorded).
Callbacks registered with `db.after_commit` run once the commit has succeeded.

Each route documents the error codes it can answer: those it declares (`responses=error_responses(...)`) and
those of its dependencies and parameters (`errors.with_dependency_errors`). Operation ids are the route's tag
and the endpoint function's name (`operation_id` below): `order_list`, `product_create`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from typing import Any

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from fastapi.utils import create_model_field

from bosonline.db import pop_after_commit
from bosonline.errors import AppError, with_dependency_errors

log = structlog.get_logger("bosonline.routing")

_READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def operation_id(route: APIRoute) -> str:
    """`order_list`, `product_create`, `order_confirm_payment`: the route's tag in snake case, then the endpoint
    function's name without the words that repeat the tag (`list_orders` under "Order" → `order_list`). Stable
    while the tag and the function name are; a route may still name its own (`operation_id=`)."""
    tag = str(route.tags[0]) if route.tags else route.endpoint.__module__.rsplit(".", 1)[-1]
    prefix = re.sub(r"[^a-z0-9]+", "_", tag.lower().replace("-", "")).strip("_")
    last = prefix.rsplit("_", 1)[-1]
    words = [word for word in route.endpoint.__name__.split("_") if word not in {last, f"{last}s"}]
    return "_".join([prefix, *words])


class TransactionalRoute(APIRoute):
    def __init__(self, path: str, endpoint: Callable[..., Any], **kwargs: Any) -> None:
        super().__init__(path, endpoint, **kwargs)
        responses = with_dependency_errors(self.responses, self.dependant)
        if responses is not self.responses:
            # FastAPI derives a response model field from each of `responses` when it builds the route: the new
            # statuses get theirs here (building the whole route again, its dependencies and their parameters,
            # was a fifth of the app's start-up).
            self.responses = responses
            for status, response in responses.items():
                if response.get("model") and status not in self.response_fields:
                    self.response_fields[status] = create_model_field(
                        name=f"Response_{status}_{self.unique_id}", type_=response["model"], mode="serialization"
                    )

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
    return APIRouter(route_class=TransactionalRoute, generate_unique_id_function=operation_id, **kwargs)
