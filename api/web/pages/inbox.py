"""The approvers' inbox: the filings waiting on their union's decision, oldest first, one row each
(the union, the kind, what was filed, the days it has waited), and a page per filing with its
whole content (`api.web.filing`) and the decision: approve, or reject with the reasons and, for
election results, the step to redo from, as the filing's flow offers it (R-APPROVER). Both are
irreversible, so each asks for a ticked confirmation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.web import sessions
from api.web.access import PageNotFound, SignedInUser, posted, readable
from api.web.filing import filing_parts
from api.web.home import names_of
from api.web.pages.procedures import post_step, step_form, union_of
from api.web.paging import Paging, paging
from api.web.posting import Outcome, form_values
from api.web.rendering import message, redirect, render, runtime_of, translator_of
from projections import queries, replay

router = APIRouter(prefix="/ui", include_in_schema=False)
INBOX_PAGE_SIZE = 20
DECISIONS = ("approve", "reject")


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
    next_url = (
        f"/ui/inbox?{urlencode({'cursor': page.next_cursor, 'limit': asked.limit})}" if page.next_cursor else None
    )
    return render(
        request,
        "inbox.html",
        {
            "items": page.items,
            "names": names_of(rt, (i.org_id for i in page.items)),
            "next_url": next_url,
            "first_url": "/ui/inbox" if asked.cursor else None,
            "done": done,
            "pid": pid,
        },
        user=user,
    )


def _decision_context(
    request: Request, user: sessions.SignedIn, procedure_id: str, posted: tuple[str, Mapping[str, str], Outcome] | None
) -> dict[str, Any] | None:
    """A filing waiting on the approver's union, its content and its decision forms (the one
    `posted` as it was, with its errors); None once it no longer waits there."""
    rt = runtime_of(request)
    today = rt.service.clock()
    found = queries.inbox(rt.engine, user.actor.org_id, on=today, limit=1, procedure_id=procedure_id).items
    if not found:
        return None
    item = found[0]
    union = rt.service.load(item.org_id)
    proc = union.procedures[procedure_id]
    t = translator_of(request)
    decisions = []
    for step in DECISIONS:
        typed = (posted[1], posted[2].errors.by_field) if posted is not None and posted[0] == step else None
        decisions.append(
            step_form(
                procedure_id,
                step,
                t(f"inbox.{step}"),
                union.version,
                key=f"{step}-{procedure_id}",
                today=today,
                submitted=typed,
                proc=proc,
                action=f"/ui/inbox/{procedure_id}/{step}",
            )
        )
    names = names_of(rt, [item.org_id])
    return {
        "item": item,
        "union_name": names[item.org_id],
        "parts": filing_parts(proc.kind, replay.history(rt.store, procedure_id=procedure_id)),
        "decisions": decisions,
        "refusal": posted[2].refusal if posted else None,
        "stale": posted[2].stale if posted else None,
    }


def _not_waiting(request: Request, user: sessions.SignedIn, status: int = 404) -> Response:
    return message(request, "inbox.title", message_key="decide.gone", status=status, user=user)


@router.get("/inbox/{procedure_id}", response_class=HTMLResponse)
def filing_page(request: Request, user: SignedInUser, procedure_id: str) -> Response:
    if user.actor.role != "approver":
        return message(request, "inbox.title", message_key="inbox.not_approver", user=user)
    context = _decision_context(request, user, procedure_id, None)
    if context is None:
        return _not_waiting(request, user)
    return render(request, "inbox_item.html", context, user=user)


@router.post("/inbox/{procedure_id}/{step}", response_class=HTMLResponse)
async def decide(request: Request, procedure_id: str, step: str) -> Response:
    """A decision posted from a filing's page: done, back to the inbox saying so; otherwise the
    filing's page again with what was typed and why it was not done."""
    user, form = await posted(request)
    await run_in_threadpool(readable, request, user.actor, union_of(procedure_id))
    if step not in DECISIONS or user.actor.role != "approver":
        raise PageNotFound()
    outcome = await post_step(request, user, form, procedure_id, step)
    if outcome.done:
        return redirect(f"/ui/inbox?{urlencode({'done': f'step.{step}', 'pid': procedure_id})}")
    typed = (step, form_values(form), outcome)
    context = await run_in_threadpool(_decision_context, request, user, procedure_id, typed)
    if context is None:
        return _not_waiting(request, user, outcome.status)
    return render(request, "inbox_item.html", context, status=outcome.status, user=user)
