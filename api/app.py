"""The HTTP application (FastAPI). Built by `create_app`, never at import time, so tests and the
CLI choose the database.

Handlers are thin: validate the body (a request schema), build the command, call the workflow
service with the token's actor, and let `api.problems` map the errors. The union stream's version
is the ETag; `If-Match` makes a command conditional (412 when stale) and `Idempotency-Key` makes a
retry return the first answer without writing anything."""

from __future__ import annotations

import datetime as dt
import inspect
import logging
import re
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import fields
from enum import Enum
from typing import Annotated, Any

from fastapi import Body, Depends, FastAPI, Header, Path, Query, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from api.auth import current_actor, may_read
from api.logs import request_id_var
from api.problems import PROBLEM_JSON, ApiProblem, install, problem
from api.query import only_known_query
from api.requests import (
    OPEN_REQUESTS,
    STEP_OF_COMMAND,
    STEP_REQUESTS,
    UNION_PATH_OF_COMMAND,
    UNION_REQUESTS,
    CommandRequest,
    ImportTermRequest,
    RegisterOrganisationRequest,
)
from api.runtime import Runtime
from workflow.authority import Actor
from workflow.errors import NotFound
from workflow.fold import KINDS
from workflow.service import CommandResult
from workflow.state import Procedure, UnionState

log = logging.getLogger("unionflow.api")

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_ETAG = re.compile(r'^(?:W/)?"?(\d+)"?$')


class Problem(BaseModel):
    """RFC 9457 problem details (application/problem+json)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    rule: str | None = None
    evidence: dict[str, Any] | None = None


def _problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": Problem, "content": {PROBLEM_JSON: {}}} for code in codes}


COMMAND_RESPONSES = _problems(400, 401, 403, 404, 409, 412, 422, 503)
READ_RESPONSES = _problems(401, 404, 422, 503)

IfMatch = Annotated[
    str | None,
    Header(alias="If-Match", description='The union version you read (its ETag, e.g. "7"): 412 if it moved on'),
]
IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=200,
        description="Makes a retry return the first answer and write nothing",
    ),
]
CurrentActor = Annotated[Actor, Depends(current_actor)]
AsOf = Annotated[dt.date | None, Query(description="Business date: the facts that had happened by then")]
RecordedAt = Annotated[dt.datetime | None, Query(description="What the system had recorded by this time")]


# --------------------------------------------------------------------------- helpers


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _parse_if_match(value: str | None) -> int | None:
    if value is None or value.strip() == "*":
        return None
    m = _ETAG.match(value.strip())
    if m is None:
        raise ApiProblem(
            422,
            "validation",
            "The request is not valid",
            f'If-Match: expected a version ETag such as "7", got {value!r}',
            fields=["header.If-Match"],
        )
    return int(m.group(1))


def union_of(procedure_id: str) -> str:
    """The union a procedure belongs to: the part of its id before the colon ("U1:founding-1")."""
    union_id, sep, rest = procedure_id.partition(":")
    if not sep or not union_id or not rest:
        raise NotFound("NOT-FOUND", f"no procedure {procedure_id}", {"procedure_id": procedure_id})
    return union_id


class RecordedEventOut(BaseModel):
    type: str = Field(description="The event's stored type name (past tense)")
    version: int = Field(description="Its version in the union's stream")
    position: int = Field(description="Its position in the whole log")
    occurred_on: dt.date = Field(description="Business date")
    recorded_at: dt.datetime = Field(description="When the store recorded it")
    data: dict[str, Any] = Field(description="The event's content, with the rule evidence that allowed it")


class CommandAccepted(BaseModel):
    """What a command wrote. The union's new version is also the response's ETag."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "union_id": "U1",
                    "procedure_id": "U1:founding-1",
                    "version": 9,
                    "events": [
                        {
                            "type": "CongressHeld",
                            "version": 9,
                            "position": 1234,
                            "occurred_on": "2019-03-01",
                            "recorded_at": "2019-03-02T09:15:00Z",
                            "data": {
                                "procedure_id": "U1:founding-1",
                                "due": 80,
                                "present": 54,
                                "evidence": [{"rule": "R-QUORUM", "due": 80, "present": 54, "needed": 54}],
                            },
                        }
                    ],
                    "links": {"union": "/unions/U1", "procedure": "/procedures/U1:founding-1"},
                }
            ]
        }
    )

    union_id: str
    procedure_id: str | None = Field(description="The procedure the command opened or moved, if any")
    version: int
    events: list[RecordedEventOut]
    links: dict[str, str]


