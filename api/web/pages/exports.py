"""Every list as a file: `/ui/export/<list>.xlsx` or `.csv` with the list page's own filters in the
query string (the links on each list page carry them), headers in the page's language. The rows
are those the list shows with those filters, every page of them, read from the same queries under
the same scope (a subtree the person may not read is not there; staff export their own union's).

A CSV file holds at most `EXPORT_MAX_ROWS` rows and a workbook at most `XLSX_MAX_CELLS` cells (openpyxl
writes some 30,000-80,000 cells a second here, so that a workbook comes within seconds): a larger
export is refused with a message asking for a narrower filter. CSV is streamed as it is read; a
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
EXPORT_MAX_ROWS = 100_000
XLSX_MAX_CELLS = 500_000
_BATCH = 1000


class TooMany(Exception):
    """More rows than an export holds."""

    def __init__(self, cap: int) -> None:
        super().__init__(f"more than {cap} rows")
        self.cap = cap


class Refused(Exception):
    """Not this person's to export (the list is not theirs: the API's 403), said on a page."""

    def __init__(self, message_key: str) -> None:
        super().__init__(message_key)
        self.message_key = message_key


@dataclass(frozen=True)
class Asked:
    """An export asked for: by whom, with which filters, and how many rows it may hold."""

    request: Request
    user: SignedIn
    params: Mapping[str, str]
    cap: int

    def scope(self) -> Scope:
        return lists.list_scope(self.request, self.user.actor, self.params.get("org"))

    def check(self, count: int) -> None:
        if count > self.cap:
            raise TooMany(self.cap)


@dataclass(frozen=True)
class Export:
    title_key: str
    org_id: str
    rows: Iterable[Any]


def _pages(first: queries.Listing[Any], more: Callable[[str], queries.Listing[Any]]) -> Iterator[list[Any]]:
    """The first page's items, then each following page's, until the last."""
    listing = first
    yield listing.items
    while listing.next_cursor is not None:
        listing = more(listing.next_cursor)
        yield listing.items


def _listed(
    asked: Asked,
    find: Callable[[Request, Scope, Mapping[str, str], lists.Window], queries.Listing[Any]],
    rows_of: Callable[[list[Any]], list[Any]],
) -> tuple[str, Iterator[Any]]:
    """A list's every page, as its page shows it (`find`, then `rows_of` each page), after its
    count says it fits in the export."""
    request, params, scope = asked.request, asked.params, asked.scope()
    first = find(request, scope, params, lists.Window(_BATCH, count_cap=asked.cap))
    if first.total is not None and not first.total_exact:
        raise TooMany(asked.cap)

    def more(cursor: str) -> queries.Listing[Any]:
        return find(request, scope, params, lists.Window(_BATCH, cursor, count=False))

    return scope.org_id, (row for page in _pages(first, more) for row in rows_of(page))


def _unions(asked: Asked, title_key: str) -> Export:
    today = runtime_of(asked.request).service.clock()
    org_id, rows = _listed(asked, lists.find_unions, lambda p: lists.union_rows(asked.request, p, today))
    return Export(title_key, org_id, rows)


def _procedures(asked: Asked) -> Export:
    org_id, rows = _listed(asked, lists.find_procedures, lambda p: lists.procedure_rows(asked.request, p))
    return Export("list.procedures_title", org_id, rows)


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


def _alerts(asked: Asked) -> Export:
    rt, scope = runtime_of(asked.request), asked.scope()
    kind = asked.params.get("kind", "").strip() or None
    if kind is not None and kind not in ALERT_KINDS:
        raise queries.BadFilter("alert_kind", f"unknown alert kind {kind!r}", kind)
    day = _day(asked.params, rt.service.clock())
    counts = queries.alert_counts(rt.engine, day, scope.org_id)
    asked.check(counts.get(kind, 0) if kind else sum(counts.values()))

    def rows() -> Iterator[cols.Named]:
        cursor: str | None = None
        while True:
            found = queries.alerts(rt.engine, day, scope.org_id, [kind] if kind else None, limit=_BATCH, cursor=cursor)
            mine = [a for a in found.items if not scope.own_only or a.org_id == scope.org_id]
            yield from _named(asked.request, mine)
            cursor = found.next_cursor
            if cursor is None:
                return

    return Export("nav.alerts", scope.org_id, rows())


def _inbox(asked: Asked) -> Export:
    actor = asked.user.actor
    if actor.role != "approver":
        raise Refused("inbox.not_approver")
    rt = runtime_of(asked.request)
    page = queries.inbox(rt.engine, actor.org_id, on=rt.service.clock(), limit=asked.cap)
    if page.next_cursor is not None:
        raise TooMany(asked.cap)
    return Export("inbox.title", actor.org_id, _named(asked.request, page.items))


def _coverage(asked: Asked) -> Export:
    """The subtree's figures, then those of each organisation directly below it with unions of
    its own (as `unionflow coverage`); not for staff (as `GET /coverage`)."""
    if asked.user.actor.role == "staff":
        raise Refused("list.coverage_not_staff")
    rt, scope = runtime_of(asked.request), asked.scope()
    day = _day(asked.params, rt.service.clock())
    orgs = [scope.org_id, *queries.federations_below(rt.engine, scope.org_id)]
    asked.check(len(orgs))
    names = queries.org_names(rt.engine, orgs)
    rows = [cols.Named(queries.coverage(rt.engine, org, on=day), names.get(org)) for org in orgs]
    return Export("dashboard.coverage", scope.org_id, rows)


# Each list: its columns, and how its rows are read.
EXPORTS: dict[str, tuple[tuple[cols.Col, ...], Callable[[Asked], Export]]] = {
    "unions": (cols.UNION_COLUMNS, lambda asked: _unions(asked, "list.unions_title")),
    "register": (cols.REGISTER_COLUMNS, lambda asked: _unions(asked, "list.register_title")),
    "procedures": (cols.PROCEDURE_COLUMNS, _procedures),
    "alerts": (cols.ALERT_COLUMNS, _alerts),
    "inbox": (cols.INBOX_COLUMNS, _inbox),
    "coverage": (cols.COVERAGE_COLUMNS, _coverage),
}


def _file(request: Request, what: str, fmt: str, columns: tuple[cols.Col, ...], export: Export) -> Response:
    lang = lang_of(request)
    t = cols.Words(translator_of(request), lang)
    headers = [column_header(lang, c.key) for c in columns]
    rows = ([c.cell(row, t) for c in columns] for row in export.rows)
    today = runtime_of(request).service.clock()
    name = f"{what}-{export.org_id}-{today.isoformat()}.{fmt}"
    answer_headers = PAGE_HEADERS | {"Content-Disposition": f'attachment; filename="{name}"'}
    if fmt == "csv":
        return StreamingResponse(csv_chunks(headers, rows), media_type=CSV_TYPE, headers=answer_headers)
    percent = frozenset(i for i, c in enumerate(columns) if c.percent)
    body = xlsx_bytes(t(export.title_key), headers, rows, percent=percent)
    return Response(body, media_type=XLSX_TYPE, headers=answer_headers)


@router.get("/export/{what}.{fmt}")
def export_list(request: Request, user: SignedInUser, what: str, fmt: str) -> Response:
    found = EXPORTS.get(what)
    if found is None or fmt not in ("csv", "xlsx"):
        raise PageNotFound()
    columns, make = found
    cap = EXPORT_MAX_ROWS if fmt == "csv" else min(EXPORT_MAX_ROWS, XLSX_MAX_CELLS // len(columns))
    t = translator_of(request)
    try:
        return _file(request, what, fmt, columns, make(Asked(request, user, dict(request.query_params), cap)))
    except queries.BadFilter as exc:
        return message(request, "bad_input", text=bad_filter_text(request, exc), status=400, user=user)
    except TooMany as exc:
        text = t("list.too_many", n=f"{exc.cap:,}", fmt=fmt.upper(), csv=f"{EXPORT_MAX_ROWS:,}")
        return message(request, "bad_input", text=text, status=400, user=user)
    except Refused as exc:
        return message(request, "error", message_key=exc.message_key, status=403, user=user)
