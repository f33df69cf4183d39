"""A union's page (its record, terms, procedures and, for a joint union, the units it covers) and
its forms: opening a procedure, and what staff record on the union itself (facts, congresses,
removals of a vice-chair, a joint union's units)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.requests import OPEN_REQUESTS, UNION_PATH_OF_COMMAND, UNION_REQUESTS, CommandRequest
from api.runtime import Runtime
from api.web import forms, i18n, pictures
from api.web.access import PageNotFound, SignedInUser, posted, readable
from api.web.home import openable
from api.web.pages.lists import unions_below
from api.web.posting import FormView, Outcome, defaults, form_values, submit
from api.web.rendering import redirect, render, runtime_of, translator_of
from api.web.sessions import SignedIn
from projections import queries
from workflow.authority import Actor
from workflow.by_election import congress_electorate
from workflow.state import UnionState

router = APIRouter(prefix="/ui", include_in_schema=False)


def _union_actions(rt: Runtime, union: UnionState, actor: Actor) -> list[str]:
    """The forms for what the person may record on the union itself now (the workflow says which;
    it decides again on post)."""
    return [UNION_PATH_OF_COMMAND[name] for name in rt.service.allowed_union_commands(union, actor)]


@router.get("/unions/{org_id}", response_class=HTMLResponse)
def union_page(request: Request, user: SignedInUser, org_id: str, done: str = "") -> Response:
    rt = runtime_of(request)
    readable(request, user.actor, org_id)
    record = queries.union(rt.engine, org_id)
    terms = queries.terms(rt.engine, org_id)
    procs = queries.procedures(rt.engine, org_id=org_id, limit=None).items
    union = rt.service.load(org_id)
    return render(
        request,
        "union.html",
        {
            "org_id": org_id,
            "record": record,
            "terms": terms,
            "covered": queries.covered_units(rt.engine, org_id) if record and record.level == "joint" else [],
            "timeline": pictures.terms_timeline(terms, translator_of(request)),
            "procedures": procs,
            "open_kinds": openable(rt, union, user.actor),
            "union_actions": _union_actions(rt, union, user.actor),
            "done": done if i18n.has(done) else "",
            "below": unions_below(request, record),  # a county's or a street's unions
        },
        user=user,
    )


@dataclass(frozen=True)
class UnionForms:
    """A family of a union's forms, one per request schema in `requests`, under
    /ui/unions/{org_id}/{path}/{name}: how each is filled in, and where a done one leads."""

    path: str
    requests: Mapping[str, type[CommandRequest]]
    title: str  # the catalogue's prefix for the forms' titles
    key: str  # the prefix of the inputs' ids
    fields: Callable[[UnionState, str], tuple[forms.FormField, ...]]
    prefill: Callable[[UnionState, str, dt.date], dict[str, str]]
    done_url: Callable[[str, str, Outcome], str | None]
    dangerous: frozenset[str] = frozenset()

    def view(
        self, request: Request, union: UnionState, name: str, values: Mapping[str, str], errors: forms.FormErrors
    ) -> FormView:
        return FormView(
            key=f"{self.key}-{name}",
            action=f"/ui/unions/{union.org_id}/{self.path}/{name}",
            title=translator_of(request)(f"{self.title}.{name}"),
            fields=self.fields(union, name),
            values=values,
            errors=errors.by_field,
            version=union.version,
            danger=name in self.dangerous,
        )


def _union_form_page(request: Request, user: SignedIn, org_id: str, family: UnionForms, name: str) -> Response:
    """One of a union's forms, filled in with what it starts from (`_union_command` takes the post)."""
    rt = runtime_of(request)
    readable(request, user.actor, org_id)
    if name not in family.requests:
        raise PageNotFound()
    union = rt.service.load(org_id)
    view = family.view(request, union, name, family.prefill(union, name, rt.service.clock()), forms.FormErrors())
    return render(request, "open.html", {"org_id": org_id, "form": view}, user=user)


