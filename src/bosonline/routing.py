"""One transaction per request, committed by the framework after the handler returns.

Every router is built with `TransactionalRoute`: the route gives the request a session, opened on first use
(`request_session`; SQLite write lock taken up front for non-GET requests; on PostgreSQL a GET's runs without a
transaction, `db.Database.request_session`), runs the endpoint, and commits when the response is a success. Errors roll back, except an AppError marked `persist=True` (a failed login must still be recorded).
Callbacks registered with `db.after_commit` run once the commit has succeeded.

Each route documents the error codes it can answer: those it declares (`responses=error_responses(...)`) and
those of its dependencies and parameters (`errors.with_dependency_errors`). Operation ids are the route's tag
and the endpoint function's name (`operation_id` below): `order_list`, `product_create`.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Coroutine
from functools import cache
from typing import TYPE_CHECKING, Any

import structlog
from fastapi import APIRouter, Request, Response
from fastapi.routing import APIRoute
from fastapi.utils import create_model_field
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession
from starlette._utils import get_route_path
from starlette.routing import Match
from starlette.types import Scope

from bosonline.db import AfterCommit, Database, pop_after_commit
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
        if scope["type"] == "http":
            # get_route_path(scope) is the path itself without a root_path; called for every route a request passes
            path = get_route_path(scope) if scope.get("root_path") else scope["path"]
            if not path.startswith(self._literal_start):
                return Match.NONE, {}
        return super().matches(scope)

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def transactional(request: Request) -> Response:
            db = request.app.state.runtime.db
            write = request.method not in _READ_METHODS
            # Opened on first use (`request_session`): a read request may need none. On PostgreSQL a read request
            # runs without a transaction, and its caller and store context are read outside any session
            # (`reads_outside_session`, principals.principal_in_store_pooled).
            sessions = _RequestSessions(db, write=write)
            request.state.sessions = sessions
            try:
                return await _run(handler, request, sessions)
            finally:
                if sessions.opened is not None:
                    await asyncio.shield(sessions.opened.close())

        return transactional


class _RequestSessions:
    """The session of one request, opened when first asked for."""

    def __init__(self, db: Database, *, write: bool) -> None:
        self.db = db
        self.write = write
        self.opened: AsyncSession | None = None
        self.outside_session = not write and db.reads_without_transaction

    def session(self) -> AsyncSession:
        if self.opened is None:
            self.opened = self.db.request_session(write=self.write)
        return self.opened


def request_session(request: Request) -> AsyncSession:
    """The request's session (one per request, `TransactionalRoute` commits or rolls it back), opened now if it
    was not yet."""
    sessions: _RequestSessions = request.state.sessions
    return sessions.session()


def reads_outside_session(request: Request) -> bool:
    """Whether the request may read outside its session: a read request on PostgreSQL, whose session runs each
    statement on its own (autocommit), so that reading on another connection sees what the session would."""
    sessions: _RequestSessions = request.state.sessions
    return sessions.outside_session


async def _run(
    handler: Callable[[Request], Coroutine[Any, Any, Response]], request: Request, sessions: _RequestSessions
) -> Response:
    """The handler, then the request's session (if it was opened) committed on success, rolled back otherwise."""
    try:
        response = await handler(request)
    except AppError as exc:
        session = sessions.opened
        if session is not None:
            if exc.persist:
                await session.commit()
            else:
                await session.rollback()
        raise
    except BaseException:
        session = sessions.opened
        if session is not None:
            # A handler that committed itself (Request Create Order) and failed afterwards, before any new
            # statement: its work stands, so what it registered for after the commit still runs.
            committed = pop_after_commit(session) if not session.in_transaction() else []
            await session.rollback()
            await _run_after_commit(committed)
        raise
    session = sessions.opened
    if session is None:
        return response
    callbacks = pop_after_commit(session)
    if response.status_code >= 400:
        await session.rollback()  # nothing was committed: nothing to announce or clean up
        return response
    await session.commit()
    await _run_after_commit(callbacks)
    return response


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
