"""One transaction per request, committed by the framework after the handler returns.

Every router is built with `TransactionalRoute`: the route opens a session (SQLite write lock taken up front
for non-GET requests; on PostgreSQL a GET's runs without a transaction, `db.Database.request_session`), puts it on
`request.state.db`, runs the endpoint, and commits when the response is a success. Errors roll back, except an AppError marked `persist=True` (a failed login must still be recorded).
Callbacks registered with `db.after_commit` run once the commit has succeeded.

Each route documents the error codes it can answer: those it declares (`responses=error_responses(...)`) and
those of its dependencies and parameters (`errors.with_dependency_errors`). Operation ids are the route's tag
and the endpoint function's name (`operation_id` below): `order_list`, `product_create`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Coroutine
from functools import cache
from typing import TYPE_CHECKING, Any

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from fastapi.utils import create_model_field
from pydantic import BaseModel
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

from bosonline.db import AfterCommit, pop_after_commit
from bosonline.errors import AppError, with_dependency_errors
from bosonline.kit.dependants import sub_dependencies_analysed_once

if TYPE_CHECKING:
    from fastapi._compat import ModelField

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
        # FastAPI builds a response model field (a pydantic TypeAdapter) for each of `responses` that names a model,
        # used only by the OpenAPI document. The error envelopes are the same few models on every route: each
        # (status, model) gets one field, shared, and the route is built once, with the codes of its dependencies
        # added after (building it again for them analysed its dependencies twice: a third of the app's import).
        declared = kwargs.get("responses") or {}
        with sub_dependencies_analysed_once():  # the same few, for every route: once (start-up time)
            super().__init__(path, endpoint, **{**kwargs, "responses": _without_models(declared)})
        self.responses = with_dependency_errors(declared, self.dependant)
        self._literal_start = self.path_format.split("{", 1)[0]
        self.response_fields = {
            status: _error_field(status, response["model"])
            for status, response in self.responses.items()
            if response.get("model")
        }

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        # The app's table is flat (app.include_flat): a request is tried against every route before its own. The
        # path's literal start (up to its first parameter) tells most of them apart without their regex (issue 15).
        if scope["type"] == "http" and not get_route_path(scope).startswith(self._literal_start):
            return Match.NONE, {}
        return super().matches(scope)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def transactional(request: Request) -> Response:
            db = request.app.state.runtime.db
            async with db.request_session(write=request.method not in _READ_METHODS) as session:
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
                    # A handler that committed itself (Request Create Order) and failed afterwards, before any
                    # new statement: its work stands, so what it registered for after the commit still runs.
                    committed = pop_after_commit(session) if not session.in_transaction() else []
                    await session.rollback()
                    await _run_after_commit(committed)
                    raise
                callbacks = pop_after_commit(session)
                if response.status_code >= 400:
                    await session.rollback()  # nothing was committed: nothing to announce or clean up
                    return response
                await session.commit()
                await _run_after_commit(callbacks)
                return response

        return transactional


async def _run_after_commit(callbacks: list[AfterCommit]) -> None:
    for callback in callbacks:
        try:
            await callback()
        except Exception:  # the commit stands; a failed notification must not turn it into a 500
            log.exception("after_commit_failed")


def _without_models(responses: dict[int | str, dict[str, Any]]) -> dict[int | str, dict[str, Any]]:
    return {status: {k: v for k, v in response.items() if k != "model"} for status, response in responses.items()}


@cache
def _error_field(status: int | str, model: type[BaseModel]) -> ModelField:
    return create_model_field(name=f"Response_{status}_{model.__name__}", type_=model, mode="serialization")


def api_router(**kwargs: Any) -> APIRouter:
    return APIRouter(route_class=TransactionalRoute, generate_unique_id_function=operation_id, **kwargs)