async def _union_command(request: Request, org_id: str, family: UnionForms, name: str) -> Response:
    """A command posted from one of a union's forms: the CSRF check, the person's view of the
    union, the request schema's checks and the workflow's decision. Done: on to the family's
    `done_url`; otherwise the form again with what was typed and the errors or the refusal (the
    API's status for it: `Outcome.status`), or the notice that someone else moved the union on (409)."""
    user, form = await posted(request)
    await run_in_threadpool(readable, request, user.actor, org_id)
    model = family.requests.get(name)
    if model is None:
        raise PageNotFound()
    outcome = await submit(request, user.actor, model, form, {"union_id": org_id})
    target = family.done_url(org_id, name, outcome) if outcome.done else None
    if target is not None:
        return redirect(target)
    union = await run_in_threadpool(runtime_of(request).service.load, org_id)
    return render(
        request,
        "open.html",
        {
            "org_id": org_id,
            "form": family.view(request, union, name, form_values(form), outcome.errors),
            "refusal": outcome.refusal,
            "stale": outcome.stale,
        },
        status=outcome.status,
        user=user,
    )


def _unit_prefill(union: UnionState) -> dict[str, str]:
    unit = union.unit
    if unit is None:
        return {}
    out = {}
    for k, v in unit.model_dump(mode="json").items():
        out[f"unit.{k}"] = ("true" if v else "") if isinstance(v, bool) else str(v)
    return out


# --------------------------------------------------------------------------- opening a procedure


def _add_form_routes(family: UnionForms) -> None:
    """A family's two routes: GET shows a form, POST records what it was filled in with."""
    path = f"/unions/{{org_id}}/{family.path}/{{name}}"

    def form_page(request: Request, user: SignedInUser, org_id: str, name: str) -> Response:
        return _union_form_page(request, user, org_id, family, name)

    async def submitted(request: Request, org_id: str, name: str) -> Response:
        return await _union_command(request, org_id, family, name)

    router.get(path, response_class=HTMLResponse)(form_page)
    router.post(path, response_class=HTMLResponse)(submitted)


OPENING = UnionForms(
    path="open",
    requests=OPEN_REQUESTS,
    title="open",
    key="open",
    fields=lambda _, kind: forms.fields_of(OPEN_REQUESTS[kind]),
    prefill=lambda union, kind, today: defaults(forms.fields_of(OPEN_REQUESTS[kind]), today) | _unit_prefill(union),
    done_url=lambda _, kind, done: (
        f"/ui/procedures/{done.procedure_id}?done=open.{kind}" if done.procedure_id else None
    ),
)


_add_form_routes(OPENING)


# --------------------------------------------------------------------------- recording on the union


def union_action_fields(union: UnionState, action: str) -> tuple[forms.FormField, ...]:
    fields = forms.fields_of(UNION_REQUESTS[action])
    if action != "vice-chair-removals":
        return fields
    # The vice-chair is picked from those in office; the removal vote's label is not the chair's.
    out = []
    for f in fields:
        if f.name == "vice_chair":
            f = dataclasses.replace(f, widget="select", choices=tuple(union.vice_chairs))
        elif f.name == "removal":
            f = dataclasses.replace(f, key="vice_chair_removal")
        out.append(f)
    return tuple(out)


def _union_action_prefill(union: UnionState, action: str, today: dt.date) -> dict[str, str]:
    """Today, the unit's facts as on record, and everyone with a vote at the union's congress as
    those due (R-QUORUM counts the present against them) or as the removal vote's total (which
    R-REMOVAL holds to exactly that number)."""
    values = defaults(union_action_fields(union, action), today)
    if action == "facts":
        values |= _unit_prefill(union)
    found = congress_electorate(union)
    if found is not None:
        if action == "congresses":
            values["due"] = str(found[0])
        elif action == "vice-chair-removals":
            values["removal.total"] = str(found[0])
    return values


RECORDING = UnionForms(
    path="record",
    requests=UNION_REQUESTS,
    title="act",
    key="union",
    fields=union_action_fields,
    prefill=_union_action_prefill,
    done_url=lambda org_id, action, _: f"/ui/unions/{org_id}?done=act.{action}",
    dangerous=frozenset({"vice-chair-removals"}),
)


_add_form_routes(RECORDING)
