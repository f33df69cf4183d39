"""The parameters the read routes share (path ids, the subtree filter, pages, business dates and
recording times), declared once so that every route validates and documents them alike."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, get_args

from fastapi import Path, Query

from api.problems import invalid
from api.schemas.alerts import AlertKind
from events.flows import FLOWS
from workflow.bounds import Date, Moment
from workflow.errors import NotFound

ORG_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"  # workflow.commands.RegisterOrganisation.org_id
PROCEDURE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*:[A-Za-z0-9._-]+$"  # "<union>:<kind>-<n>"
MAX_PAGE = 500

ProcedureKind = Literal["founding", "reelection", "extension", "early_reelection", "by_election", "dissolution"]
assert set(get_args(ProcedureKind)) == set(FLOWS), "ProcedureKind must list the procedure kinds (events.flows)"

# Every state a procedure of some kind can be in (the read side's table of the machines).
PROCEDURE_STATES = frozenset(state for flow in FLOWS.values() for state in flow.state_names)

OrgParam = Annotated[
    str | None,
    Query(
        max_length=120,
        pattern=ORG_ID_PATTERN,
        description="The subtree's root (that organisation and everything below it); default: your organisation",
    ),
]
Cursor = Annotated[
    str | None,
    Query(max_length=2000, description="`next_cursor` of the previous page; omit for the first page"),
]
Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Items per page (1..{MAX_PAGE})")]
UnionId = Annotated[str, Path(max_length=120, pattern=ORG_ID_PATTERN, description="The union's id")]
ProcedureId = Annotated[
    str, Path(max_length=250, pattern=PROCEDURE_ID_PATTERN, description='The procedure\'s id, e.g. "U1:founding-1"')
]


AsOfToday = Annotated[Date | None, Query(description="Business date asked about; default: today (the runtime's clock)")]
AlertsRecordedAt = Annotated[
    Moment | None,
    Query(
        description="Alerts as the system had recorded them by this time (backdated entries recorded later "
        "do not count). Answered for one union without organisations below it (`org`)."
    ),
]
Kinds = Annotated[list[AlertKind] | None, Query(description="Only these kinds (repeat the parameter)")]
HistoryRecordedAt = Annotated[Moment | None, Query(description="Only the events the system had recorded by this time")]


AsOf = Annotated[Date | None, Query(description="Business date: the facts that had happened by then")]
RecordedAt = Annotated[Moment | None, Query(description="What the system had recorded by this time")]
OrgQuery = Annotated[str, Query(min_length=1, max_length=200, description="The organisation's id")]
SubtreeQuery = Annotated[
    bool, Query(description="Every organisation below it too (default: the union's own stream only)")
]


def union_of(procedure_id: str) -> str:
    """The union a procedure belongs to: the part of its id before the colon ("U1:founding-1")."""
    union_id, sep, rest = procedure_id.partition(":")
    if not sep or not union_id or not rest:
        raise NotFound("NOT-FOUND", f"no procedure {procedure_id}", {"procedure_id": procedure_id}, case="procedure")
    return union_id


def recorded_until(value: dt.datetime | None) -> dt.datetime | None:
    """`recorded_at` as the store compares it (naive UTC); 422 if it cannot be one."""
    if value is None or value.tzinfo is None:
        return value
    try:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    except OverflowError:
        raise invalid("query.recorded_at", "out of range once converted to UTC") from None
