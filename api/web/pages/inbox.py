"""The approvers' inbox: the filings waiting on their union's decision, oldest first, each with
its approve and reject forms (R-APPROVER)."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.web.access import SignedInUser
from api.web.pages.procedures import step_form
from api.web.paging import Paging, paging
from api.web.rendering import message, render, runtime_of, translator_of
from events.catalogue import org_stream
from projections import queries

router = APIRouter(prefix="/ui", include_in_schema=False)
INBOX_PAGE_SIZE = 20


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    user: SignedInUser,
    asked: Paging = paging(INBOX_PAGE_SIZE, most=200),
    done: str = "",
    pid: str = "",
) -> Response:
    rt = runtime_of(request)
    if user.actor.role != "approver":
        return message(request, "inbox.title", message_key="inbox.not_approver", user=user)
    today = rt.service.clock()
    try:
        page = queries.inbox(rt.engine, user.actor.org_id, on=today, limit=asked.limit, cursor=asked.cursor)
    except ValueError as exc:
        return message(request, "bad_input", text=str(exc), status=400, user=user)
    t = translator_of(request)
    items = []
    for item in page.items:
        version = rt.store.stream_version(org_stream(item.org_id))
        decisions = [
            step_form(
                item.procedure_id,
                step,
                t(f"inbox.{step}"),
                version,
                key=f"{step}-{item.procedure_id}",
                today=today,
                back="/ui/inbox",
            )
            for step in ("approve", "reject")
        ]
        items.append((item, decisions))
    next_url = (
        f"/ui/inbox?{urlencode({'cursor': page.next_cursor, 'limit': asked.limit})}" if page.next_cursor else None
    )
    return render(
        request,
        "inbox.html",
        {
            "items": items,
            "next_url": next_url,
            "first_url": "/ui/inbox" if asked.cursor else None,
            "done": done,
            "pid": pid,
        },
        user=user,
    )
