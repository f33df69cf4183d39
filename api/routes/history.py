"""The audit history: every event of a union, or of one of its procedures, in recording order
(type, person, role, organisation acted for, business date, recording time, payload, rule
evidence, stream version, log position and hash), paged by stream version."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import CurrentActor, RuntimeDep, readable_scope
from api.routes.paging import INT, check_cursor, encode_cursor, link_next
from api.routes.params import Cursor, HistoryRecordedAt, Limit, ProcedureId, UnionId, recorded_until, union_of
from api.runtime import Runtime
from api.schemas.history import HistoryPage
from api.schemas.problem import READ_PROBLEMS
from projections import queries, replay
from workflow.authority import Actor
from workflow.errors import NotFound

router = APIRouter()


def _history_page(
    runtime: Runtime,
    actor: Actor,
    union_id: str,
    procedure_id: str | None,
    recorded_at: dt.datetime | None,
    cursor: str | None,
    limit: int,
) -> tuple[dict[str, Any], str | None]:
    """The page's body and its next cursor."""
    after = check_cursor(cursor, (INT,))
    until = recorded_until(recorded_at)
    with runtime.engine.connect() as conn:
        readable_scope(conn, actor, union_id)
        if procedure_id is not None and queries.procedure_status(conn, procedure_id) is None:
            raise NotFound("NOT-FOUND", f"no procedure {procedure_id}", {"procedure_id": procedure_id})
    # One union's stream (tens to hundreds of events): read whole, paged by version.
    entries = replay.history(runtime.store, union_id, procedure_id, recorded_until=until)
    if after is not None:
        entries = [e for e in entries if e.version > after[0]]
    more = len(entries) > limit
    entries = entries[:limit]
    nxt = encode_cursor([entries[-1].version]) if more else None
    body = {
        "items": [asdict(e) for e in entries],
        "next_cursor": nxt,
        "org_id": union_id,
        "procedure_id": procedure_id,
        "recorded_at": recorded_at,
    }
    return body, nxt


@router.get(
    "/unions/{union_id}/history",
    tags=["audit"],
    summary="Every event of a union, in the order recorded: who, role, organisation, dates, evidence, hash",
    response_model=HistoryPage,
    responses=READ_PROBLEMS,
)
def union_history(
    request: Request,
    response: Response,
    union_id: UnionId,
    actor: CurrentActor,
    runtime: RuntimeDep,
    recorded_at: HistoryRecordedAt = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Any:
    body, nxt = _history_page(runtime, actor, union_id, None, recorded_at, cursor, limit)
    link_next(request, response, nxt)
    return body


@router.get(
    "/procedures/{procedure_id}/history",
    tags=["audit"],
    summary="Every event of one procedure, in the order recorded",
    response_model=HistoryPage,
    responses=READ_PROBLEMS,
)
def procedure_history(
    request: Request,
    response: Response,
    procedure_id: ProcedureId,
    actor: CurrentActor,
    runtime: RuntimeDep,
    recorded_at: HistoryRecordedAt = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Any:
    body, nxt = _history_page(runtime, actor, union_of(procedure_id), procedure_id, recorded_at, cursor, limit)
    link_next(request, response, nxt)
    return body
