"""The pages under /ui: thin handlers that read the read models (`projections.queries`,
`projections.replay`), fold a union when a page needs what the person may do now, and send
commands through `rt.service.execute(command, actor)` — the workflow checks every command's
authority and rules again, whatever a page showed.

Every page renders without JavaScript; htmx only appends the next page of a long list in place."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool

from api.audit_routes import AUDIT_ROLES, verify_scope
from api.auth import may_read
from api.bundle import write_bundle
from api.problems import domain_status
from api.requests import (
    OPEN_REQUESTS,
    STEP_OF_COMMAND,
    STEP_REQUESTS,
    UNION_PATH_OF_COMMAND,
    UNION_REQUESTS,
    CommandRequest,
)
from api.runtime import Runtime
from api.web import forms, i18n, pictures, sessions
from events import ConcurrencyError
from events.catalogue import org_stream
from projections import queries, replay
from projections.models import alerts as alert_model
from projections.tree import SEPARATOR
from workflow.authority import Actor
from workflow.by_election import congress_electorate
from workflow.errors import DomainError
from workflow.fold import KINDS
from workflow.state import UnionState

HERE = Path(__file__).parent
STATIC_VERSION = "1"
PAGE_SIZE = 50
ALERT_KINDS = alert_model.KINDS
_READS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ui-reads")
INBOX_PAGE_SIZE = 20
_SAFE_NEXT = re.compile(r"^/ui(/[A-Za-z0-9._~:@!$&'()*+,;=%/-]*)?(\?[A-Za-z0-9._~:@!$&'()*+,;=%/?-]*)?$")

templates = Jinja2Templates(directory=str(HERE / "templates"))
# Pages hold personal data and forms: not cached, not framed by another site (clickjacking), and
# nothing loaded or posted from elsewhere.
PAGE_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
}


class SignInRequired(Exception):
    """No session (or it ended): the page answers with a redirect to the sign-in page."""


class PageNotFound(Exception):
    """Not there, or outside the person's subtree (the two are not told apart)."""


def _runtime(request: Request) -> Runtime:
    rt: Runtime = request.app.state.runtime
    return rt


def _sessions(request: Request) -> sessions.SessionTable:
    table: sessions.SessionTable = request.app.state.web_sessions
    return table


def _lang(request: Request) -> str:
    return i18n.pick_lang(request.cookies.get(i18n.LANG_COOKIE))


def safe_next(value: str | None) -> str:
    """A place under /ui to go back to (never another site: no scheme, no host, no //)."""
    if value and _SAFE_NEXT.match(value) and "//" not in value:
        return value
    return "/ui/"


def _signed_in(request: Request) -> sessions.SignedIn:
    found = _sessions(request).find(request.cookies.get(sessions.SESSION_COOKIE))
    if found is None:
        raise SignInRequired()
    return found


def _readable(request: Request, actor: Actor, org_id: str) -> None:
    service = _runtime(request).service
    if not may_read(service, actor, org_id) or not service.load(org_id).exists:
        raise PageNotFound()


def render(
    request: Request, template: str, context: dict[str, Any], *, status: int = 200, user: Any = None
) -> HTMLResponse:
    lang = _lang(request)
    t = i18n.translator(lang)
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    ctx = {
        "t": t,
        "lang": lang,
        "other_lang": "en" if lang == "zh" else "zh",
        "user": user,
        "csrf": user.session.csrf if user is not None else "",
        "here": path,
        "static_version": STATIC_VERSION,
        "today": _runtime(request).service.clock(),
    } | context
    response = templates.TemplateResponse(request, template, ctx, status_code=status)
    response.headers.update(PAGE_HEADERS)
    return response


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _parse_date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


# --------------------------------------------------------------------------- form state


@dataclass
class FormView:
    """One form on a page: where it posts, its fields, the values shown and the errors."""

    key: str  # unique on the page: prefixes the inputs' ids
    action: str
    title: str
    fields: tuple[forms.FormField, ...]
    values: Mapping[str, str] = field(default_factory=dict)
    errors: dict[str, list[str]] = field(default_factory=dict)
    version: int | None = None
    back: str = ""
    danger: bool = False


def _form_values(data: Mapping[str, Any]) -> dict[str, str]:
    return {k: v for k, v in data.items() if isinstance(v, str)}


