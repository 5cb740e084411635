"""Reading and setting named attributes of any object (ORM rows, request bodies, dataclasses), for copies of a row
and for rows built or updated from a body whose fields carry the columns' names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any


def attributes(source: object, names: Iterable[str]) -> dict[str, Any]:
    """`source`'s attributes `names` as {name: value}; a dict or list value is copied (one level), so a row built from
    them never shares a mutable JSON value with `source`."""
    return {name: _own(getattr(source, name)) for name in names}


def assign(target: object, values: Mapping[str, Any]) -> None:
    """Sets each of `values` on `target`, by name."""
    for name, value in values.items():
        setattr(target, name, value)


def _own(value: Any) -> Any:
    return type(value)(value) if isinstance(value, dict | list) else value
