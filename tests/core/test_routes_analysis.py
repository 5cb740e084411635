"""`routing.TransactionalRoute` analyses each shared sub-dependency once (start-up time): every route's dependency
tree must still be what FastAPI's own analysis makes of it, and every route must have a tree of its own."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_dependant, get_parameterless_sub_dependant
from fastapi.routing import APIRoute

from bosonline import routing
from bosonline.kit import dependants
from tests.routes import api_routes


def _fastapis_own(route: APIRoute) -> Dependant:
    """As FastAPI builds a route's tree (fastapi.routing._build_dependant_with_parameterless_dependencies)."""
    assert get_dependant is dependants._analyse  # nothing is patched outside a route's construction
    dependant = get_dependant(path=route.path_format, call=route.endpoint, scope="function")
    for depends in route.dependencies[::-1]:
        dependant.dependencies.insert(0, get_parameterless_sub_dependant(depends=depends, path=route.path_format))
    return dependant


def _shape(dependant: Dependant) -> tuple[Any, ...]:
    def fields(kind: str) -> list[tuple[Any, ...]]:
        return [
            (field.name, field.alias, field.mode, repr(field.field_info), field.field_info.annotation)
            for field in getattr(dependant, kind)
        ]

    call = dependant.call
    return (
        # Annotations are evaluated again for FastAPI's own analysis: a `Depends(factory(...))` written in a signature
        # is a new closure then, the same code.
        (getattr(call, "__module__", None), getattr(call, "__qualname__", None), getattr(call, "__name__", call)),
        dependant.name,
        dependant.path,
        dependant.use_cache,
        dependant.scope,
        dependant.concurrency,
        dependant.own_oauth_scopes,
        dependant.parent_oauth_scopes,
        dependant.request_param_name,
        dependant.websocket_param_name,
        dependant.http_connection_param_name,
        dependant.response_param_name,
        dependant.background_tasks_param_name,
        dependant.security_scopes_param_name,
        *(fields(kind) for kind in ("path_params", "query_params", "header_params", "cookie_params", "body_params")),
        [_shape(sub) for sub in dependant.dependencies],
    )


def _nodes(dependant: Dependant) -> Iterator[Dependant]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _nodes(sub)


async def test_every_route_has_fastapis_own_dependency_tree(app: FastAPI) -> None:
    routes = list(api_routes(app.routes))
    assert len(routes) > 150
    for route in routes:
        assert _shape(route.dependant) == _shape(_fastapis_own(route)), route.path
    assert dependants._analysed, "the sub-dependencies were not analysed once: is the cache still wired in?"


async def test_no_two_routes_share_a_dependant(app: FastAPI) -> None:
    nodes = [node for route in api_routes(app.routes) for node in _nodes(route.dependant)]
    assert len({id(node) for node in nodes}) == len(nodes)
    # ... nor its lists (FastAPI inserts a route's `dependencies=[...]` into its tree's list)
    lists = [node.dependencies for node in nodes] + [node.query_params for node in nodes]
    assert len({id(values) for values in lists}) == len(lists)


async def test_a_sub_dependency_is_analysed_again_for_a_path_naming_its_parameter() -> None:
    """A parameter named like a path parameter is a path parameter: the same dependency on a path without it
    reads the query string."""

    async def order_ref(order_id: int) -> int:
        return order_id

    from fastapi import Depends

    async def one(ref: int = Depends(order_ref)) -> int:
        return ref

    with_path = routing.TransactionalRoute("/orders/{order_id}", one, methods=["GET"])
    without = routing.TransactionalRoute("/orders", one, methods=["GET"])
    again = routing.TransactionalRoute("/other/{order_id}", one, methods=["GET"])
    assert [field.name for field in with_path.dependant.dependencies[0].path_params] == ["order_id"]
    assert [field.name for field in without.dependant.dependencies[0].query_params] == ["order_id"]
    assert without.dependant.dependencies[0].path_params == []
    assert again.dependant.dependencies[0].path == "/other/{order_id}"
    for route in (with_path, without, again):
        assert _shape(route.dependant) == _shape(_fastapis_own(route))