def _defaults(fields: tuple[forms.FormField, ...], today: dt.date) -> dict[str, str]:
    out: dict[str, str] = {}
    for f in fields:
        if f.widget == "group":
            out |= _defaults(f.children, today)
        elif f.key == "occurred_on":
            out[f.name] = today.isoformat()
        elif f.default:
            out[f.name] = f.default
    return out


@dataclass
class Refusal:
    rule: str
    message: str
    evidence: dict[str, Any]


def _line_word(lang: str) -> Any:
    return (lambda n: f"第 {n} 行") if lang == "zh" else (lambda n: f"line {n}")


def _validate(
    model: type[CommandRequest], form: Mapping[str, str], lang: str, ids: dict[str, str]
) -> tuple[Any, forms.FormErrors]:
    """The command, or the errors: the request schema's checks and then the command's own (as the
    API does: `to_command` validates again)."""
    body, errors = forms.validate(model, form, lang, _line_word(lang))
    if body is None:
        return None, errors
    assert isinstance(body, CommandRequest)
    try:
        return body.to_command(**ids), errors
    except ValidationError as exc:
        return None, forms.errors_of(exc, forms.fields_of(model), lang, _line_word(lang))


def _expected_version(form: Mapping[str, str]) -> int | None:
    raw = form.get("expected_version", "")
    return int(raw) if raw.isdigit() else None


@dataclass
class Outcome:
    """What became of a posted command: done (with the result), or why not."""

    done: bool = False
    procedure_id: str | None = None
    errors: forms.FormErrors = field(default_factory=forms.FormErrors)
    refusal: Refusal | None = None
    stale: tuple[int, int] | None = None
    refusal_status: int = 422

    @property
    def status(self) -> int:
        """The page's status when the command was not done, as the API would answer: a stale form
        409, a refusal its own (403 for authority), a form's errors 422."""
        return 409 if self.stale else self.refusal_status


def _run(rt: Runtime, actor: Actor, command: Any, expected: int | None, request_id: str | None) -> Outcome:
    try:
        result = rt.service.execute(command, actor, expected_version=expected, correlation_id=request_id)
    except ConcurrencyError as exc:
        return Outcome(stale=(exc.expected_version, exc.actual_version))
    except DomainError as exc:
        return Outcome(refusal=Refusal(exc.rule_id, exc.message, exc.evidence), refusal_status=domain_status(exc))
    return Outcome(done=True, procedure_id=result.procedure_id)


async def _posted(request: Request) -> tuple[sessions.SignedIn, dict[str, str]] | Response:
    """The signed-in person and the posted form, after the CSRF check (a 403 page if it fails)."""
    user = await run_in_threadpool(_signed_in, request)
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    if not sessions.csrf_matches(user.session.csrf, form.get("csrf")):
        return render(request, "message.html", {"title_key": "error", "message_key": "csrf.bad"}, status=403, user=user)
    return user, form


# --------------------------------------------------------------------------- pages

router = APIRouter(prefix="/ui", include_in_schema=False)


@router.get("", response_class=HTMLResponse)
def ui_root() -> Response:
    return _redirect("/ui/")


@router.get("/sign-in", response_class=HTMLResponse)
def sign_in_page(request: Request, next: str = "/ui/", out: int = 0) -> Response:
    token = sessions.sign_in_csrf(request)
    response = render(
        request, "sign_in.html", {"next": safe_next(next), "sign_in_csrf": token, "signed_out": bool(out)}
    )
    sessions.set_sign_in_csrf(request, response, token)
    return response


@router.post("/sign-in", response_class=HTMLResponse)
async def sign_in(request: Request) -> Response:
    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    target = safe_next(form.get("next"))
    if not sessions.csrf_matches(request.cookies.get(sessions.SIGN_IN_CSRF_COOKIE), form.get("csrf")):
        token = sessions.sign_in_csrf(request)
        response = render(
            request,
            "sign_in.html",
            {"next": target, "sign_in_csrf": token, "error_key": "csrf.bad"},
            status=403,
        )
        sessions.set_sign_in_csrf(request, response, token)
        return response
    info = await run_in_threadpool(_runtime(request).tokens.authenticate, form.get("token", "").strip())
    if info is None:
        token = sessions.sign_in_csrf(request)
        response = render(
            request, "sign_in.html", {"next": target, "sign_in_csrf": token, "error_key": "sign_in.bad"}, status=401
        )
        sessions.set_sign_in_csrf(request, response, token)
        return response
    session = _sessions(request).open(info)
    redirect = _redirect(target)
    sessions.set_session_cookie(request, redirect, session)
    redirect.delete_cookie(sessions.SIGN_IN_CSRF_COOKIE, path=sessions.COOKIE_PATH)
    return redirect