def _result_body(result: CommandResult) -> dict[str, Any]:
    body: dict[str, Any] = {
        "union_id": result.union_id,
        "procedure_id": result.procedure_id,
        "version": result.version,
        "events": [
            {
                "type": r.event_type,
                "version": r.version,
                "position": r.position,
                "occurred_on": r.occurred_on,
                "recorded_at": r.recorded_at,
                "data": r.event.model_dump(mode="json"),
            }
            for r in result.events
        ],
        "links": {"union": f"/unions/{result.union_id}"},
    }
    if result.procedure_id:
        body["links"]["procedure"] = f"/procedures/{result.procedure_id}"
    return body


def _execute(
    request: Request,
    actor: Actor,
    body: CommandRequest,
    ids: dict[str, str],
    *,
    status_code: int,
    if_match: str | None,
    idempotency_key: str | None,
    created: Callable[[CommandResult], str] | None = None,
) -> JSONResponse:
    expected = _parse_if_match(if_match)
    request.state.if_match = expected
    try:
        command = body.to_command(**ids)
    except ValidationError as exc:
        # The command's own checks (e.g. a grassroots union needs its unit facts): the body's fault.
        raise RequestValidationError([e | {"loc": ("body", *e["loc"])} for e in exc.errors()]) from exc
    result = _runtime(request).service.execute(
        command,
        actor,
        expected_version=expected,
        idempotency_key=idempotency_key,
        correlation_id=getattr(request.state, "request_id", None),
    )
    headers = {"ETag": f'"{result.version}"'}
    if result.replayed:
        headers["Idempotent-Replayed"] = "true"
    if created is not None:
        headers["Location"] = created(result)
    return JSONResponse(jsonable_encoder(_result_body(result)), status_code=status_code, headers=headers)


def _readable_union(
    request: Request, actor: Actor, union_id: str, as_of: dt.date | None, recorded_at: dt.datetime | None
) -> UnionState:
    service = _runtime(request).service
    if not may_read(service, actor, union_id) or not service.load(union_id).exists:
        raise NotFound("NOT-FOUND", f"no organisation {union_id}", {"org_id": union_id})
    if as_of is None and recorded_at is None:
        return service.load(union_id)
    then = service.load(union_id, as_of=as_of, recorded_until=recorded_at)
    if not then.exists:
        raise NotFound("NOT-FOUND", f"no organisation {union_id} at that time", {"org_id": union_id})
    return then


def _dataclass_dict(obj: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj) if f.name not in skip}


def _procedure_summary(proc: Procedure) -> dict[str, Any]:
    return {
        "procedure_id": proc.procedure_id,
        "kind": proc.kind,
        "state": proc.state,
        "opened_on": proc.opened_on,
        "href": f"/procedures/{proc.procedure_id}",
    }


# --------------------------------------------------------------------------- command routes


