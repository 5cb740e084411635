"""Keyset pagination: opaque cursors, `?limit=` at most 100, and the list envelope's `meta`."""

from __future__ import annotations

import base64
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Depends, Query
from sqlalchemy import Select, and_, bindparam, func, or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bosonline.errors import ValidationFailed
from bosonline.kit.clock import as_utc
from bosonline.kit.fields import OneLineText

MAX_LIMIT = 100
DEFAULT_LIMIT = 25


@dataclass(frozen=True)
class PageParams:
    limit: int
    cursor: str | None


async def page_params(
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Page size (1–100).")] = DEFAULT_LIMIT,
    cursor: Annotated[
        OneLineText | None, Query(max_length=200, description="`meta.next_cursor` of the previous page.")
    ] = None,
) -> PageParams:
    return PageParams(limit=limit, cursor=cursor)


# A list route's `?limit=` and `?cursor=`: `page: PageQuery`.
PageQuery = Annotated[PageParams, Depends(page_params)]


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _cursor_value(value: Any) -> Any:
    """A key value as a cursor holds it: a datetime as microseconds since the epoch (naive ones are UTC)."""
    if isinstance(value, datetime):
        return (as_utc(value) - _EPOCH) // timedelta(microseconds=1)
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_cursor_value(value) for value in values], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1


def _fits(value: Any, kind: type) -> bool:
    if kind is int or kind is datetime:
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
    try:
        return [
            _EPOCH + timedelta(microseconds=v) if kind is datetime else v
            for v, kind in zip(values, kinds, strict=False)
        ]
    except OverflowError as exc:
        raise ValidationFailed(fields={"cursor": "is not a cursor this API issued"}) from exc


def _key_kind(key: Any) -> type:
    column_type = getattr(key.type, "impl", key.type)  # a TypeDecorator (UTCDateTime) says what it wraps
    try:
        python_type = column_type.python_type
    except NotImplementedError:
        return str
    if issubclass(python_type, datetime):
        return datetime
    return int if issubclass(python_type, int) else str


T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def _after(keys: Sequence[Any], values: list[Any], descending: bool) -> Any:
    """Rows past `values` in key order. Two keys are spelled `k1 <= a AND (k1 < a OR k2 < b)` rather than as a row
    comparison, so that an index on the first key (after the store) bounds the read."""
    if len(keys) == 1:
        return keys[0] < values[0] if descending else keys[0] > values[0]
    if len(keys) == 2:
        (k1, k2), (a, b) = keys, values
        if descending:
            return and_(k1 <= a, or_(k1 < a, k2 < b))
        return and_(k1 >= a, or_(k1 > a, k2 > b))
    return tuple_(*keys) < tuple_(*values) if descending else tuple_(*keys) > tuple_(*values)


def after_cursor(keys: Sequence[Any], descending: bool) -> Any:
    """keyset_page's "rows past the cursor" with bound parameters `after_0`, `after_1`, … in place of the cursor's
    values, for a statement built once and run with `cursor_params`."""
    return _after(keys, [bindparam(f"after_{n}") for n in range(len(keys))], descending)


def cursor_params(cursor: str, keys: Sequence[Any]) -> dict[str, Any]:
    """The parameters of `after_cursor` for `cursor` (a 422 when this API did not issue it for these keys)."""
    values = decode_cursor(cursor, [_key_kind(key) for key in keys])
    return {f"after_{n}": value for n, value in enumerate(values)}


async def keyset_page(
    session: AsyncSession,
    stmt: Select[Any],
    keys: Sequence[InstrumentedAttribute[Any]],
    params: PageParams,
    *,
    descending: bool = False,
) -> Page[Any]:
    """Rows of `stmt` ordered by `keys` (ending in a unique column), starting after the cursor.

    Key values are ints, strings or datetimes (a cursor holds a datetime as microseconds since the epoch).
    """
    if params.cursor:
        after = decode_cursor(params.cursor, [_key_kind(key) for key in keys])
        stmt = stmt.where(_after(keys, after, descending))
    order = [key.desc() if descending else key.asc() for key in keys]
    rows = list((await session.scalars(stmt.order_by(*order).limit(params.limit + 1))).all())
    next_cursor = None
    if len(rows) > params.limit:
        rows = rows[: params.limit]
        last = rows[-1]
        next_cursor = encode_cursor([getattr(last, key.key) for key in keys])
    return Page(items=rows, next_cursor=next_cursor)


async def count_rows(session: AsyncSession, stmt: Select[Any]) -> int:
    """How many rows `stmt` selects (a list's `meta.total`, a store's count against its limit)."""
    return int(await session.scalar(select(func.count()).select_from(stmt.subquery())) or 0)