@router.post("/sign-out", response_class=HTMLResponse)
async def sign_out(request: Request) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    user, _ = posted
    _sessions(request).close(user.session.session_id)
    response = _redirect("/ui/sign-in?out=1")
    sessions.clear_session_cookie(request, response)
    return response


@router.get("/lang/{lang}", response_class=HTMLResponse)
def switch_language(request: Request, lang: str, next: str = "/ui/") -> Response:
    response = _redirect(safe_next(next))
    response.set_cookie(
        i18n.LANG_COOKIE,
        i18n.pick_lang(lang),
        max_age=365 * 24 * 3600,
        path="/",
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, org: str | None = None) -> Response:
    user = _signed_in(request)
    rt = _runtime(request)
    org_id = org or user.actor.org_id
    _readable(request, user.actor, org_id)
    today = rt.service.clock()
    t = i18n.translator(_lang(request))
    # Three reads that each scan the subtree's rows: run side by side (the database does the work,
    # outside the GIL), so a national dashboard costs the slowest of them, not their sum.
    counts_f = _READS.submit(queries.alert_counts, rt.engine, today, org_id)
    worst_f = _READS.submit(queries.worst_alerts, rt.engine, today, org_id, limit=10)
    coverage = queries.coverage(rt.engine, org_id, on=today)
    counts, worst = counts_f.result(), worst_f.result()
    return render(
        request,
        "dashboard.html",
        {
            "org": queries.union(rt.engine, org_id),
            "org_id": org_id,
            "counts": sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])),
            "total": sum(counts.values()),
            "worst": worst,
            "coverage": coverage,
            "bars": pictures.coverage_bars(coverage, t),
        },
        user=user,
    )


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    org: str | None = None,
    kind: str = "",
    on: str = "",
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = PAGE_SIZE,
) -> Response:
    user = _signed_in(request)
    rt = _runtime(request)
    org_id = org or user.actor.org_id
    _readable(request, user.actor, org_id)
    day = _parse_date(on) or rt.service.clock()
    try:
        page = queries.alerts(
            rt.engine, on=day, subtree=org_id, kinds=[kind] if kind else None, limit=limit, cursor=cursor
        )
    except ValueError as exc:
        return render(request, "message.html", {"title_key": "bad_input", "message": str(exc)}, status=400, user=user)
    params = {"org": org_id, "kind": kind, "on": day.isoformat(), "limit": str(limit)}
    next_url = f"/ui/alerts?{urlencode(params | {'cursor': page.next_cursor})}" if page.next_cursor else None
    return render(
        request,
        "alerts.html",
        {
            "org_id": org_id,
            "kind": kind,
            "on": day,
            "page": page,
            "kinds": ALERT_KINDS,
            "next_url": next_url,
            "first_url": f"/ui/alerts?{urlencode(params)}" if cursor else None,
        },
        user=user,
    )


@router.get("/unions", response_class=HTMLResponse)
def go_to_union(request: Request, org_id: str = "") -> Response:
    _signed_in(request)
    org_id = org_id.strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,119}", org_id):
        raise PageNotFound()
    return _redirect(f"/ui/unions/{org_id}")


def _union_actions(rt: Runtime, union: UnionState, actor: Actor) -> list[str]:
    """The forms for what the person may record on the union itself now (the workflow says which;
    it decides again on post)."""
    return [UNION_PATH_OF_COMMAND[name] for name in rt.service.allowed_union_commands(union, actor)]


@router.get("/unions/{org_id}", response_class=HTMLResponse)
def union_page(request: Request, org_id: str, done: str = "") -> Response:
    user = _signed_in(request)
    rt = _runtime(request)
    _readable(request, user.actor, org_id)
    t = i18n.translator(_lang(request))
    record = queries.union(rt.engine, org_id)
    terms = queries.terms(rt.engine, org_id)
    procs = queries.procedures(rt.engine, org_id=org_id, limit=None).items
    may_open = user.actor.role == "staff" and user.actor.org_id == org_id
    return render(
        request,
        "union.html",
        {
            "org_id": org_id,
            "record": record,
            "terms": terms,
            "timeline": pictures.terms_timeline(terms, t),
            "procedures": procs,
            "open_kinds": list(OPEN_REQUESTS) if may_open else [],
            "union_actions": _union_actions(rt, rt.service.load(org_id), user.actor),
            "done": done if i18n.has(done) else "",
        },
        user=user,
    )