def _add_command_route(
    app: FastAPI,
    path: str,
    model: type[CommandRequest],
    *,
    ids: Callable[..., dict[str, str]],
    path_params: tuple[str, ...],
    summary: str,
    tags: list[str | Enum],
    status_code: int = 200,
    created: Callable[[CommandResult], str] | None = None,
    include_in_schema: bool = True,
) -> None:
    """One POST route per command, with its own request schema. The endpoint's signature is built
    here so that FastAPI documents and validates the right body for each route."""

    def endpoint(
        request: Request,
        body: CommandRequest,
        actor: Actor,
        if_match: str | None = None,
        idempotency_key: str | None = None,
        **path_values: str,
    ) -> JSONResponse:
        return _execute(
            request,
            actor,
            body,
            ids(**path_values),
            status_code=status_code,
            if_match=if_match,
            idempotency_key=idempotency_key,
            created=created,
        )

    kw = inspect.Parameter.KEYWORD_ONLY
    params = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        *(inspect.Parameter(p, kw, annotation=Annotated[str, Path()]) for p in path_params),
        inspect.Parameter("body", kw, annotation=Annotated[model, Body()]),
        inspect.Parameter("actor", kw, annotation=CurrentActor),
        inspect.Parameter("if_match", kw, annotation=IfMatch, default=None),
        inspect.Parameter("idempotency_key", kw, annotation=IdempotencyKey, default=None),
    ]
    endpoint.__signature__ = inspect.Signature(params, return_annotation=JSONResponse)  # type: ignore[attr-defined]
    endpoint.__name__ = "command_" + re.sub(r"\W+", "_", path).strip("_")
    app.add_api_route(
        path,
        endpoint,
        methods=["POST"],
        summary=summary,
        tags=tags,
        status_code=status_code,
        responses={
            status_code: {
                "model": CommandAccepted,
                "description": "Accepted: the events written (or, for a retried Idempotency-Key, first written)",
            },
            **COMMAND_RESPONSES,
        },
        include_in_schema=include_in_schema,
        response_class=JSONResponse,
    )


def _command_routes(app: FastAPI) -> None:
    _add_command_route(
        app,
        "/organisations",
        RegisterOrganisationRequest,
        ids=lambda: {},
        path_params=(),
        summary="Register an organisation (administrators; the root registers itself)",
        tags=["organisations"],
        status_code=201,
        created=lambda r: f"/unions/{r.union_id}",
    )
    # Commands on a union itself (not on one of its procedures): path, body, summary, status.
    union_commands: list[tuple[str, type[CommandRequest], str, int]] = [
        ("facts", UNION_REQUESTS["facts"], "Update the unit's facts (employees, members, Party organisation...)", 200),
        (
            "imported-term",
            ImportTermRequest,
            "Bring in the current term of a union founded before unionflow (administrators)",
            200,
        ),
        (
            "congresses",
            UNION_REQUESTS["congresses"],
            "Record the yearly congress held outside an election (R-ANNUAL, R-QUORUM)",
            201,
        ),
        (
            "vice-chair-removals",
            UNION_REQUESTS["vice-chair-removals"],
            "Record a vice-chair's removal by the congress (罢免, R-REMOVAL)",
            201,
        ),
    ]
    for name, model, summary, status_code in union_commands:
        _add_command_route(
            app,
            f"/unions/{{union_id}}/{name}",
            model,
            ids=lambda union_id: {"union_id": union_id},
            path_params=("union_id",),
            summary=summary,
            tags=["organisations"],
            status_code=status_code,
            created=(lambda r: f"/unions/{r.union_id}") if status_code == 201 else None,
        )
    for kind, model in OPEN_REQUESTS.items():
        aliases = [(kind, True)] + ([(kind.replace("_", "-"), False)] if "_" in kind else [])
        for name, visible in aliases:
            _add_command_route(
                app,
                f"/unions/{{union_id}}/procedures/{name}",
                model,
                ids=lambda union_id: {"union_id": union_id},
                path_params=("union_id",),
                summary=f"Open a {kind.replace('_', ' ')} procedure",
                tags=["procedures"],
                status_code=201,
                created=lambda r: f"/procedures/{r.procedure_id}",
                include_in_schema=visible,
            )
    for step, model in STEP_REQUESTS.items():
        names = [(step, True)] + ([(step.replace("-", "_"), False)] if "-" in step else [])
        for name, visible in names:
            _add_command_route(
                app,
                f"/procedures/{{procedure_id}}/steps/{name}",
                model,
                ids=lambda procedure_id: {"union_id": union_of(procedure_id), "procedure_id": procedure_id},
                path_params=("procedure_id",),
                summary=f"Step: {step.replace('-', ' ')} ({model.command.__name__})",
                tags=["steps"],
                include_in_schema=visible,
            )


