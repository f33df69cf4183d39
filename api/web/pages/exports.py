"""Every list as a file: `/ui/export/<list>.xlsx` or `.csv` with the list page's own filters in the
query string (the links on each list page carry them), headers in the page's language. The rows
are those the list shows with those filters, every page of them, read from the same queries under
the same scope (a subtree the person may not read is not there; staff export their own union's).

An export holds at most `EXPORT_MAX_ROWS` rows: a larger one is refused with a message asking for a
narrower filter (the command line exports a whole register). CSV is streamed as it is read; a
workbook is written whole, then sent."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from api.deps import Scope
from api.spreadsheets import CSV_TYPE, XLSX_TYPE, csv_chunks, xlsx_bytes
from api.web import export_columns as cols
from api.web import lists
from api.web.access import PageNotFound, SignedInUser
from api.web.i18n.columns import column_header
from api.web.pages.lists import bad_filter_text
from api.web.rendering import PAGE_HEADERS, lang_of, message, runtime_of, translator_of
from api.web.sessions import SignedIn
from projections import queries
from projections.models.alerts import KINDS as ALERT_KINDS
from workflow.bounds import strict_date

router = APIRouter(prefix="/ui", include_in_schema=False)
EXPORT_MAX_ROWS = 50_000
_BATCH = 1000


class TooMany(Exception):
    """More rows than an export holds."""


class Refused(Exception):
    """Not this person's to export (the list is not theirs: the API's 403), said on a page."""

    def __init__(self, message_key: str) -> None:
        super().__init__(message_key)
        self.message_key = message_key


@dataclass(frozen=True)
class Export:
    title_key: str
    org_id: str
    columns: tuple[cols.Col, ...]
    rows: Iterable[Any]


Maker = Callable[[Request, SignedIn, Mapping[str, str]], Export]


def _pages(first: queries.Listing[Any], more: Callable[[str], queries.Listing[Any]]) -> Iterator[list[Any]]:
    """The first page's items, then each following page's, until the last."""
    listing = first
    yield listing.items
    while listing.next_cursor is not None:
        listing = more(listing.next_cursor)
        yield listing.items


def _listed(
    request: Request,
    user: SignedIn,
    params: Mapping[str, str],
    find: Callable[[Request, Scope, Mapping[str, str], lists.Window], queries.Listing[Any]],
    rows_of: Callable[[list[Any]], list[Any]],
) -> tuple[str, Iterator[Any]]:
    """A list's every page, as its page shows it (`find`, then `rows_of` each page), after its
    count says it fits in an export."""
    scope = lists.list_scope(request, user.actor, params.get("org"))
    first = find(request, scope, params, lists.Window(_BATCH, count_cap=EXPORT_MAX_ROWS))
    if first.total is not None and not first.total_exact:
        raise TooMany()

    def more(cursor: str) -> queries.Listing[Any]:
        return find(request, scope, params, lists.Window(_BATCH, cursor, count=False))

    return scope.org_id, (row for page in _pages(first, more) for row in rows_of(page))


def _unions(request: Request, user: SignedIn, params: Mapping[str, str], columns: tuple[cols.Col, ...]) -> Export:
    today = runtime_of(request).service.clock()
    org_id, rows = _listed(request, user, params, lists.find_unions, lambda p: lists.union_rows(request, p, today))
    title = "list.unions_title" if columns is cols.UNION_COLUMNS else "list.register_title"
    return Export(title, org_id, columns, rows)


def _procedures(request: Request, user: SignedIn, params: Mapping[str, str]) -> Export:
    org_id, rows = _listed(request, user, params, lists.find_procedures, lambda p: lists.procedure_rows(request, p))
    return Export("list.procedures_title", org_id, cols.PROCEDURE_COLUMNS, rows)


def _named(request: Request, items: list[Any]) -> list[cols.Named]:
    names = queries.org_names(runtime_of(request).engine, [i.org_id for i in items])
    return [cols.Named(i, names.get(i.org_id)) for i in items]


def _day(params: Mapping[str, str], today: dt.date) -> dt.date:
    given = params.get("on", "").strip()
    if not given:
        return today
    try:
        return strict_date(given)
    except ValueError:
        raise queries.BadFilter("on", f"{given!r} is not a date (YYYY-MM-DD)", given) from None


def _alerts(request: Request, user: SignedIn, params: Mapping[str, str]) -> Export:
    rt = runtime_of(request)
    scope = lists.list_scope(request, user.actor, params.get("org"))
    kind = params.get("kind", "").strip() or None
    if kind is not None and kind not in ALERT_KINDS:
        raise queries.BadFilter("kind", f"unknown kind {kind!r}", kind)
    day = _day(params, rt.service.clock())
    counts = queries.alert_counts(rt.engine, day, scope.org_id)
    if (counts.get(kind, 0) if kind else sum(counts.values())) > EXPORT_MAX_ROWS:
        raise TooMany()
    kinds = [kind] if kind else None

    def page(cursor: str | None) -> queries.Page[queries.Alert]:
        return queries.alerts(rt.engine, day, scope.org_id, kinds, limit=_BATCH, cursor=cursor)

    def rows() -> Iterator[cols.Named]:
        cursor: str | None = None
        while True:
            found = page(cursor)
            mine = [a for a in found.items if not scope.own_only or a.org_id == scope.org_id]
            yield from _named(request, mine)
            cursor = found.next_cursor
            if cursor is None:
                return

    return Export("nav.alerts", scope.org_id, cols.ALERT_COLUMNS, rows())


def _inbox(request: Request, user: SignedIn, params: Mapping[str, str]) -> Export:
    if user.actor.role != "approver":
        raise Refused("inbox.not_approver")
    rt = runtime_of(request)
    items = queries.inbox(rt.engine, user.actor.org_id, on=rt.service.clock(), limit=EXPORT_MAX_ROWS).items
    if len(items) >= EXPORT_MAX_ROWS:
        raise TooMany()
    return Export("inbox.title", user.actor.org_id, cols.INBOX_COLUMNS, _named(request, items))


def _coverage(request: Request, user: SignedIn, params: Mapping[str, str]) -> Export:
    """The subtree's figures, then those of each organisation directly below it with unions of
    its own (as `unionflow coverage`); not for staff (as `GET /coverage`)."""
    if user.actor.role == "staff":
        raise Refused("list.coverage_not_staff")
    rt = runtime_of(request)
    scope = lists.list_scope(request, user.actor, params.get("org"))
    day = _day(params, rt.service.clock())
    orgs = [scope.org_id, *queries.federations_below(rt.engine, scope.org_id)]
    names = queries.org_names(rt.engine, orgs)
    rows = [cols.Named(queries.coverage(rt.engine, org, on=day), names.get(org)) for org in orgs]
    return Export("dashboard.coverage", scope.org_id, cols.COVERAGE_COLUMNS, rows)


EXPORTS: dict[str, Maker] = {
    "unions": lambda request, user, params: _unions(request, user, params, cols.UNION_COLUMNS),
    "register": lambda request, user, params: _unions(request, user, params, cols.REGISTER_COLUMNS),
    "procedures": _procedures,
    "alerts": _alerts,
    "inbox": _inbox,
    "coverage": _coverage,
}


def _file(request: Request, what: str, fmt: str, export: Export) -> Response:
    lang = lang_of(request)
    t = cols.Words(translator_of(request), lang)
    headers = [column_header(lang, c.key) for c in export.columns]
    rows = ([c.cell(row, t) for c in export.columns] for row in export.rows)
    today = runtime_of(request).service.clock()
    name = f"{what}-{export.org_id}-{today.isoformat()}.{fmt}"
    answer_headers = PAGE_HEADERS | {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return StreamingResponse(csv_chunks(headers, rows), media_type=CSV_TYPE, headers=answer_headers)
    percent = frozenset(i for i, c in enumerate(export.columns) if c.percent)
    body = xlsx_bytes(t(export.title_key), headers, rows, percent=percent)
    return Response(body, media_type=XLSX_TYPE, headers=answer_headers)


@router.get("/export/{what}.{fmt}")
def export_list(request: Request, user: SignedInUser, what: str, fmt: str) -> Response:
    maker = EXPORTS.get(what)
    if maker is None or fmt not in ("csv", "xlsx"):
        raise PageNotFound()
    try:
        return _file(request, what, fmt, maker(request, user, dict(request.query_params)))
    except queries.BadFilter as exc:
        return message(request, "bad_input", text=bad_filter_text(request, exc), status=400, user=user)
    except TooMany:
        text = translator_of(request)("list.too_many", n=f"{EXPORT_MAX_ROWS:,}")
        return message(request, "bad_input", text=text, status=400, user=user)
    except Refused as exc:
        return message(request, "error", message_key=exc.message_key, status=403, user=user)
