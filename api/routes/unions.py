"""A union: as its stream folds (now, or at a past moment), what may be recorded on the union
itself (its unit's facts, an imported term, the yearly congress, a vice-chair's removal, a joint
union's units), and its terms."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, fields
from typing import Any

from fastapi import APIRouter

from api.deps import Reader, ReaderDep
from api.requests import UNION_PATH_OF_COMMAND, UNION_REQUESTS, CommandRequest, ImportTermRequest
from api.routes.commands import add_union_command_route
from api.routes.params import AsOf, RecordedAt, UnionId
from api.routes.reading import get, one_hop
from api.schemas.problem import READ_PROBLEMS, example_response
from api.schemas.unions import UNION_EXAMPLE, TermsTimeline
from projections import queries
from workflow.errors import NotFound
from workflow.state import Procedure, UnionState

router = APIRouter()

# Commands on a union itself (not on one of its procedures): path, body, summary, status.
_UNION_COMMANDS: list[tuple[str, type[CommandRequest], str, int]] = [
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
    (
        "covered-units",
        UNION_REQUESTS["covered-units"],
        "A joint grassroots union (联合基层工会): a unit that joins it, or its facts while covered (R-FORM-25)",
        200,
    ),
    (
        "covered-unit-departures",
        UNION_REQUESTS["covered-unit-departures"],
        "A joint grassroots union: a unit it no longer covers (RULES.md §7)",
        200,
    ),
]


def _add_union_commands() -> None:
    for name, model, summary, status_code in _UNION_COMMANDS:
        add_union_command_route(
            router,
            f"/unions/{{union_id}}/{name}",
            model,
            summary=summary,
            tags=["organisations"],
            status_code=status_code,
            created=(lambda r: f"/unions/{r.union_id}") if status_code == 201 else None,
        )


_add_union_commands()


def readable_union(read: Reader, union_id: str, as_of: dt.date | None, recorded_at: dt.datetime | None) -> UnionState:
    """The union as its stream folds, now or at a past moment, once the caller may read it. Who
    may read is decided from the register (`api.deps.readable_scope`, no fold), so the stream is
    read and folded once per request, and the allowed steps are derived from that same state."""
    read.scope(read.runtime.engine, union_id)
    service = read.runtime.service
    if as_of is None and recorded_at is None:
        union = service.load_now(union_id)
    else:
        union = service.load(union_id, as_of=as_of, recorded_until=recorded_at)
    if not union.exists:
        raise NotFound("NOT-FOUND", f"no organisation {union_id} at that time", {"org_id": union_id}, case="org")
    return union


def ancestors_of(read: Reader, union: UnionState) -> list[str]:
    """The chain above the union, nearest first, from its place in the tree (no fold of theirs)."""
    return read.scope(read.runtime.engine, union.org_id).path.split("/")[-3::-1]


def answers_now(read: Reader, union: UnionState, as_of: dt.date | None, recorded_at: dt.datetime | None) -> bool:
    """Whether the read is of now (not of a past moment); if so the union's version is its ETag."""
    if as_of is not None or recorded_at is not None:
        return False
    read.response.headers["ETag"] = f'"{union.version}"'
    return True


def encoded(body: dict[str, Any], as_of: dt.date | None, recorded_at: dt.datetime | None) -> dict[str, Any]:
    """The body with the moment asked about; its values (dates, the state's dataclasses) are made
    JSON once, by the response's serialiser (pydantic's, for a route's `dict[str, Any]`)."""
    return body | {"as_of": as_of, "recorded_at": recorded_at}


def dataclass_dict(obj: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj) if f.name not in skip}


def _procedure_summary(proc: Procedure) -> dict[str, Any]:
    summary = {name: getattr(proc, name) for name in ("procedure_id", "kind", "state", "opened_on")}
    return summary | {"href": f"/procedures/{proc.procedure_id}"}


@router.get(
    "/unions/{union_id}",
    tags=["reads"],
    summary="The union as its stream tells it",
    responses=example_response(
        "The union now (ETag: its version), or as of `as_of` / `recorded_at`; `allowed_commands` (what you may "
        "record on the union itself) only for now (null for a past moment)",
        UNION_EXAMPLE,
    )
    | READ_PROBLEMS,
)
@one_hop
def get_union(union_id: str, read: ReaderDep, as_of: AsOf = None, recorded_at: RecordedAt = None) -> dict[str, Any]:
    union = readable_union(read, union_id, as_of, recorded_at)
    allowed: list[dict[str, str]] | None = None
    if answers_now(read, union, as_of, recorded_at):
        allowed = [
            {"command": name, "href": f"/unions/{union.org_id}/{UNION_PATH_OF_COMMAND[name]}"}
            for name in read.runtime.service.allowed_union_commands(union, read.actor, ancestors_of(read, union))
        ]
    body = dataclass_dict(union, skip=("procedures",))
    body["procedures"] = [_procedure_summary(p) for p in union.procedures.values()]
    body["allowed_commands"] = allowed
    return encoded(body, as_of, recorded_at)


@get(
    router,
    "/unions/{union_id}/terms",
    "A union's terms and extensions, oldest first (R-TERM, R-TERM-END, R-EXTENSION)",
    TermsTimeline,
)
def union_terms(union_id: UnionId, read: ReaderDep) -> Any:
    with read.connect(union_id) as conn:
        record = queries.union(conn, union_id)
        terms = queries.terms(conn, union_id)
    return {
        "org_id": union_id,
        "current_term": record.term_number if record is not None and record.term_start is not None else None,
        "deadline": record.deadline if record is not None else None,
        "extension_until": record.extension_until if record is not None else None,
        "terms": [asdict(t) for t in terms],
    }
