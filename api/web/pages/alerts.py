"""The alerts of a day in a union's subtree, a page at a time (htmx appends the next page)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.web.access import SignedInUser, readable
from api.web.paging import Paging, paging, parse_date
from api.web.rendering import message, render, runtime_of
from projections import queries
from projections.models import alerts as alert_model

router = APIRouter(prefix="/ui", include_in_schema=False)
PAGE_SIZE = 50
ALERT_KINDS = alert_model.KINDS


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    user: SignedInUser,
    asked: Paging = paging(PAGE_SIZE, most=500),
    org: str | None = None,
    kind: str = "",
    as_of: str = "",
    on: str = "",  # the date's name before it was as_of, as the API names it; links kept work
) -> Response:
    rt = runtime_of(request)
    org_id = org or user.actor.org_id
    readable(request, user.actor, org_id)
    typed = (as_of or on).strip()
    day = parse_date(typed) if typed else rt.service.clock()
    if day is None:
        context = {"org_id": org_id, "kind": kind, "on": None, "typed": typed, "kinds": ALERT_KINDS}
        return render(request, "alerts.html", context | {"date_error": True, "page": None}, status=422, user=user)
    try:
        page = queries.alerts(
            rt.engine, on=day, subtree=org_id, kinds=[kind] if kind else None, limit=asked.limit, cursor=asked.cursor
        )
    except ValueError as exc:
        return message(request, "bad_input", text=str(exc), status=400, user=user)
    params = {"org": org_id, "kind": kind, "as_of": day.isoformat(), "limit": str(asked.limit)}
    next_url = f"/ui/alerts?{urlencode(params | {'cursor': page.next_cursor})}" if page.next_cursor else None
    return render(
        request,
        "alerts.html",
        {
            "org_id": org_id,
            "kind": kind,
            "on": day,
            "typed": day.isoformat(),
            "page": page,
            "kinds": ALERT_KINDS,
            "next_url": next_url,
            "first_url": f"/ui/alerts?{urlencode(params)}" if asked.cursor else None,
        },
        user=user,
    )