# --------------------------------------------------------------------------- read routes

_UNION_EXAMPLE: dict[str, Any] = {
    "org_id": "U1",
    "version": 13,
    "name": "江岸某科技有限公司工会",
    "level": "grassroots",
    "parent_id": "JA",
    "unit": {
        "unit_name": "江岸某科技有限公司",
        "unit_type": "enterprise",
        "employees": 120,
        "members": 80,
        "female_members": 12,
        "has_party_org": True,
    },
    "founded_on": "2019-03-20",
    "term": {
        "number": 1,
        "start": "2019-03-01",
        "years": 5,
        "end": "2024-03-01",
        "deadline": "2024-03-01",
        "started_by": "U1:founding-1",
        "extension_procedure": None,
        "early_reelection_procedure": None,
        "early_congress_on": None,
    },
    "terms": 1,
    "committee": ["赵", "钱", "孙", "李", "周", "吴", "郑"],
    "chair": "赵",
    "vice_chairs": ["钱"],
    "funds_review": ["冯", "陈", "褚"],
    "acting_chair": None,
    "legal_person_no": None,
    "last_congress_on": "2019-03-01",
    "procedures": [
        {
            "procedure_id": "U1:founding-1",
            "kind": "founding",
            "state": "founded",
            "opened_on": "2019-01-05",
            "href": "/procedures/U1:founding-1",
        }
    ],
    "allowed_commands": [
        {"command": "UpdateUnitFacts", "href": "/unions/U1/facts"},
        {"command": "RecordCongress", "href": "/unions/U1/congresses"},
        {"command": "RemoveViceChair", "href": "/unions/U1/vice-chair-removals"},
    ],
    "as_of": None,
    "recorded_at": None,
}
_PROCEDURE_EXAMPLE: dict[str, Any] = {
    "procedure_id": "U1:founding-1",
    "kind": "founding",
    "union_id": "U1",
    "state": "founded",
    "version": 13,
    "opened_on": "2019-01-05",
    "last_moved_on": "2019-03-20",
    "filed_on": None,
    "waiting_on_approver": None,
    "history": [
        "requested",
        "preparing",
        "members_recruited",
        "congress_type_decided",
        "candidates_proposed",
        "candidates_posted",
        "candidates_filed",
        "candidates_approved",
        "congress_held",
        "chair_elected",
        "results_filed",
        "founded",
    ],
    "profile": {"name": "national", "version": 1},
    "allowed_steps": [
        {
            "step": "register-legal-person",
            "trigger": "register_legal_person",
            "label": "record the legal-person registration",
            "command": "RegisterLegalPerson",
            "href": "/procedures/U1:founding-1/steps/register-legal-person",
        }
    ],
    "facts": {"members": 80, "female_members": 12, "employees": 120, "registration_no": None},
    "as_of": None,
    "recorded_at": None,
}


def _example(description: str, example: dict[str, Any]) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description, "content": {"application/json": {"example": example}}}}


