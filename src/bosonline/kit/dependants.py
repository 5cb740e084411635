"""FastAPI's analysis of a route's dependencies, done once per shared sub-dependency (start-up time).

FastAPI analyses a route's dependencies (their signatures, their parameters' pydantic fields) for every route again:
the same few (the session, the runtime, the caller's token, the store context with its X-Store-Id header) ~1,400
times for ~170 routes, a tenth of the app's import. While `routing.TransactionalRoute` builds a route, each
sub-dependency is analysed once per (callable, parameter name, scopes, options, the path parameters its tree could
take), and every route gets its own copy of the tree (the Dependant objects and their lists; the pydantic fields,
never changed after they are made, are shared). FastAPI offers no hook for this: its module function
`get_dependant`, which calls itself for the sub-dependencies, is replaced while a route is built, and only then.
`tests/core/test_routes_analysis.py` compares every route's tree with FastAPI's own analysis.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.dependencies import utils as dependency_utils
from fastapi.dependencies.models import Dependant
from fastapi.utils import get_path_param_names

_analyse = dependency_utils.get_dependant
_analysed: dict[tuple[Any, ...], tuple[frozenset[str], dict[frozenset[str], Dependant]]] = {}


@contextmanager
def sub_dependencies_analysed_once() -> Iterator[None]:
    if dependency_utils.get_dependant is not _analyse:  # a route built while another one is (never, but stay correct)
        yield
        return
    dependency_utils.get_dependant = _analysed_once
    try:
        yield
    finally:
        dependency_utils.get_dependant = _analyse


def _analysed_once(**kwargs: Any) -> Dependant:
    if kwargs.get("name") is None:  # the endpoint itself, or a route's `dependencies=[...]`: as FastAPI does
        return _analyse(**kwargs)
    try:
        key = (
            kwargs["call"],
            kwargs["name"],
            tuple(kwargs.get("own_oauth_scopes") or ()),
            tuple(kwargs.get("parent_oauth_scopes") or ()),
            kwargs.get("use_cache", True),
            kwargs.get("scope"),
            kwargs.get("concurrency"),
        )
        hash(key)
    except TypeError:  # an unhashable callable or option
        return _analyse(**kwargs)
    path = kwargs["path"]
    # A parameter named like one of the path's parameters is a path parameter: the trees differ only by which of
    # their parameter names the path has.
    known = _analysed.get(key)
    if known is not None:
        names, trees = known
        taken = frozenset(get_path_param_names(path)) & names
        tree = trees.get(taken)
        if tree is None:
            tree = trees[taken] = _analyse(**kwargs)
    else:
        tree = _analyse(**kwargs)
        names = _parameter_names(tree)
        _analysed[key] = (names, {frozenset(get_path_param_names(path)) & names: tree})
    return _copy(tree, path)


def _parameter_names(dependant: Dependant) -> frozenset[str]:
    fields = [
        *dependant.path_params,
        *dependant.query_params,
        *dependant.header_params,
        *dependant.cookie_params,
        *dependant.body_params,
    ]
    names = {field.name for field in fields}
    for sub in dependant.dependencies:
        names |= _parameter_names(sub)
    return frozenset(names)


def _copy(dependant: Dependant, path: str) -> Dependant:
    return dataclasses.replace(
        dependant,
        path=path,
        path_params=list(dependant.path_params),
        query_params=list(dependant.query_params),
        header_params=list(dependant.header_params),
        cookie_params=list(dependant.cookie_params),
        body_params=list(dependant.body_params),
        dependencies=[_copy(sub, path) for sub in dependant.dependencies],
        own_oauth_scopes=None if dependant.own_oauth_scopes is None else list(dependant.own_oauth_scopes),
        parent_oauth_scopes=None if dependant.parent_oauth_scopes is None else list(dependant.parent_oauth_scopes),
    )
