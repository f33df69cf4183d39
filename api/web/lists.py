"""What the unions and procedures lists (their pages, the union page's list of the unions below it,
and their exports) share: the filters as the query string gives them, the subtree the person may
read (the API's one rule, `api.deps.readable_scope`), and the rows with what a list shows beside
the read model's record (names, not codes; the union's state; the alerts firing today)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from api.deps import Scope, readable_scope
from api.web.access import PageNotFound
from api.web.rendering import runtime_of, templates
from events.flows import FLOWS
from projections import queries
from workflow.authority import Actor
from workflow.errors import NotFound


def state_words(lang: str, kind: str, state: str) -> str:
    """A procedure's state as its own kind names it (kinds share some state names, such as
    "requested", that each says its own way)."""
    flow = FLOWS.get(kind)
    if flow is None or state not in flow.state_names:
        return state
    found = flow.state(state)
    return found.label_zh if lang == "zh" else found.label_en


def any_state_words(lang: str, state: str) -> str:
    """A state name as the filters offer it, whatever the kind: each kind's words for it."""
    said = [state_words(lang, flow.kind, state) for flow in FLOWS.values() if state in flow.state_names]
    return "／".join(dict.fromkeys(said)) or state


templates.env.globals["state_words"] = state_words  # the lists' tables and filters
templates.env.globals["any_state_words"] = any_state_words

UNION_FILTERS = ("org", "q", "level", "state", "pkind", "pstate", "alert", "overdue", "sort")
PROCEDURE_FILTERS = ("org", "kind", "state", "waiting", "union", "sort")


def list_scope(request: Request, actor: Actor, org: str | None) -> Scope:
    """The subtree a list covers: `org` (default: the person's organisation) if the person may
    read it, else the page is not there (as for a union outside the subtree)."""
    with runtime_of(request).engine.connect() as conn:
        try:
            return readable_scope(conn, actor, org or None)
        except NotFound:
            raise PageNotFound() from None


def _given(params: Mapping[str, str], name: str) -> str | None:
    value = params.get(name, "").strip()
    return value or None


def union_search(params: Mapping[str, str], today: dt.date) -> queries.UnionSearch:
    """The unions list's filters from the query string (`queries.BadFilter` names a bad one). A
    search by name sorts by name unless a sort is asked for."""
    q = _given(params, "q")
    return queries.UnionSearch(
        on=today,
        q=q,
        level=_given(params, "level"),
        state=_given(params, "state"),
        procedure_kind=_given(params, "pkind"),
        procedure_state=_given(params, "pstate"),
        alert=_given(params, "alert"),
        overdue=_given(params, "overdue") in ("1", "true", "on"),
        sort=_given(params, "sort") or ("name" if q else "tree"),
    )


def procedure_search(params: Mapping[str, str]) -> queries.ProcedureSearch:
    return queries.ProcedureSearch(
        kind=_given(params, "kind"),
        state=_given(params, "state"),
        union=_given(params, "union"),
        waiting=_given(params, "waiting"),
        sort=_given(params, "sort") or "tree",
    )


def page_size(params: Mapping[str, str], default: int, most: int) -> int:
    """`limit` rows a page (1 to `most`; `default` when not given)."""
    given = _given(params, "limit")
    if given is None:
        return default
    if not given.isdigit() or not 1 <= int(given) <= most:
        raise queries.BadFilter("limit", f"rows a page: 1 to {most}", given)
    return int(given)


def page_number(params: Mapping[str, str]) -> int:
    """Which page this is, as the pager counts them (shown only; the cursor says where it starts)."""
    given = _given(params, "page") or "1"
    return int(given) if given.isdigit() and 0 < int(given) < 10**6 else 1


def filters_query(params: Mapping[str, str], names: tuple[str, ...], **extra: Any) -> str:
    """The query string of the filters given (for the next page, an export, a sort), with `extra`."""
    kept = {n: params[n] for n in names if params.get(n, "").strip()}
    return urlencode(kept | {k: v for k, v in extra.items() if v is not None})


@dataclass(frozen=True)
class Window:
    """Which page of a list is asked for: its size, where it starts (the cursor), and whether to
    count the matches (up to `count_cap`)."""

    limit: int
    cursor: str | None = None
    count: bool = True
    count_cap: int = queries.COUNT_CAP

    def within(self, scope: Scope) -> dict[str, Any]:
        """The list query's arguments for this page in `scope` (staff: their own union alone)."""
        only = scope.org_id if scope.own_only else None
        return {
            "only": only,
            "limit": self.limit,
            "cursor": self.cursor,
            "count": self.count,
            "count_cap": self.count_cap,
        }


def find_unions(
    request: Request, scope: Scope, params: Mapping[str, str], window: Window
) -> queries.Listing[queries.UnionRecord]:
    """A page of the unions list: staff see their own union, anyone else the unions below the
    subtree's root (its own page shows the root)."""
    rt = runtime_of(request)
    search = union_search(params, rt.service.clock())
    return queries.unions(rt.engine, scope.org_id, search, below_only=not scope.own_only, **window.within(scope))


def find_procedures(
    request: Request, scope: Scope, params: Mapping[str, str], window: Window
) -> queries.Listing[queries.ProcedureStatus]:
    """A page of the procedures list: staff see their own union's, anyone else the subtree's."""
    engine = runtime_of(request).engine
    return queries.procedure_list(engine, scope.org_id, procedure_search(params), **window.within(scope))


@dataclass(frozen=True)
class UnionRow:
    record: queries.UnionRecord
    parent_name: str | None
    state: str | None  # queries.union_state
    alerts: list[str]  # the kinds firing today


def union_rows(request: Request, records: list[queries.UnionRecord], today: dt.date) -> list[UnionRow]:
    engine = runtime_of(request).engine
    names = queries.org_names(engine, [r.parent_id for r in records if r.parent_id])
    alerts = queries.alert_kinds_of(engine, [r.path for r in records], today)
    return [
        UnionRow(r, names.get(r.parent_id or ""), queries.union_state(r, today), alerts.get(r.path, []))
        for r in records
    ]


@dataclass(frozen=True)
class ProcedureRow:
    status: queries.ProcedureStatus
    union_name: str | None
    waiting_on_name: str | None  # the organisation that must act next


def procedure_rows(request: Request, items: list[queries.ProcedureStatus]) -> list[ProcedureRow]:
    ids = [p.org_id for p in items] + [p.waiting_on for p in items if p.waiting_on]
    names = queries.org_names(runtime_of(request).engine, ids)
    return [ProcedureRow(p, names.get(p.org_id), names.get(p.waiting_on or "")) for p in items]
