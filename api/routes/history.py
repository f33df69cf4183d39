"""The audit history: every event of a union, or of one of its procedures, in recording order
(type, person, role, organisation acted for, business date, recording time, payload, rule
evidence, stream version, log position and hash), paged by stream version."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict
from functools import partial
from typing import Any

from fastapi import APIRouter

from api.deps import Reader, ReaderDep
from api.routes.paging import INT, answer_page, check_cursor, encode_cursor
from api.routes.params import Cursor, HistoryRecordedAt, Limit, ProcedureId, UnionId, recorded_until, union_of
from api.routes.reading import get
from api.schemas.history import HistoryPage
from projections import queries, replay
from workflow.errors import NotFound

router = APIRouter()
_history_route = partial(get, router, model=HistoryPage, tag="audit")


def _history_page(
    read: Reader,
    union_id: str,
    procedure_id: str | None,
    recorded_at: dt.datetime | None,
    cursor: str | None,
    limit: int,
) -> dict[str, Any]:
    """The page's body (its next page in the `Link` header)."""
    after = check_cursor(cursor, (INT,))
    until = recorded_until(recorded_at)
    with read.connect(union_id) as conn:
        if procedure_id is not None and queries.procedure_status(conn, procedure_id) is None:
            raise NotFound(
                "NOT-FOUND", f"no procedure {procedure_id}", {"procedure_id": procedure_id}, case="procedure"
            )
    # One union's stream (tens to hundreds of events): read whole, paged by version.
    entries = replay.history(read.runtime.store, union_id, procedure_id, recorded_until=until)
    if after is not None:
        entries = [e for e in entries if e.version > after[0]]
    more = len(entries) > limit
    entries = entries[:limit]
    nxt = encode_cursor([entries[-1].version]) if more else None
    return answer_page(read, [asdict(e) for e in entries], nxt) | {
        "org_id": union_id,
        "procedure_id": procedure_id,
        "recorded_at": recorded_at,
    }


@_history_route(
    "/unions/{union_id}/history",
    "Every event of a union, in the order recorded: who, role, organisation, dates, evidence, hash",
)
def union_history(
    union_id: UnionId, read: ReaderDep, recorded_at: HistoryRecordedAt = None, cursor: Cursor = None, limit: Limit = 100
) -> Any:
    return _history_page(read, union_id, None, recorded_at, cursor, limit)


@_history_route("/procedures/{procedure_id}/history", "Every event of one procedure, in the order recorded")
def procedure_history(
    procedure_id: ProcedureId,
    read: ReaderDep,
    recorded_at: HistoryRecordedAt = None,
    cursor: Cursor = None,
    limit: Limit = 100,
) -> Any:
    return _history_page(read, union_of(procedure_id), procedure_id, recorded_at, cursor, limit)