def _open_form(
    request: Request, org_id: str, kind: str, version: int, values: Mapping[str, str], errors: forms.FormErrors
) -> FormView:
    model = OPEN_REQUESTS[kind]
    fields = forms.fields_of(model)
    t = i18n.translator(_lang(request))
    return FormView(
        key=f"open-{kind}",
        action=f"/ui/unions/{org_id}/open/{kind}",
        title=t(f"open.{kind}"),
        fields=fields,
        values=values,
        errors=errors.by_field,
        version=version,
    )


def _unit_prefill(union: UnionState) -> dict[str, str]:
    unit = union.unit
    if unit is None:
        return {}
    out = {}
    for k, v in unit.model_dump(mode="json").items():
        out[f"unit.{k}"] = ("true" if v else "") if isinstance(v, bool) else str(v)
    return out


def _union_form_page(
    request: Request,
    org_id: str,
    known: bool,
    form_of: Callable[[UnionState, Mapping[str, str], forms.FormErrors], FormView],
    values_of: Callable[[UnionState, dt.date], dict[str, str]],
) -> Response:
    """One of a union's forms, filled in with what it starts from (`_union_command` takes the post)."""
    user = _signed_in(request)
    rt = _runtime(request)
    _readable(request, user.actor, org_id)
    if not known:
        raise PageNotFound()
    union = rt.service.load(org_id)
    view = form_of(union, values_of(union, rt.service.clock()), forms.FormErrors())
    return render(request, "open.html", {"org_id": org_id, "form": view}, user=user)


@router.get("/unions/{org_id}/open/{kind}", response_class=HTMLResponse)
def open_page(request: Request, org_id: str, kind: str) -> Response:
    return _union_form_page(
        request,
        org_id,
        kind in OPEN_REQUESTS,
        lambda union, values, errors: _open_form(request, org_id, kind, union.version, values, errors),
        lambda union, today: _defaults(forms.fields_of(OPEN_REQUESTS[kind]), today) | _unit_prefill(union),
    )


async def _union_command(
    request: Request,
    org_id: str,
    model: type[CommandRequest] | None,
    form_of: Callable[[UnionState, Mapping[str, str], forms.FormErrors], FormView],
    done_url: Callable[[Outcome], str | None],
) -> Response:
    """A command posted from one of a union's forms: the CSRF check, the person's view of the
    union, the request schema's checks and the workflow's decision. Done: on to `done_url`;
    otherwise the form again with what was typed and the errors or the refusal (the API's status
    for it: `Outcome.status`), or the notice that someone else moved the union on (409)."""
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    user, form = posted
    rt = _runtime(request)
    await run_in_threadpool(_readable, request, user.actor, org_id)
    if model is None:
        raise PageNotFound()
    command, errors = _validate(model, form, _lang(request), {"union_id": org_id})
    outcome = Outcome(errors=errors)
    if command is not None:
        outcome = await run_in_threadpool(
            _run, rt, user.actor, command, _expected_version(form), getattr(request.state, "request_id", None)
        )
        target = done_url(outcome) if outcome.done else None
        if target is not None:
            return _redirect(target)
    union = await run_in_threadpool(rt.service.load, org_id)
    return render(
        request,
        "open.html",
        {
            "org_id": org_id,
            "form": form_of(union, _form_values(form), outcome.errors),
            "refusal": outcome.refusal,
            "stale": outcome.stale,
        },
        status=outcome.status,
        user=user,
    )


@router.post("/unions/{org_id}/open/{kind}", response_class=HTMLResponse)
async def open_procedure(request: Request, org_id: str, kind: str) -> Response:
    return await _union_command(
        request,
        org_id,
        OPEN_REQUESTS.get(kind),
        lambda union, values, errors: _open_form(request, org_id, kind, union.version, values, errors),
        lambda done: f"/ui/procedures/{done.procedure_id}?done=open.{kind}" if done.procedure_id else None,
    )


