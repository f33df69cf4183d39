"""Pages with keyset cursors (opaque text: the last row's sort key, so page 1,000 costs what page 1
costs), and the subtree filter every list shares."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from projections.tree import place_of, subtree_range

T = TypeVar("T")
Bind = Engine | Connection
OPEN_DATE = dt.date(9999, 12, 31)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None  # pass back as `cursor` for the next page; None on the last page


@contextmanager
def connect(bind: Bind) -> Iterator[Connection]:
    if isinstance(bind, Connection):
        yield bind
    else:
        with bind.connect() as conn:
            yield conn


def encode_cursor(values: Sequence[Any]) -> str:
    raw = orjson.dumps([v.isoformat() if isinstance(v, dt.date) else v for v in values])
    return base64.urlsafe_b64encode(raw).decode()


def decode_cursor(cursor: str) -> list[Any]:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception as exc:
        raise ValueError(f"not a cursor from this API: {cursor!r}") from exc
    if not isinstance(values, list):
        raise ValueError(f"not a cursor from this API: {cursor!r}")
    return values


def _cursor_values(columns: Sequence[sa.ColumnElement[Any]], cursor: str) -> list[Any]:
    """The cursor's sort key, each value of its column's type (ValueError if it is not one)."""
    values = decode_cursor(cursor)
    if len(values) != len(columns):
        raise ValueError("cursor does not fit this query")
    return [as_date(v) if isinstance(c.type, sa.Date) else v for v, c in zip(values, columns, strict=True)]


def keyset_after(columns: Sequence[sa.ColumnElement[Any]], cursor: str | None) -> list[sa.ColumnElement[bool]]:
    if cursor is None:
        return []
    bound = [sa.literal(v, c.type) for v, c in zip(_cursor_values(columns, cursor), columns, strict=True)]
    return [sa.tuple_(*columns) > sa.tuple_(*bound)]


def bound_page(
    q: sa.Select[Any], key: Sequence[sa.ColumnElement[Any]], *, after: bool, limited: bool
) -> sa.Select[Any]:
    """`q` in `key` order, for a statement built once: after a cursor's key and up to a limit, both
    bound at each execution (`page_parameters`)."""
    if after:
        q = q.where(sa.tuple_(*key) > sa.tuple_(*(sa.bindparam(f"after_{i}", type_=c.type) for i, c in enumerate(key))))
    q = q.order_by(*key)
    return q.limit(sa.bindparam("limit", type_=sa.Integer)) if limited else q


def page_parameters(key: Sequence[sa.ColumnElement[Any]], cursor: str | None, limit: int | None) -> dict[str, Any]:
    """The values a `bound_page` statement is executed with: the cursor's key, one row more than
    `limit` (to tell whether a next page exists)."""
    values = {} if cursor is None else {f"after_{i}": v for i, v in enumerate(_cursor_values(key, cursor))}
    if limit is not None:
        values["limit"] = limit + 1
    return values


def page_of(rows: list[Any], limit: int | None, key: Any) -> tuple[list[Any], str | None]:
    if limit is not None and len(rows) > limit:
        rows = rows[:limit]
        return rows, encode_cursor(key(rows[-1]))
    return rows, None


def as_date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def subtree_bounds(conn: Connection, subtree: str) -> tuple[str, str]:
    """[low, high) of the paths in the subtree rooted at organisation `subtree` (LookupError if
    unknown)."""
    info = place_of(conn, subtree)
    if info is None:
        raise LookupError(f"no organisation {subtree!r}")
    return subtree_range(info.path)


def subtree_filter(
    conn: Connection, column: sa.ColumnElement[str], subtree: str | None
) -> list[sa.ColumnElement[bool]]:
    """`column` within the subtree rooted at organisation `subtree` (LookupError if unknown)."""
    if subtree is None:
        return []
    low, high = subtree_bounds(conn, subtree)
    return [column >= low, column < high]
