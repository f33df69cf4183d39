"""Procedures: opening one on a union, taking its steps (one route per step, generated from the
request tables of `api.requests`), reading one as its stream folds with the steps the caller may
take now, and listing a subtree's procedures with their status."""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable
from dataclasses import asdict
from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Query
from sqlalchemy.engine import Connection

from api.deps import ReaderDep, Scope
from api.problems import invalid
from api.requests import OPEN_REQUESTS, STEP_OF_COMMAND, STEP_REQUESTS
from api.routes.commands import add_command_route, add_union_command_route, spellings
from api.routes.paging import TEXT, answer_page, check_cursor, encode_cursor
from api.routes.params import (
    ORG_ID_PATTERN,
    PROCEDURE_STATES,
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
from api.schemas.common import page_of
from api.schemas.problem import READ_PROBLEMS, example_response
from api.schemas.procedures import PROCEDURE_EXAMPLE, ProcedureItem
from projections import queries, schema
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

_P = schema.procedures


def _filters(
    kind: str | None,
    state: str | None,
    moved_since: dt.date | None,
    moved_until: dt.date | None,
    waiting_on: str | None,
) -> list[sa.ColumnElement[bool]]:
    """The list's filters that were given, as conditions on the procedures' read model."""
    wanted: tuple[tuple[Any, Callable[[Any, Any], Any], Any], ...] = (
        (_P.c.kind, operator.eq, kind),
        (_P.c.state, operator.eq, state),
        (_P.c.last_moved_on, operator.ge, moved_since),
        (_P.c.last_moved_on, operator.le, moved_until),
        (_P.c.waiting_on, operator.eq, waiting_on),
    )
    return [compare(column, value) for column, compare, value in wanted if value is not None]


def _procedure_page(
    conn: Connection, scope: Scope, filters: list[sa.ColumnElement[bool]], limit: int, after: list[Any] | None
) -> queries.Page[queries.ProcedureStatus]:
    """Procedures in tree order: the subtree's path range and a keyset on (path, procedure_id),
    the index `ix_proj_procedures_path`; the filters narrow that range."""
    key = (_P.c.path, _P.c.procedure_id)
    q = sa.select(_P).where(*queries.subtree_filter(conn, _P.c.path, scope.org_id))
    if scope.own_only:
        q = q.where(_P.c.org_id == scope.org_id)
    if after is not None:
        q = q.where(sa.tuple_(*key) > sa.tuple_(*(sa.literal(v, c.type) for v, c in zip(after, key, strict=True))))
    q = q.where(*filters)
    rows = list(conn.execute(q.order_by(*key).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor([rows[-1].path, rows[-1].procedure_id]) if more else None
    return queries.Page([queries.procedure_record(r._mapping) for r in rows], nxt)


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


@get(router, "/procedures", "Procedures of a subtree with their status, in tree order", page_of(ProcedureItem))
def list_procedures(
    read: ReaderDep,
    org: OrgParam = None,
    kind: Annotated[ProcedureKind | None, Query(description="Only procedures of this kind")] = None,
    state: Annotated[str | None, Query(max_length=60, description="Only procedures in this state")] = None,
    moved_since: Annotated[Date | None, Query(description="Last step on or after this date")] = None,
    moved_until: Annotated[Date | None, Query(description="Last step on or before this date")] = None,
    waiting_on: WaitingOn = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Any:
    if state is not None and state not in PROCEDURE_STATES:
        raise invalid("query.state", f"unknown state {state!r}; known: {', '.join(sorted(PROCEDURE_STATES))}")
    if moved_since is not None and moved_until is not None and moved_until < moved_since:
        raise invalid("query.moved_until", f"{moved_until} is before moved_since {moved_since}")
    after = check_cursor(cursor, (TEXT, TEXT))
    with read.runtime.engine.connect() as conn:
        scope = read.scope(conn, org)
        filters = _filters(kind, state, moved_since, moved_until, waiting_on)
        page = _procedure_page(conn, scope, filters, limit, after)
    return answer_page(read, [_procedure(p) for p in page.items], page.next_cursor)