def _union_action_fields(union: UnionState, action: str) -> tuple[forms.FormField, ...]:
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
    values = _defaults(_union_action_fields(union, action), today)
    if action == "facts":
        values |= _unit_prefill(union)
    found = congress_electorate(union)
    if found is not None:
        if action == "congresses":
            values["due"] = str(found[0])
        elif action == "vice-chair-removals":
            values["removal.total"] = str(found[0])
    return values


def _union_action_form(
    request: Request, union: UnionState, action: str, values: Mapping[str, str], errors: forms.FormErrors
) -> FormView:
    t = i18n.translator(_lang(request))
    return FormView(
        key=f"union-{action}",
        action=f"/ui/unions/{union.org_id}/record/{action}",
        title=t(f"act.{action}"),
        fields=_union_action_fields(union, action),
        values=values,
        errors=errors.by_field,
        version=union.version,
        danger=action == "vice-chair-removals",
    )


@router.get("/unions/{org_id}/record/{action}", response_class=HTMLResponse)
def union_action_page(request: Request, org_id: str, action: str) -> Response:
    return _union_form_page(
        request,
        org_id,
        action in UNION_REQUESTS,
        lambda union, values, errors: _union_action_form(request, union, action, values, errors),
        lambda union, today: _union_action_prefill(union, action, today),
    )


@router.post("/unions/{org_id}/record/{action}", response_class=HTMLResponse)
async def record_union_action(request: Request, org_id: str, action: str) -> Response:
    return await _union_command(
        request,
        org_id,
        UNION_REQUESTS.get(action),
        lambda union, values, errors: _union_action_form(request, union, action, values, errors),
        lambda _: f"/ui/unions/{org_id}?done=act.{action}",
    )


def _union_of(procedure_id: str) -> str:
    union_id, sep, rest = procedure_id.partition(":")
    if not sep or not union_id or not rest:
        raise PageNotFound()
    return union_id