def _read_routes(app: FastAPI) -> None:
    @app.get(
        "/unions/{union_id}",
        tags=["reads"],
        summary="The union as its stream tells it",
        responses=_example(
            "The union now (ETag: its version), or as of `as_of` / `recorded_at`; `allowed_commands` (what you may "
            "record on the union itself) only for now (null for a past moment)",
            _UNION_EXAMPLE,
        )
        | READ_RESPONSES,
    )
    def get_union(
        request: Request,
        response: Response,
        union_id: str,
        actor: CurrentActor,
        as_of: AsOf = None,
        recorded_at: RecordedAt = None,
    ) -> dict[str, Any]:
        union = _readable_union(request, actor, union_id, as_of, recorded_at)
        allowed: list[dict[str, str]] | None = None
        if as_of is None and recorded_at is None:
            response.headers["ETag"] = f'"{union.version}"'
            allowed = [
                {"command": name, "href": f"/unions/{union.org_id}/{UNION_PATH_OF_COMMAND[name]}"}
                for name in _runtime(request).service.allowed_union_commands(union, actor)
            ]
        body = _dataclass_dict(union, skip=("procedures",))
        body["procedures"] = [_procedure_summary(p) for p in union.procedures.values()]
        body["allowed_commands"] = allowed
        body["as_of"], body["recorded_at"] = as_of, recorded_at
        result: dict[str, Any] = jsonable_encoder(body)
        return result

    @app.get(
        "/procedures/{procedure_id}",
        tags=["reads"],
        summary="A procedure: its state, facts and the steps you may take now",
        responses=_example("The procedure; `allowed_steps` only for now (null for a past moment)", _PROCEDURE_EXAMPLE)
        | READ_RESPONSES,
    )
    def get_procedure(
        request: Request,
        response: Response,
        procedure_id: str,
        actor: CurrentActor,
        as_of: AsOf = None,
        recorded_at: RecordedAt = None,
    ) -> dict[str, Any]:
        union = _readable_union(request, actor, union_of(procedure_id), as_of, recorded_at)
        proc = union.procedures.get(procedure_id)
        if proc is None:
            raise NotFound("NOT-FOUND", f"no procedure {procedure_id}", {"procedure_id": procedure_id})
        now = as_of is None and recorded_at is None
        allowed: list[dict[str, Any]] | None = None
        if now:
            response.headers["ETag"] = f'"{union.version}"'
            allowed = []
            for s in _runtime(request).service.allowed_steps(union, proc, actor):
                step = STEP_OF_COMMAND.get(s.command, s.trigger.replace("_", "-"))
                allowed.append(
                    {
                        "step": step,
                        "trigger": s.trigger,
                        "label": s.label,
                        "command": s.command,
                        "href": f"/procedures/{procedure_id}/steps/{step}",
                    }
                )
        facts = _dataclass_dict(
            proc, skip=("procedure_id", "kind", "state", "profile", "opened_on", "last_moved_on", "filed_on", "history")
        )
        result: dict[str, Any] = jsonable_encoder(
            {
                "procedure_id": proc.procedure_id,
                "kind": proc.kind,
                "union_id": union.org_id,
                "state": proc.state,
                "version": union.version,
                "opened_on": proc.opened_on,
                "last_moved_on": proc.last_moved_on,
                "filed_on": proc.filed_on,
                "waiting_on_approver": KINDS[proc.kind].waits_on_approver(proc.state),
                "history": proc.history,
                "profile": {"name": proc.profile.name, "version": proc.profile.version},
                "allowed_steps": allowed,
                "facts": facts,
                "as_of": as_of,
                "recorded_at": recorded_at,
            }
        )
        return result

    @app.get(
        "/procedure-kinds/{kind}",
        tags=["reads"],
        summary="A procedure kind's state machine, as data and as a Mermaid diagram (no token needed)",
        responses=_example(
            "States, transitions (trigger, source, destination, label, who decides) and the Mermaid text",
            {
                "kind": "extension",
                "states": ["requested", "approved", "rejected", "withdrawn"],
                "initial": "requested",
                "terminal": ["approved", "rejected", "withdrawn"],
                "transitions": [
                    {
                        "trigger": "approve",
                        "source": "requested",
                        "dest": "approved",
                        "label": "approve the extension (higher union)",
                    }
                ],
                "mermaid": "stateDiagram-v2\n    [*] --> requested\n    requested --> approved: approve",
            },
        )
        | _problems(404),
    )
    def get_procedure_kind(kind: str) -> dict[str, Any]:
        definition = KINDS.get(kind.replace("-", "_"))
        if definition is None:
            raise NotFound("NOT-FOUND", f"unknown procedure kind {kind!r}; known: {', '.join(sorted(KINDS))}", {})
        return definition.machine.describe() | {"mermaid": definition.machine.mermaid()}


