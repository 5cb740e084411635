"""Keyset pagination: opaque cursors, `?limit=` at most 100, and the list envelope's `meta`."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from sqlalchemy import Select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bosonline.errors import ValidationFailed

MAX_LIMIT = 100
DEFAULT_LIMIT = 25


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None


def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (1–100).")] = DEFAULT_LIMIT,
    cursor: Annotated[
        str | None, Query(max_length=200, description="`meta.next_cursor` of the previous page.")
    ] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1


def _fits(value: Any, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool) and _BIGINT_MIN <= value <= _BIGINT_MAX
    return isinstance(value, str)


def decode_cursor(cursor: str, kinds: Sequence[type]) -> list[Any]:
    """The key values of a cursor, each of its key's type (ints within BIGINT), so that a forged cursor is a
    422 instead of reaching the database as a wrong-typed or overflowing value."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(fields={"cursor": "is not a cursor this API issued"}) from exc
    if (
        not isinstance(values, list)
        or len(values) != len(kinds)
        or not all(_fits(v, kind) for v, kind in zip(values, kinds, strict=True))
    ):
        raise ValidationFailed(fields={"cursor": "is not a cursor this API issued"})
    return values


def _key_kind(key: InstrumentedAttribute[Any]) -> type:
    try:
        return int if issubclass(key.type.python_type, int) else str
    except NotImplementedError:
        return str


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


async def keyset_page(
    session: AsyncSession,
    stmt: Select[Any],
    keys: Sequence[InstrumentedAttribute[Any]],
    params: PageParams,
    *,
    descending: bool = False,
) -> Page[Any]:
    """Rows of `stmt` ordered by `keys` (ending in a unique column), starting after the cursor.

    Key values must be ints or strings (ids, ISO timestamps stored as text are not used here).
    """
    if params.cursor:
        after = decode_cursor(params.cursor, [_key_kind(key) for key in keys])
        row_key = tuple_(*keys) if len(keys) > 1 else keys[0]
        bound = tuple_(*after) if len(keys) > 1 else after[0]
        stmt = stmt.where(row_key < bound if descending else row_key > bound)
    order = [key.desc() if descending else key.asc() for key in keys]
    rows = list((await session.scalars(stmt.order_by(*order).limit(params.limit + 1))).all())
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, key.key) for key in keys])
    return Page(items=rows, next_cursor=next_cursor)
