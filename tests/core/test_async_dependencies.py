"""The per-request tax FastAPI charges (issue 15): every dependency of every route is a coroutine function (FastAPI
runs a plain `def` dependency in the thread pool, a hop and, under load, a wait for a free thread, that a trivial
dependency does not need), and every route that answers JSON declares its return type (FastAPI then serializes the
response straight to bytes with pydantic-core, not through jsonable_encoder and json.dumps)."""

from __future__ import annotations

import inspect
import typing
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from starlette.responses import Response

from tests.routes import api_routes


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def _is_async(call: Any) -> bool:
    method = type(call).__call__ if not inspect.isroutine(call) and not inspect.isclass(call) else None
    return inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(method)


def test_no_dependency_hops_to_the_thread_pool(app: FastAPI) -> None:
    routes = list(api_routes(app.routes))
    assert len(routes) > 100
    sync = {
        f"{call.__module__}.{getattr(call, '__qualname__', call)}"
        for route in routes
        for call in _calls(route.dependant)
        if not _is_async(call)
    }
    assert not sync, sorted(sync)
    for route in routes:
        assert _is_async(route.endpoint), route.path


def test_json_routes_serialize_through_their_declared_type(app: FastAPI) -> None:
    untyped = []
    for route in api_routes(app.routes):
        if route.response_field is not None:
            continue
        returns = typing.get_type_hints(route.endpoint).get("return")
        if not (isinstance(returns, type) and issubclass(returns, Response)):  # a page, a file, a stream
            untyped.append(route.path)
    assert untyped == []