# --------------------------------------------------------------------------- the app


def _nul_in_url(request: Request) -> str | None:
    """Where the URL carries a NUL character (the path, or a query parameter by name), if it does."""
    if "\x00" in request.scope.get("path", ""):
        return "path"
    for name, value in request.query_params.multi_items():
        if "\x00" in name or "\x00" in value:
            return f"query.{name.replace(chr(0), '?')}"
    return None


def create_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(
        title="unionflow",
        version="0.1.0",
        description="Founding (建会) and re-election on term (换届) of grassroots trade unions, "
        "as event-sourced procedures. Errors are RFC 9457 problem details; refusals name the rule "
        "(RULES.md ID) and the numbers checked.",
        dependencies=[Depends(only_known_query)],
    )
    app.state.runtime = runtime
    install(app)

    @app.middleware("http")
    async def request_id_and_errors(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        given = request.headers.get("x-request-id", "")
        request_id = given if _REQUEST_ID.match(given) else uuid.uuid4().hex
        request.state.request_id = request_id
        token = request_id_var.set(request_id)
        nul = _nul_in_url(request)
        if nul is not None:
            # PostgreSQL text cannot hold U+0000: refuse it at the edge, naming where it was.
            refused = problem(
                422,
                "validation",
                "The request is not valid",
                f"{nul}: contains a NUL character (U+0000)",
                request=request,
                fields=[nul],
                errors=[{"field": nul, "message": "contains a NUL character (U+0000)", "type": "nul_character"}],
            )
            refused.headers["X-Request-ID"] = request_id
            request_id_var.reset(token)
            return refused
        started = time.perf_counter()
        try:
            try:
                response = await call_next(request)
            except Exception:
                log.exception("unhandled error", extra={"method": request.method, "path": request.url.path})
                response = problem(
                    500,
                    "about:blank",
                    "Internal Server Error",
                    "an unexpected error; it has been logged",
                    request=request,
                )
            response.headers["X-Request-ID"] = request_id
            log.info(
                "request",
                extra={
                    "method": request.method,
                    "path": request.url.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "token_id": getattr(request.state, "token_id", None),
                },
            )
            return response
        finally:
            request_id_var.reset(token)

    @app.get(
        "/health",
        tags=["operations"],
        summary="The process is up",
        responses=_example("Up", {"status": "ok"}),
    )
    def health() -> dict[str, str]:
        return {"status": "ok"}

    @app.get(
        "/ready",
        tags=["operations"],
        summary="The database is reachable and its schema current",
        responses=_example("Ready", {"status": "ready", "database": "sqlite", "log_position": 5688})
        | {503: {"description": "Not ready: the database is unreachable or its schema not current"}},
    )
    def ready(request: Request) -> Any:
        problem_text = runtime.readiness_problem()
        if problem_text:
            return problem(503, "not-ready", "Not ready", problem_text, request=request)
        return {
            "status": "ready",
            "database": runtime.engine.dialect.name,
            "log_position": runtime.store.last_position(),
        }

    _command_routes(app)
    _read_routes(app)
    from api.reads import add_read_routes  # imports this module's helpers: installed here, not at import

    add_read_routes(app)
    from api.audit_routes import add_audit_routes  # likewise: GET /audit/verify and /audit/bundle

    add_audit_routes(app)
    from api.web.routes import install as install_web_pages  # the pages under /ui; "/" redirects there

    install_web_pages(app)
    return app
