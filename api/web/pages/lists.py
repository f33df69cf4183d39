"""The lists a union office works from: the unions of its subtree (`/ui/unions`: found by code or
by the beginning of the name, filtered by level, state, procedures and alerts) and the procedures
of its subtree (`/ui/procedures`), sorted, a page at a time, with how many match, each with links
to export what it shows (`api.web.pages.exports`). A filter the list does not know is said on the
page, beside the filters, never a 500; a subtree the person may not read is not there."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import Scope
from api.web import lists
from api.web.access import PageNotFound, SignedInUser
from api.web.rendering import redirect, render, runtime_of, translator_of
from api.web.sessions import SignedIn
from projections import queries
from projections.models.alerts import KINDS as ALERT_KINDS
from projections.queries import lists as choices

router = APIRouter(prefix="/ui", include_in_schema=False)
PAGE_SIZE = 50
MOST = 200
BELOW_ON_UNION_PAGE = 20

# The query parameter each filter of the read model is given as, for the message naming it.
_PARAM = {"procedure_kind": "pkind", "procedure_state": "pstate"}


def bad_filter_text(request: Request, exc: queries.BadFilter) -> str:
    """What the page says of a filter it cannot take, in the page's language."""
    t = translator_of(request)
    param = _PARAM.get(exc.field, exc.field)
    value = "" if exc.value is None else str(exc.value)[:60]
    return t("list.bad_filter", field=t(f"list.f.{param}", param), value=value, detail=str(exc))


CHOICES: dict[str, Any] = {
    "levels": choices.LEVELS,
    "union_states": choices.UNION_STATES,
    "union_sorts": choices.UNION_SORTS,
    "kinds": choices.PROCEDURE_KINDS,
    "states": choices.PROCEDURE_STATES,
    "alert_kinds": ALERT_KINDS,
    "waiting_choices": choices.WAITING,
    "procedure_sorts": choices.PROCEDURE_SORTS,
}


def _list_page(
    request: Request,
    user: SignedIn,
    template: str,
    names: tuple[str, ...],
    fetch: Callable[[Mapping[str, str], Scope, int], dict[str, Any]],
) -> Response:
    """A list page: its scope, its page of rows (`fetch`), its pager and export links; a filter it
    cannot take is said above an empty list (400)."""
    params = dict(request.query_params)
    scope = lists.list_scope(request, user.actor, params.get("org"))
    context: dict[str, Any] = {
        "params": params,
        "scope": scope,
        "scope_record": queries.union(runtime_of(request).engine, scope.org_id),
        "page_no": lists.page_number(params),
        "filters": lists.filters_query(params, names),
        **CHOICES,
    }
    try:
        found = fetch(params, scope, lists.page_size(params, PAGE_SIZE, MOST))
    except queries.BadFilter as exc:
        context |= {"error": bad_filter_text(request, exc), "rows": [], "listing": None}
        return render(request, template, context, status=400, user=user)
    listing: queries.Listing[Any] = found["listing"]
    if listing.next_cursor is not None:
        extra = {"cursor": listing.next_cursor, "page": context["page_no"] + 1, "limit": params.get("limit")}
        context["next_url"] = f"{request.url.path}?{lists.filters_query(params, names, **extra)}"
    if params.get("cursor"):
        context["first_url"] = f"{request.url.path}?{lists.filters_query(params, names, limit=params.get('limit'))}"
    return render(request, template, context | found, user=user)


@router.get("/unions", response_class=HTMLResponse)
def unions_page(request: Request, user: SignedInUser, org_id: str = "") -> Response:
    if org_id:  # "open a union" by its code (the dashboard's form)
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,119}", org_id.strip()):
            raise PageNotFound()
        return redirect(f"/ui/unions/{org_id.strip()}")
    today = runtime_of(request).service.clock()

    def fetch(params: Mapping[str, str], scope: Scope, limit: int) -> dict[str, Any]:
        listing = lists.find_unions(request, scope, params, lists.Window(limit, params.get("cursor") or None))
        return {"listing": listing, "rows": lists.union_rows(request, listing.items, today)}

    return _list_page(request, user, "unions.html", lists.UNION_FILTERS, fetch)


@router.get("/procedures", response_class=HTMLResponse)
def procedures_page(request: Request, user: SignedInUser) -> Response:
    def fetch(params: Mapping[str, str], scope: Scope, limit: int) -> dict[str, Any]:
        listing = lists.find_procedures(request, scope, params, lists.Window(limit, params.get("cursor") or None))
        return {"listing": listing, "rows": lists.procedure_rows(request, listing.items)}

    return _list_page(request, user, "procedures.html", lists.PROCEDURE_FILTERS, fetch)


def unions_below(request: Request, record: queries.UnionRecord | None) -> dict[str, Any] | None:
    """The first unions below an organisation that has any (a county's, a street's), for its own
    page: the list's rows and count, and the link to the whole list with its filters."""
    if record is None or record.level in ("grassroots", "joint"):
        return None
    rt = runtime_of(request)
    today = rt.service.clock()
    search = queries.UnionSearch(on=today)
    listing = queries.unions(rt.engine, record.org_id, search, below_only=True, limit=BELOW_ON_UNION_PAGE)
    return {"listing": listing, "rows": lists.union_rows(request, listing.items, today), "org": record.org_id}
