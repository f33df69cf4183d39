"""Procedures: opening one on a union, taking its steps (one route per step, generated from the
request tables of `api.requests`), reading one as its stream folds with the steps the caller may
take now, and listing a subtree's procedures with their status."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from api.deps import ReaderDep
from api.requests import OPEN_REQUESTS, STEP_OF_COMMAND, STEP_REQUESTS
from api.routes.commands import add_command_route, add_union_command_route, spellings
from api.routes.paging import answer_listing, checked_search
from api.routes.params import (
    ORG_ID_PATTERN,
    AsOf,
    Cursor,
    Limit,
    OrgParam,
    ProcedureKind,
    RecordedAt,
    union_of,
)
from api.routes.reading import get
from api.routes.unions import answers_now, dataclass_dict, encoded, readable_union
from api.schemas.common import counted_page_of
from api.schemas.problem import READ_PROBLEMS, example_response
from api.schemas.procedures import PROCEDURE_EXAMPLE, ProcedureItem
from projections import queries
from workflow.bounds import Date
from workflow.errors import NotFound
from workflow.fold import KINDS
from workflow.service import AllowedStep
from workflow.state import Procedure, UnionState

router = APIRouter()


def _add_opening_routes() -> None:
    """`POST /unions/{id}/procedures/<kind>`; a kind with an underscore is also served (but not
    documented) under its hyphenated name."""
    for kind, name, model, visible in spellings(OPEN_REQUESTS, "_", "-"):
        add_union_command_route(
            router,
            f"/unions/{{union_id}}/procedures/{name}",
            model,
            summary=f"Open a {kind.replace('_', ' ')} procedure",
            tags=["procedures"],
            status_code=201,
            created=lambda r: f"/procedures/{r.procedure_id}",
            include_in_schema=visible,
        )


def _add_step_routes() -> None:
    """`POST /procedures/{id}/steps/<step>`; a hyphenated step is also served (but not documented)
    under the machine's snake_case trigger name."""
    for step, name, model, visible in spellings(STEP_REQUESTS, "-", "_"):
        add_command_route(
            router,
            f"/procedures/{{procedure_id}}/steps/{name}",
            model,
            ids=lambda procedure_id: {"union_id": union_of(procedure_id), "procedure_id": procedure_id},
            path_params=("procedure_id",),
            summary=f"Step: {step.replace('-', ' ')} ({model.command.__name__})",
            tags=["steps"],
            include_in_schema=visible,
        )


_add_opening_routes()
_add_step_routes()


# --------------------------------------------------------------------------- one procedure


def _allowed_step(procedure_id: str, allowed: AllowedStep) -> dict[str, Any]:
    step = STEP_OF_COMMAND.get(allowed.command, allowed.trigger.replace("_", "-"))
    return {
        "step": step,
        "trigger": allowed.trigger,
        "label": allowed.label,
        "command": allowed.command,
        "href": f"/procedures/{procedure_id}/steps/{step}",
    }


def _procedure_body(union: UnionState, proc: Procedure, allowed: list[dict[str, Any]] | None) -> dict[str, Any]:
    facts = dataclass_dict(
        proc, skip=("procedure_id", "kind", "state", "profile", "opened_on", "last_moved_on", "filed_on", "history")
    )
    return {
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
    }


@router.get(
    "/procedures/{procedure_id}",
    tags=["reads"],
    summary="A procedure: its state, facts and the steps you may take now",
    responses=example_response(
        "The procedure; `allowed_steps` only for now (null for a past moment)", PROCEDURE_EXAMPLE
    )
    | READ_PROBLEMS,
)
def get_procedure(
    procedure_id: str, read: ReaderDep, as_of: AsOf = None, recorded_at: RecordedAt = None
) -> dict[str, Any]:
    union = readable_union(read, union_of(procedure_id), as_of, recorded_at)
    proc = union.procedures.get(procedure_id)
    if proc is None:
        raise NotFound("NOT-FOUND", f"no procedure {procedure_id}", {"procedure_id": procedure_id}, case="procedure")
    allowed: list[dict[str, Any]] | None = None
    if answers_now(read, union, as_of, recorded_at):
        allowed = [_allowed_step(procedure_id, s) for s in read.runtime.service.allowed_steps(union, proc, read.actor)]
    return encoded(_procedure_body(union, proc, allowed), as_of, recorded_at)


# --------------------------------------------------------------------------- the list


def _procedure(p: queries.ProcedureStatus) -> dict[str, Any]:
    return asdict(p) | {"href": f"/procedures/{p.procedure_id}"}


WaitingOn = Annotated[
    str | None,
    Query(
        max_length=120,
        pattern=ORG_ID_PATTERN,
        description="Only procedures waiting on this organisation (an approver, or the union itself)",
    ),
]
Waiting = Annotated[
    Literal["approver", "union", "closed"] | None,
    Query(
        description="Only those whose filing waits on the higher-level union, those the union acts on next, or "
        "those closed"
    ),
]
UnionFilter = Annotated[
    str | None, Query(max_length=120, pattern=ORG_ID_PATTERN, description="Only this union's procedures")
]
ProcedureSort = Annotated[
    Literal["tree", "moved", "recent"],
    Query(description="tree order; longest since the last step first; latest step first"),
]


@get(router, "/procedures", "Procedures of a subtree with their status, in tree order", counted_page_of(ProcedureItem))
def list_procedures(
    read: ReaderDep,
    org: OrgParam = None,
    kind: Annotated[ProcedureKind | None, Query(description="Only procedures of this kind")] = None,
    state: Annotated[str | None, Query(max_length=60, description="Only procedures in this state")] = None,
    moved_since: Annotated[Date | None, Query(description="Last step on or after this date")] = None,
    moved_until: Annotated[Date | None, Query(description="Last step on or before this date")] = None,
    waiting_on: WaitingOn = None,
    waiting: Waiting = None,
    union: UnionFilter = None,
    sort: ProcedureSort = "tree",
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Any:
    with checked_search(), read.runtime.engine.connect() as conn:
        scope = read.scope(conn, org)
        search = queries.ProcedureSearch(kind, state, union, waiting, waiting_on, moved_since, moved_until, sort)
        only = scope.org_id if scope.own_only else None
        listing = queries.procedure_list(
            conn, scope.org_id, search, only=only, limit=limit, cursor=cursor, count=not cursor
        )
    return answer_listing(read, [_procedure(p) for p in listing.items], listing)
