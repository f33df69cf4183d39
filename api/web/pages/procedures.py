"""A procedure's page (its progress as a stepper, its history, what it waits on) and the forms of the
steps the person may take now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.requests import STEP_REQUESTS
from api.runtime import Runtime
from api.web import forms, sessions, stepper
from api.web.access import PageNotFound, SignedInUser, posted, readable
from api.web.home import names_of
from api.web.posting import FormView, Outcome, defaults, form_values, submit
from api.web.rejections import rejection_notices
from api.web.rendering import lang_of, redirect, render, runtime_of, translator_of
from api.web.step_forms import CONFIRM, confirm_key, confirmed, step_fields, step_names, step_notes, step_prefill
from events import messages
from projections import replay
from workflow.authority import Actor
from workflow.fold import KINDS
from workflow.state import Procedure

router = APIRouter(prefix="/ui", include_in_schema=False)


def union_of(procedure_id: str) -> str:
    union_id, sep, rest = procedure_id.partition(":")
    if not sep or not union_id or not rest:
        raise PageNotFound()
    return union_id


def step_form(
    procedure_id: str,
    step: str,
    title: str,
    version: int,
    *,
    key: str,
    today: dt.date,
    submitted: tuple[Mapping[str, str], dict[str, list[str]]] | None = None,
    back: str = "",
    proc: Procedure | None = None,
    action: str = "",
) -> FormView:
    """The form of one step of a procedure, as its page and the approvers' inbox show it: new
    (from the step's defaults and what the system knows of `proc`), or as it was `submitted` (the
    values typed and their errors); a step that ends the procedure (withdraw, reject) is marked as
    such, and an irreversible one asks for a confirmation."""
    fields = step_fields(step, proc)
    if submitted is not None:
        values, errors = submitted
    else:
        values, errors = defaults(fields, today) | step_prefill(step, proc), {}
    return FormView(
        key=key,
        action=action or f"/ui/procedures/{procedure_id}/steps/{step}",
        title=title,
        fields=fields,
        values=values,
        errors=errors,
        version=version,
        back=back,
        danger=step in ("withdraw", "reject"),
        confirm=confirm_key(step),
        notes=step_notes(step, proc),
    )


async def post_step(
    request: Request, user: sessions.SignedIn, form: Mapping[str, str], procedure_id: str, step: str
) -> Outcome:
    """A step posted from a form: refused on the form unless an irreversible one is confirmed,
    else checked and taken as the API takes it (`posting.submit`)."""
    if not confirmed(step, form):
        unconfirmed = Outcome()
        unconfirmed.errors.add(CONFIRM, translator_of(request)("confirm.missing"))
        return unconfirmed
    ids = {"union_id": union_of(procedure_id), "procedure_id": procedure_id}
    return await submit(request, user.actor, STEP_REQUESTS[step], form, ids)


def _step_forms(
    request: Request,
    rt: Runtime,
    actor: Actor,
    union: Any,
    proc: Any,
    submitted: tuple[str, Mapping[str, str]] | None,
    errors: forms.FormErrors,
) -> list[FormView]:
    t = translator_of(request)
    views: list[FormView] = []
    for step in step_names(rt.service.allowed_steps(union, proc, actor)):
        typed = (submitted[1], errors.by_field) if submitted is not None and submitted[0] == step else None
        views.append(
            step_form(
                proc.procedure_id,
                step,
                t(f"step.{step}"),
                union.version,
                key=f"step-{step}",
                today=rt.service.clock(),
                submitted=typed,
                proc=proc,
            )
        )
    return views


def _procedure_context(
    request: Request,
    user: sessions.SignedIn,
    procedure_id: str,
    *,
    submitted: tuple[str, Mapping[str, str]] | None = None,
    outcome: Outcome | None = None,
) -> dict[str, Any]:
    rt = runtime_of(request)
    union_id = union_of(procedure_id)
    readable(request, user.actor, union_id)
    union = rt.service.load(union_id)
    proc = union.procedures.get(procedure_id)
    if proc is None:
        raise PageNotFound()
    t = translator_of(request)
    kind = KINDS[proc.kind]
    history = replay.history(rt.store, procedure_id=procedure_id)
    waiting = kind.waits_on_approver(proc.state)
    filing = history[-1] if waiting and history else None
    notices = rejection_notices(union, user.actor, history, rt.service.allowed_steps)
    return {
        "notices": notices,
        "names": names_of(rt, (n.by_org for n in notices)),
        "union": union,
        "proc": proc,
        "stepper": stepper.stepper(
            proc.kind, proc.state, proc.history, history, t, lambda e: messages.event_name(lang_of(request), e)
        ),
        "history": history,
        "waiting": waiting,
        "filing": filing,
        "forms": _step_forms(
            request, rt, user.actor, union, proc, submitted, outcome.errors if outcome else forms.FormErrors()
        ),
        "refusal": outcome.refusal if outcome else None,
        "stale": outcome.stale if outcome else None,
    }


@router.get("/procedures/{procedure_id}", response_class=HTMLResponse)
def procedure_page(request: Request, user: SignedInUser, procedure_id: str, done: str = "") -> Response:
    context = _procedure_context(request, user, procedure_id)
    return render(request, "procedure.html", context | {"done": done}, user=user)


@router.post("/procedures/{procedure_id}/steps/{step}", response_class=HTMLResponse)
async def take_step(request: Request, procedure_id: str, step: str) -> Response:
    user, form = await posted(request)
    union_id = union_of(procedure_id)
    await run_in_threadpool(readable, request, user.actor, union_id)
    if step not in STEP_REQUESTS:
        raise PageNotFound()
    outcome = await post_step(request, user, form, procedure_id, step)
    if outcome.done:
        back = form.get("back", "")
        target = back if back == "/ui/inbox" else f"/ui/procedures/{procedure_id}"
        return redirect(f"{target}?{urlencode({'done': f'step.{step}', 'pid': procedure_id})}")
    context = await run_in_threadpool(
        lambda: _procedure_context(request, user, procedure_id, submitted=(step, form_values(form)), outcome=outcome)
    )
    return render(
        request,
        "procedure.html",
        context | {"done": "", "failed_step": step},
        status=outcome.status,
        user=user,
    )
