"""Pages of the read models (`projections.queries`): keyset cursors and the subtree's path range,
so page 1,000 costs what page 1 costs and no list ever loads a whole table. A page answers `items`
and `next_cursor`, and a `Link: <...>; rel="next"` header while more follow."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

import orjson
from fastapi import Request, Response

from api.deps import Reader, Scope
from api.problems import invalid
from projections import queries

T = TypeVar("T")


def own_only(items: list[T], next_cursor: str | None, scope: Scope, org_of: Callable[[T], str]) -> queries.Page[T]:
    """Staff see their own organisation's rows only. Lists come in tree order and an
    organisation's path sorts before every path below it, so its own rows come first: once a row
    of another organisation shows up, the list is done."""
    if not scope.own_only:
        return queries.Page(items, next_cursor)
    own = [i for i in items if org_of(i) == scope.org_id]
    return queries.Page(own, next_cursor if len(own) == len(items) else None)


# Cursor shapes: the sort key of each list (projections.queries), element by element.
TEXT, INT, DATE = "text", "int", "date"


def check_cursor(cursor: str | None, shape: Sequence[str]) -> list[Any] | None:
    """Decode a cursor (url-safe base64 of a JSON list: the last row's sort key, as
    `projections.queries` writes it) and check it fits this list, so that no malformed cursor
    reaches the database as a comparison it cannot make."""
    if cursor is None:
        return None
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except ValueError:  # not base64, not ASCII, or not JSON
        values = None
    ok = isinstance(values, list) and len(values) == len(shape)
    if ok:
        assert isinstance(values, list)
        for value, kind in zip(values, shape, strict=True):
            if kind == INT:
                ok = ok and isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**62
            elif kind == TEXT:
                ok = ok and isinstance(value, str) and "\x00" not in value and len(value) <= 2000
            else:
                ok = ok and isinstance(value, str) and _is_date(value)
    if not ok:
        raise invalid("query.cursor", "not a cursor from this list: pass back the `next_cursor` of the page before")
    return values


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(values))).decode()


def link_next(request: Request, response: Response, next_cursor: str | None) -> None:
    if next_cursor is not None:
        response.headers["Link"] = f'<{request.url.include_query_params(cursor=next_cursor)}>; rel="next"'


def answer_page(read: Reader, items: list[Any], next_cursor: str | None) -> dict[str, Any]:
    """A page's body, with the next page's `Link` header set on the response."""
    link_next(read.request, read.response, next_cursor)
    return {"items": items, "next_cursor": next_cursor}


@contextmanager
def checked_search() -> Iterator[None]:
    """A list's filters, sort or cursor refused by the read model (`queries.BadFilter`) as a 422
    naming the query parameter."""
    try:
        yield
    except queries.BadFilter as exc:
        raise invalid(f"query.{exc.field}", str(exc)) from None


def answer_listing(read: Reader, items: list[Any], listing: queries.Listing[Any]) -> dict[str, Any]:
    """A counted list's page (`queries.Listing`), with the next page's `Link` header."""
    return answer_page(read, items, listing.next_cursor) | {"total": listing.total, "total_exact": listing.total_exact}