def _step_forms(
    request: Request,
    rt: Runtime,
    actor: Actor,
    union: Any,
    proc: Any,
    submitted: tuple[str, Mapping[str, str]] | None,
    errors: forms.FormErrors,
) -> list[FormView]:
    t = i18n.translator(_lang(request))
    views: list[FormView] = []
    seen: set[str] = set()
    for allowed in rt.service.allowed_steps(union, proc, actor):
        step = STEP_OF_COMMAND.get(allowed.command, allowed.trigger.replace("_", "-"))
        if step in seen or step not in STEP_REQUESTS:
            continue
        seen.add(step)
        fields = forms.fields_of(STEP_REQUESTS[step])
        values: Mapping[str, str] = _defaults(fields, rt.service.clock())
        step_errors: dict[str, list[str]] = {}
        if submitted is not None and submitted[0] == step:
            values, step_errors = submitted[1], errors.by_field
        views.append(
            FormView(
                key=f"step-{step}",
                action=f"/ui/procedures/{proc.procedure_id}/steps/{step}",
                title=t(f"step.{step}"),
                fields=fields,
                values=values,
                errors=step_errors,
                version=union.version,
                danger=step in ("withdraw", "reject"),
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
    rt = _runtime(request)
    union_id = _union_of(procedure_id)
    _readable(request, user.actor, union_id)
    union = rt.service.load(union_id)
    proc = union.procedures.get(procedure_id)
    if proc is None:
        raise PageNotFound()
    t = i18n.translator(_lang(request))
    kind = KINDS[proc.kind]
    diagram = pictures.state_diagram(
        kind.machine.describe(),
        proc.state,
        proc.history,
        lambda s: t(f"state.{s}", s.replace("_", " ")),
        lambda trig, label: t(f"trigger.{trig}", label),
    )
    history = replay.history(rt.store, procedure_id=procedure_id)
    waiting = kind.waits_on_approver(proc.state)
    filing = history[-1] if waiting and history else None
    return {
        "union": union,
        "proc": proc,
        "diagram": diagram,
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
def procedure_page(request: Request, procedure_id: str, done: str = "") -> Response:
    user = _signed_in(request)
    context = _procedure_context(request, user, procedure_id)
    return render(request, "procedure.html", context | {"done": done}, user=user)


@router.post("/procedures/{procedure_id}/steps/{step}", response_class=HTMLResponse)
async def take_step(request: Request, procedure_id: str, step: str) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    user, form = posted
    rt = _runtime(request)
    union_id = _union_of(procedure_id)
    await run_in_threadpool(_readable, request, user.actor, union_id)
    if step not in STEP_REQUESTS:
        raise PageNotFound()
    lang = _lang(request)
    command, errors = _validate(STEP_REQUESTS[step], form, lang, {"union_id": union_id, "procedure_id": procedure_id})
    outcome = Outcome(errors=errors)
    if command is not None:
        outcome = await run_in_threadpool(
            _run, rt, user.actor, command, _expected_version(form), getattr(request.state, "request_id", None)
        )
        if outcome.done:
            back = form.get("back", "")
            target = back if back == "/ui/inbox" else f"/ui/procedures/{procedure_id}"
            return _redirect(f"{target}?{urlencode({'done': f'step.{step}', 'pid': procedure_id})}")
    context = await run_in_threadpool(
        lambda: _procedure_context(request, user, procedure_id, submitted=(step, _form_values(form)), outcome=outcome)
    )
    return render(
        request,
        "procedure.html",
        context | {"done": "", "failed_step": step},
        status=outcome.status,
        user=user,
    )


@router.get("/inbox", response_class=HTMLResponse)
def inbox_page(
    request: Request,
    cursor: str | None = None,
    done: str = "",
    pid: str = "",
    limit: Annotated[int, Query(ge=1, le=200)] = INBOX_PAGE_SIZE,
) -> Response:
    user = _signed_in(request)
    rt = _runtime(request)
    if user.actor.role != "approver":
        return render(
            request, "message.html", {"title_key": "inbox.title", "message_key": "inbox.not_approver"}, user=user
        )
    today = rt.service.clock()
    try:
        page = queries.inbox(rt.engine, user.actor.org_id, on=today, limit=limit, cursor=cursor)
    except ValueError as exc:
        return render(request, "message.html", {"title_key": "bad_input", "message": str(exc)}, status=400, user=user)
    t = i18n.translator(_lang(request))
    items = []
    for item in page.items:
        version = rt.store.stream_version(org_stream(item.org_id))
        decisions = []
        for step in ("approve", "reject"):
            fields = forms.fields_of(STEP_REQUESTS[step])
            decisions.append(
                FormView(
                    key=f"{step}-{item.procedure_id}",
                    action=f"/ui/procedures/{item.procedure_id}/steps/{step}",
                    title=t(f"inbox.{step}"),
                    fields=fields,
                    values=_defaults(fields, today),
                    version=version,
                    back="/ui/inbox",
                    danger=step == "reject",
                )
            )
        items.append((item, decisions))
    next_url = f"/ui/inbox?{urlencode({'cursor': page.next_cursor, 'limit': limit})}" if page.next_cursor else None
    return render(
        request,
        "inbox.html",
        {"items": items, "next_url": next_url, "first_url": "/ui/inbox" if cursor else None, "done": done, "pid": pid},
        user=user,
    )


def _auditor(request: Request) -> sessions.SignedIn | Response:
    """Auditors and administrators, as for the API's /audit endpoints; anyone else gets a 403 page."""
    user = _signed_in(request)
    if user.actor.role not in AUDIT_ROLES:
        return render(
            request,
            "message.html",
            {"title_key": "audit.title", "message_key": "audit.not_auditor"},
            status=403,
            user=user,
        )
    return user


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request, org: str | None = None, as_of: str = "", scope: str = "union", verify: int = 0
) -> Response:
    user = _auditor(request)
    if isinstance(user, Response):
        return user
    rt = _runtime(request)
    org_id = (org or user.actor.org_id).strip()
    _readable(request, user.actor, org_id)
    subtree = scope == "subtree"
    day = _parse_date(as_of)
    context: dict[str, Any] = {"org_id": org_id, "scope": "subtree" if subtree else "union", "as_of": day}
    context["as_of_raw"] = as_of
    if as_of and day is None:
        context["date_error"] = True
    if day is not None and not subtree:
        snapshot = replay.union_as_of(rt.store, org_id, day)
        context["snapshot"] = snapshot
        context["snapshot_alerts"] = snapshot.alerts(day)
    elif day is not None:
        t = i18n.translator(_lang(request))
        coverage = queries.coverage(rt.engine, org_id, on=day)
        context["coverage"] = coverage
        context["bars"] = pictures.coverage_bars(coverage, t)
        context["counts"] = sorted(queries.alert_counts(rt.engine, on=day, subtree=org_id).items())
        context["subtree_alerts"] = queries.alerts(rt.engine, on=day, subtree=org_id, limit=PAGE_SIZE)
    if verify:
        context["report"] = verify_scope(rt, org_id, subtree)
    if not subtree:
        context["history"] = replay.history(rt.store, org_id=org_id)
    return render(request, "audit.html", context, user=user)


@router.get("/audit/bundle")
def audit_bundle(request: Request, org: str | None = None, scope: str = "union") -> Response:
    user = _auditor(request)
    if isinstance(user, Response):
        return user
    rt = _runtime(request)
    org_id = (org or user.actor.org_id).strip()
    _readable(request, user.actor, org_id)
    subtree = scope == "subtree"
    spool = tempfile.SpooledTemporaryFile(max_size=32 * 1024 * 1024)  # noqa: SIM115  (closed by the stream)
    try:
        write_bundle(rt, org_id, subtree=subtree, out=spool, exported_by=user.actor)  # type: ignore[arg-type]
    except BaseException:
        spool.close()
        raise
    spool.seek(0)

    def body() -> Iterator[bytes]:
        try:
            yield from iter(lambda: spool.read(1 << 20), b"")
        finally:
            spool.close()

    name = f"unionflow-audit-{org_id}{'-subtree' if subtree else ''}.zip"
    return StreamingResponse(
        body(), media_type="application/zip", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )


# --------------------------------------------------------------------------- wiring


def _value(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(_value(v) for v in value) if value else "—"
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value(v)}" for k, v in value.items())
    if isinstance(value, BaseModel):
        return _value(value.model_dump(mode="json"))
    return str(value)


def alert_action(alert: queries.Alert, actor: Actor | None, today: dt.date | None) -> tuple[str, str] | None:
    """What the signed-in person can do about an alert firing today, as (link, label key): the
    union's own staff record the yearly congress (A-NO-ANNUAL-CONGRESS, R-ANNUAL); the approvers
    of the union's parent decide the waiting filing from their inbox (A-APPROVAL-PENDING,
    R-APPROVER). An alert on another date is history. (A term's alerts keep firing while its
    re-election is under way, so they link to the union's page, not to opening another.)"""
    if actor is None or alert.on != today:
        return None
    if alert.kind == "A-NO-ANNUAL-CONGRESS" and actor.role == "staff" and actor.org_id == alert.org_id:
        return f"/ui/unions/{alert.org_id}/record/congresses", "act.congresses"
    # The path's last two ids: the union's direct higher-level union, then the union (a leading
    # separator, so that the root's own id matches whole).
    direct_child = f"{SEPARATOR}{actor.org_id}{SEPARATOR}{alert.org_id}{SEPARATOR}"
    waits_on_actor = (SEPARATOR + alert.path).endswith(direct_child)
    if alert.kind == "A-APPROVAL-PENDING" and actor.role == "approver" and waits_on_actor:
        return "/ui/inbox", "inbox.title"
    return None


templates.env.globals["alert_action"] = alert_action
templates.env.filters["v"] = _value
templates.env.filters["reject_evidence"] = lambda d: {k: v for k, v in d.items() if k != "evidence"}
templates.env.globals["STEP_REQUESTS"] = STEP_REQUESTS


def install(app: FastAPI) -> None:
    """Mount the pages, their static files and their error pages on `app`."""
    runtime: Runtime = app.state.runtime
    app.state.web_sessions = sessions.SessionTable(runtime.engine)
    app.mount("/ui/static", StaticFiles(directory=str(HERE / "static")), name="ui-static")
    app.include_router(router)

    @app.get("/", include_in_schema=False)
    def root() -> RedirectResponse:
        return _redirect("/ui/")

    async def on_sign_in_required(request: Request, exc: Exception) -> Response:
        # Back to the page asked for after signing in; a form posted without a session cannot be
        # replayed, so that goes back to the dashboard.
        here = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        back = safe_next(here) if request.method == "GET" else "/ui/"
        return _redirect(f"/ui/sign-in?{urlencode({'next': back})}")

    async def on_not_found(request: Request, exc: Exception) -> Response:
        user = _sessions(request).find(request.cookies.get(sessions.SESSION_COOKIE))
        return render(
            request,
            "message.html",
            {"title_key": "not_found", "message_key": "not_found.detail"},
            status=404,
            user=user,
        )

    app.add_exception_handler(SignInRequired, on_sign_in_required)
    app.add_exception_handler(PageNotFound, on_not_found)


__all__ = ["install", "router", "safe_next"]
