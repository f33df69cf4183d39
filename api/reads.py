"""The read side over HTTP (issue 5): the register, procedure lists, an approver's inbox, alerts
and their counts, coverage (RULES.md §7), a union's terms and the audit history of a union or a
procedure.

Every list is a page of a read model (`projections.queries`): keyset cursors and the subtree's
path range, so page 1,000 costs what page 1 costs and no list ever loads a whole table. A page
answers `items` and `next_cursor`, and a `Link: <...>; rel="next"` header while more follow.

Scoping is the same as for `GET /unions/{id}` (`api.auth.may_read`), decided from the
organisation's place in the tree (its materialised path, one indexed look-up): staff see their
own organisation only; approvers, auditors and administrators see their organisation and
everything below it. An organisation outside that answers 404 exactly like one that does not
exist, and so does a list filter (`org`) naming one: never an empty list that would tell the two
apart."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from typing import Annotated, Any, Generic, Literal, TypeVar, get_args

import orjson
import sqlalchemy as sa
from fastapi import FastAPI, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.engine import Connection

from api.app import PROBLEM_JSON, CurrentActor, Problem, union_of
from api.runtime import Runtime
from events.catalogue import OrgLevel
from events.flows import FLOWS
from projections import queries, replay, schema
from projections.models.alerts import KINDS as ALERT_KINDS
from projections.tree import Tree
from workflow.authority import Actor
from workflow.errors import NotAuthorised, NotFound

# --------------------------------------------------------------------------- parameters

ORG_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"  # workflow.commands.RegisterOrganisation.org_id
PROCEDURE_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*:[A-Za-z0-9._-]+$"  # "<union>:<kind>-<n>"
MAX_PAGE = 500

AlertKind = Literal[
    "A-TERM-DUE",
    "A-TERM-OVERDUE",
    "A-APPROVAL-PENDING",
    "A-VACANCY-OVERDUE",
    "A-NO-ANNUAL-CONGRESS",
    "A-PREP-STALLED",
    "A-LEGAL-PERSON",
]
ProcedureKind = Literal["founding", "reelection", "extension", "early_reelection", "by_election"]
assert set(get_args(AlertKind)) == set(ALERT_KINDS), "AlertKind must list projections.models.alerts.KINDS"
assert set(get_args(ProcedureKind)) == set(FLOWS), "ProcedureKind must list the procedure kinds (events.flows)"

# Every state a procedure of some kind can be in.
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


AsOfToday = Annotated[
    dt.date | None, Query(description="Business date asked about; default: today (the runtime's clock)")
]
AlertsRecordedAt = Annotated[
    dt.datetime | None,
    Query(
        description="Alerts as the system had recorded them by this time (backdated entries recorded later "
        "do not count). Answered for one union without organisations below it (`org`)."
    ),
]
Kinds = Annotated[list[AlertKind] | None, Query(description="Only these kinds (repeat the parameter)")]
HistoryRecordedAt = Annotated[
    dt.datetime | None, Query(description="Only the events the system had recorded by this time")
]


# --------------------------------------------------------------------------- problem responses

_PROBLEM_EXAMPLES: dict[int, dict[str, Any]] = {
    401: {
        "type": "https://unionflow.example/problems/unauthenticated",
        "title": "Authentication required",
        "status": 401,
        "detail": "a bearer token is required (Authorization: Bearer ...)",
    },
    403: {
        "type": "https://unionflow.example/problems/not-authorised",
        "title": "Not authorised",
        "status": 403,
        "detail": "staff have no inbox: filings wait on the higher-level union's approvers",
        "rule": "AUTH-ROLE",
        "evidence": {"role": "staff", "needed": "approver, auditor or admin"},
    },
    404: {
        "type": "https://unionflow.example/problems/not-found",
        "title": "Not found",
        "status": 404,
        "detail": "no organisation GD",
        "rule": "NOT-FOUND",
        "evidence": {"org_id": "GD"},
    },
    422: {
        "type": "https://unionflow.example/problems/validation",
        "title": "The request is not valid",
        "status": 422,
        "detail": "query.cursor: not a cursor from this API",
        "fields": ["query.cursor"],
        "errors": [{"field": "query.cursor", "message": "not a cursor from this API", "type": "value_error"}],
    },
    503: {
        "type": "https://unionflow.example/problems/store-busy",
        "title": "Store busy",
        "status": 503,
        "detail": "the database is busy: retry",
    },
}


def _problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    # The schema under the media type actually sent; `model` registers the component.
    ref = {"$ref": "#/components/schemas/Problem"}
    return {
        code: {"model": Problem, "content": {PROBLEM_JSON: {"schema": ref, "example": _PROBLEM_EXAMPLES[code]}}}
        for code in codes
    }


LIST_PROBLEMS = _problems(401, 404, 422, 503)
ROLE_LIST_PROBLEMS = _problems(401, 403, 404, 422, 503)


# --------------------------------------------------------------------------- response bodies

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")


class Organisation(BaseModel):
    """A register entry (`projections.queries.UnionRecord`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "U1",
                    "parent_id": "JA",
                    "path": "ACFTU/HB/WH/JA/U1/",
                    "depth": 4,
                    "name": "U1 工会",
                    "level": "grassroots",
                    "registered_on": "2018-01-01",
                    "unit_name": "江岸某科技有限公司",
                    "unit_type": "enterprise",
                    "employees": 120,
                    "members": 80,
                    "female_members": 12,
                    "has_party_org": True,
                    "form": "committee",
                    "congress_type": "members_meeting",
                    "committee": ["赵", "钱", "孙", "李", "周", "吴", "郑"],
                    "chair": "赵",
                    "vice_chairs": ["钱"],
                    "acting_chair": None,
                    "funds_review": ["冯", "陈", "褚"],
                    "funds_review_director": "冯",
                    "women_director": "孙",
                    "term_number": 1,
                    "term_start": "2019-03-01",
                    "term_years": 5,
                    "term_end": "2024-03-01",
                    "extension_until": None,
                    "deadline": "2024-03-01",
                    "founded_on": "2019-03-01",
                    "legal_person_no": None,
                    "legal_person_on": None,
                    "legal_person": False,
                    "last_congress_on": "2019-03-01",
                    "version": 14,
                    "href": "/unions/U1",
                }
            ]
        }
    )

    org_id: str
    parent_id: str | None
    path: str = Field(description="Materialised path: the ancestors' ids and its own, each followed by '/'")
    depth: int
    name: str
    level: str
    registered_on: dt.date
    unit_name: str | None
    unit_type: str | None
    employees: int | None
    members: int | None
    female_members: int | None
    has_party_org: bool | None
    form: str | None
    congress_type: str | None
    committee: list[str]
    chair: str | None
    vice_chairs: list[str]
    acting_chair: str | None
    funds_review: list[str]
    funds_review_director: str | None
    women_director: str | None
    term_number: int
    term_start: dt.date | None
    term_years: int | None
    term_end: dt.date | None
    extension_until: dt.date | None = Field(description="The approved extension's end (R-EXTENSION), if any")
    deadline: dt.date | None = Field(description="Term end, or the approved extension's end")
    founded_on: dt.date | None
    legal_person_no: str | None
    legal_person_on: dt.date | None
    legal_person: bool
    last_congress_on: dt.date | None
    version: int = Field(description="The union stream's version this record reflects")
    href: str


class ProcedureItem(BaseModel):
    """A procedure's status (`projections.queries.ProcedureStatus`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "procedure_id": "U1:founding-1",
                    "org_id": "U1",
                    "path": "ACFTU/HB/WH/JA/U1/",
                    "kind": "founding",
                    "state": "requested",
                    "closed": False,
                    "opened_on": "2019-01-05",
                    "last_moved_on": "2019-01-05",
                    "last_event": "FoundingRequested",
                    "waiting_on": "JA",
                    "waiting_for": "the preparatory group's approval",
                    "awaiting_approval": True,
                    "approver_org": "JA",
                    "filed_on": "2019-01-05",
                    "profile_name": "national",
                    "profile_version": 1,
                    "version": 2,
                    "href": "/procedures/U1:founding-1",
                }
            ]
        }
    )

    procedure_id: str
    org_id: str
    path: str
    kind: str
    state: str
    closed: bool
    opened_on: dt.date
    last_moved_on: dt.date
    last_event: str
    waiting_on: str | None = Field(description="The organisation that must act next; null when closed")
    waiting_for: str | None
    awaiting_approval: bool
    approver_org: str | None = Field(description="The direct higher-level union (R-APPROVER)")
    filed_on: dt.date | None
    profile_name: str
    profile_version: int
    version: int
    href: str


class InboxEntry(BaseModel):
    """A filing waiting on the approving organisation (`projections.queries.InboxItem`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "procedure_id": "U1:founding-1",
                    "org_id": "U1",
                    "kind": "founding",
                    "state": "requested",
                    "filing": "founding_request",
                    "waiting_for": "the preparatory group's approval",
                    "filing_event": "FoundingRequested",
                    "content": {"procedure_id": "U1:founding-1", "initiators": ["张三"], "evidence": []},
                    "filed_by": {"actor_id": "staff-U1", "role": "staff", "acting_org": "U1"},
                    "filed_on": "2019-01-05",
                    "waited_days": 20,
                    "reply_days": 15,
                    "overdue": True,
                    "href": "/procedures/U1:founding-1",
                }
            ]
        }
    )

    procedure_id: str
    org_id: str
    kind: str
    state: str
    filing: str
    waiting_for: str
    filing_event: str
    content: dict[str, Any] = Field(description="The filing event's payload, with its rule evidence")
    filed_by: dict[str, Any]
    filed_on: dt.date
    waited_days: int = Field(description="Days from the filing to today (the runtime's clock)")
    reply_days: int = Field(description="The reply window of the procedure's profile (A-APPROVAL-PENDING)")
    overdue: bool
    href: str


class AlertItem(BaseModel):
    """An alert that fires on the date asked about (RULES.md §6)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "A-TERM-OVERDUE",
                    "org_id": "U1",
                    "path": "ACFTU/HB/WH/JA/U1/",
                    "on": "2024-05-01",
                    "deadline": "2024-03-01",
                    "days_overdue": 61,
                    "rule": "R-TERM-END",
                    "procedure_id": None,
                    "window": "0 days",
                    "basis": "term 1 ends 2024-03-01",
                    "fires_from": "2024-03-02",
                    "fires_until": None,
                    "href": "/unions/U1",
                }
            ]
        }
    )

    kind: str
    org_id: str
    path: str
    on: dt.date
    deadline: dt.date
    days_overdue: int = Field(description="on - deadline; for A-TERM-DUE zero or negative (days left)")
    rule: str
    procedure_id: str | None
    window: str
    basis: str
    fires_from: dt.date
    fires_until: dt.date | None = Field(description="null: until something ends it")
    href: str


class AlertPage(Page[AlertItem]):
    as_of: dt.date
    recorded_at: dt.datetime | None = Field(description="Set when the alerts are as recorded by that time")


class AlertCounts(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org": "JA",
                    "as_of": "2024-05-01",
                    "recorded_at": None,
                    "counts": {k: (3 if k == "A-TERM-OVERDUE" else 0) for k in get_args(AlertKind)},
                    "total": 3,
                }
            ]
        }
    )

    org: str
    as_of: dt.date
    recorded_at: dt.datetime | None
    counts: dict[str, int] = Field(description="Every alert kind, with zero where none fires")
    total: int


class CoverageBody(BaseModel):
    """RULES.md §7 (`projections.queries.Coverage`); a rate is null when its denominator is 0."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org": "JA",
                    "as_of": "2024-05-01",
                    "units": 10,
                    "founded": 8,
                    "units_25": 6,
                    "founded_25": 6,
                    "members": 640,
                    "employees_unionised": 800,
                    "terms_ended": 4,
                    "terms_on_time": 3,
                    "founding_rate": 0.8,
                    "founding_rate_25": 1.0,
                    "membership_rate": 0.8,
                    "on_time_rate": 0.75,
                }
            ]
        }
    )

    org: str
    as_of: dt.date
    units: int = Field(description="Employing units registered (grassroots-level organisations)")
    founded: int
    units_25: int = Field(description="Units with 25 or more employees")
    founded_25: int
    members: int
    employees_unionised: int
    terms_ended: int
    terms_on_time: int = Field(description="Of those, re-elected by their deadline (R-ON-TIME)")
    founding_rate: float | None
    founding_rate_25: float | None
    membership_rate: float | None
    on_time_rate: float | None


class HistoryItem(BaseModel):
    """One event as an auditor reads it (`projections.replay.HistoryEntry`)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "position": 42,
                    "version": 2,
                    "event_type": "PreparatoryGroupApproved",
                    "occurred_on": "2019-01-10",
                    "recorded_at": "2019-01-10T08:30:00Z",
                    "actor_id": "approver-JA",
                    "role": "approver",
                    "acting_org": "JA",
                    "command_id": "5e0c...",
                    "correlation_id": "5e0c...",
                    "org_id": "U1",
                    "procedure_id": "U1:founding-1",
                    "evidence": [{"rule": "R-APPROVER", "approver_org": "JA"}],
                    "payload": {"procedure_id": "U1:founding-1", "document_no": "江工发〔2019〕1号"},
                    "hash": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                }
            ]
        }
    )

    position: int = Field(description="Place in the whole log")
    version: int = Field(description="Place in the union's stream")
    event_type: str
    occurred_on: dt.date = Field(description="Business date")
    recorded_at: dt.datetime = Field(description="When the system recorded it (UTC)")
    actor_id: str = Field(description="The person who acted")
    role: str
    acting_org: str | None = Field(description="The organisation they acted for")
    command_id: str | None
    correlation_id: str | None
    org_id: str
    procedure_id: str | None
    evidence: list[dict[str, Any]] = Field(description="The rule evidence the event carries")
    payload: dict[str, Any]
    hash: str = Field(description="SHA-256 over the event and the previous hash in its stream")


class HistoryPage(Page[HistoryItem]):
    org_id: str
    procedure_id: str | None
    recorded_at: dt.datetime | None


class TermItem(BaseModel):
    term_no: int
    start: dt.date
    years: int
    end: dt.date = Field(description="R-TERM-END: start plus the term's years")
    deadline: dt.date = Field(description="The end, or the approved extension's end (R-EXTENSION)")
    extended: bool
    started_by: str = Field(description='The procedure whose approval started it, or "import"')
    started_on: dt.date
    succeeded_on: dt.date | None = Field(description="The next term's start (its congress date)")
    succeeded_approved_on: dt.date | None
    on_time: bool | None = Field(description="Succeeded by its deadline (R-ON-TIME); null while current")


class TermsTimeline(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "org_id": "U1",
                    "current_term": 1,
                    "deadline": "2024-09-01",
                    "extension_until": "2024-09-01",
                    "terms": [
                        {
                            "term_no": 1,
                            "start": "2019-03-01",
                            "years": 5,
                            "end": "2024-03-01",
                            "deadline": "2024-09-01",
                            "extended": True,
                            "started_by": "U1:founding-1",
                            "started_on": "2019-03-20",
                            "succeeded_on": None,
                            "succeeded_approved_on": None,
                            "on_time": None,
                        }
                    ],
                }
            ]
        }
    )

    org_id: str
    current_term: int | None
    deadline: dt.date | None
    extension_until: dt.date | None
    terms: list[TermItem]


# --------------------------------------------------------------------------- helpers


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _today(request: Request) -> dt.date:
    """Business "today" from the runtime's clock (tests fix it), never the machine's."""
    return _runtime(request).service.clock()


@contextmanager
def _read(request: Request) -> Iterator[Connection]:
    with _runtime(request).engine.connect() as conn:
        yield conn


def _invalid(field: str, message: str) -> RequestValidationError:
    """A 422 naming the field, in the same shape as FastAPI's own validation errors."""
    return RequestValidationError([{"loc": tuple(field.split(".")), "msg": message, "type": "value_error"}])


def _not_found(org_id: str) -> NotFound:
    return NotFound("NOT-FOUND", f"no organisation {org_id}", {"org_id": org_id})


@dataclass(frozen=True)
class Scope:
    """The organisation a read is about, once the caller may see it."""

    org_id: str
    path: str
    level: str
    own_only: bool  # staff: their own organisation, nothing below it


def _within(actor: Actor, org_id: str, path: str) -> bool:
    if org_id == actor.org_id:
        return True
    return actor.role != "staff" and actor.org_id in path.split("/")[:-1]


def _scope(conn: Connection, actor: Actor, org: str | None) -> Scope:
    """`org` (default: the caller's organisation) if the caller may read it, else 404 as if it
    did not exist (the same answer as `api.auth.may_read` gives `GET /unions/{id}`)."""
    org_id = org or actor.org_id
    tree = Tree()
    tree.conn = conn
    info = tree.info(org_id)
    if info is None or not _within(actor, org_id, info.path):
        raise _not_found(org_id)
    return Scope(org_id, info.path, info.level, own_only=actor.role == "staff")


def _own_only(items: list[T], next_cursor: str | None, scope: Scope, org_of: Callable[[T], str]) -> queries.Page[T]:
    """Staff see their own organisation's rows only. Lists come in tree order and an
    organisation's path sorts before every path below it, so its own rows come first: once a row
    of another organisation shows up, the list is done."""
    if not scope.own_only:
        return queries.Page(items, next_cursor)
    own = [i for i in items if org_of(i) == scope.org_id]
    return queries.Page(own, next_cursor if len(own) == len(items) else None)


# Cursor shapes: the sort key of each list (projections.queries), element by element.
_TEXT, _INT, _DATE = "text", "int", "date"


def _check_cursor(cursor: str | None, shape: Sequence[str]) -> list[Any] | None:
    """Decode a cursor (url-safe base64 of a JSON list: the last row's sort key, as
    `projections.queries` writes it) and check it fits this list, so that no malformed cursor
    reaches the database as a comparison it cannot make."""
    if cursor is None:
        return None
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor.encode("ascii")))
    except Exception:
        values = None
    ok = isinstance(values, list) and len(values) == len(shape)
    if ok:
        assert isinstance(values, list)
        for value, kind in zip(values, shape, strict=True):
            if kind == _INT:
                ok = ok and isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**62
            elif kind == _TEXT:
                ok = ok and isinstance(value, str) and "\x00" not in value and len(value) <= 2000
            else:
                ok = ok and isinstance(value, str) and _is_date(value)
    if not ok:
        raise _invalid("query.cursor", "not a cursor from this list: pass back the `next_cursor` of the page before")
    return values


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _encode_cursor(values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(values))).decode()


def _link_next(request: Request, response: Response, next_cursor: str | None) -> None:
    if next_cursor is not None:
        response.headers["Link"] = f'<{request.url.include_query_params(cursor=next_cursor)}>; rel="next"'


def _recorded_until(value: dt.datetime | None) -> dt.datetime | None:
    """`recorded_at` as the store compares it (naive UTC); 422 if it cannot be one."""
    if value is None or value.tzinfo is None:
        return value
    try:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    except OverflowError:
        raise _invalid("query.recorded_at", "out of range once converted to UTC") from None


def _organisation(r: queries.UnionRecord) -> dict[str, Any]:
    return asdict(r) | {"legal_person": r.legal_person, "href": f"/unions/{r.org_id}"}


def _procedure(p: queries.ProcedureStatus) -> dict[str, Any]:
    return asdict(p) | {"href": f"/procedures/{p.procedure_id}"}


def _alert(a: queries.Alert) -> dict[str, Any]:
    return asdict(a) | {"href": f"/unions/{a.org_id}"}


def _history_item(e: replay.HistoryEntry) -> dict[str, Any]:
    return asdict(e)


# --------------------------------------------------------------------------- queries of our own

_P = schema.procedures


def _procedure_page(
    conn: Connection,
    scope: Scope,
    *,
    kind: str | None,
    state: str | None,
    moved_since: dt.date | None,
    moved_until: dt.date | None,
    waiting_on: str | None,
    limit: int,
    after: list[Any] | None,
) -> queries.Page[queries.ProcedureStatus]:
    """Procedures in tree order: the subtree's path range and a keyset on (path, procedure_id),
    the index `ix_proj_procedures_path`; the other filters narrow that range."""
    key = (_P.c.path, _P.c.procedure_id)
    q = sa.select(_P).where(*queries.subtree_filter(conn, _P.c.path, scope.org_id))
    if scope.own_only:
        q = q.where(_P.c.org_id == scope.org_id)
    if after is not None:
        q = q.where(sa.tuple_(*key) > sa.tuple_(*(sa.literal(v, c.type) for v, c in zip(after, key, strict=True))))
    if kind is not None:
        q = q.where(_P.c.kind == kind)
    if state is not None:
        q = q.where(_P.c.state == state)
    if moved_since is not None:
        q = q.where(_P.c.last_moved_on >= moved_since)
    if moved_until is not None:
        q = q.where(_P.c.last_moved_on <= moved_until)
    if waiting_on is not None:
        q = q.where(_P.c.waiting_on == waiting_on)
    rows = list(conn.execute(q.order_by(*key).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = _encode_cursor([rows[-1].path, rows[-1].procedure_id]) if more else None
    return queries.Page([queries.procedure_record(r._mapping) for r in rows], nxt)


def _has_children(conn: Connection, org_id: str) -> bool:
    o = schema.orgs
    return conn.execute(sa.select(o.c.org_id).where(o.c.parent_id == org_id).limit(1)).first() is not None


def _alerts_as_recorded(
    request: Request, conn: Connection, scope: Scope, on: dt.date, recorded_at: dt.datetime, kinds: Sequence[str]
) -> list[queries.Alert]:
    """The alerts of one union as the system had recorded them by `recorded_at`: its stream up to
    then, folded through the alerts projection (`projections.replay.union_as_of`). A subtree as
    recorded means replaying the whole log (`projections.replay.alerts_as_recorded`): an offline
    audit, not something to serve per request."""
    if _has_children(conn, scope.org_id):
        raise _invalid(
            "query.recorded_at",
            f"alerts as recorded are answered for one union without organisations below it; {scope.org_id} has "
            "some: ask for each union, or replay the subtree offline (projections.replay.alerts_as_recorded)",
        )
    snapshot = replay.union_as_of(_runtime(request).store, scope.org_id, recorded_until=recorded_at)
    return [a for a in snapshot.alerts(on) if not kinds or a.kind in kinds]


# --------------------------------------------------------------------------- routes


def add_read_routes(app: FastAPI) -> None:
    """Install the read endpoints of issue 5 on `app` (called by `api.app.create_app`)."""

    @app.get(
        "/organisations",
        tags=["reads"],
        summary="The register: organisations of a subtree, in tree order (a parent before its children)",
        response_model=Page[Organisation],
        responses=LIST_PROBLEMS,
    )
    def list_organisations(
        request: Request,
        response: Response,
        actor: CurrentActor,
        org: OrgParam = None,
        level: Annotated[OrgLevel | None, Query(description="Only organisations of this level")] = None,
        cursor: Cursor = None,
        limit: Limit = 100,
    ) -> Any:
        after = _check_cursor(cursor, (_TEXT,))
        with _read(request) as conn:
            scope = _scope(conn, actor, org)
            page = queries.register(conn, scope.org_id, level=level, limit=limit, cursor=cursor if after else None)
        result = _own_only(page.items, page.next_cursor, scope, lambda r: r.org_id)
        _link_next(request, response, result.next_cursor)
        return {"items": [_organisation(r) for r in result.items], "next_cursor": result.next_cursor}

    @app.get(
        "/procedures",
        tags=["reads"],
        summary="Procedures of a subtree with their status, in tree order",
        response_model=Page[ProcedureItem],
        responses=LIST_PROBLEMS,
    )
    def list_procedures(
        request: Request,
        response: Response,
        actor: CurrentActor,
        org: OrgParam = None,
        kind: Annotated[ProcedureKind | None, Query(description="Only procedures of this kind")] = None,
        state: Annotated[str | None, Query(max_length=60, description="Only procedures in this state")] = None,
        moved_since: Annotated[dt.date | None, Query(description="Last step on or after this date")] = None,
        moved_until: Annotated[dt.date | None, Query(description="Last step on or before this date")] = None,
        waiting_on: Annotated[
            str | None,
            Query(
                max_length=120,
                pattern=ORG_ID_PATTERN,
                description="Only procedures waiting on this organisation (an approver, or the union itself)",
            ),
        ] = None,
        cursor: Cursor = None,
        limit: Limit = 100,
    ) -> Any:
        if state is not None and state not in PROCEDURE_STATES:
            raise _invalid("query.state", f"unknown state {state!r}; known: {', '.join(sorted(PROCEDURE_STATES))}")
        if moved_since is not None and moved_until is not None and moved_until < moved_since:
            raise _invalid("query.moved_until", f"{moved_until} is before moved_since {moved_since}")
        after = _check_cursor(cursor, (_TEXT, _TEXT))
        with _read(request) as conn:
            scope = _scope(conn, actor, org)
            page = _procedure_page(
                conn,
                scope,
                kind=kind,
                state=state,
                moved_since=moved_since,
                moved_until=moved_until,
                waiting_on=waiting_on,
                limit=limit,
                after=after,
            )
        _link_next(request, response, page.next_cursor)
        return {"items": [_procedure(p) for p in page.items], "next_cursor": page.next_cursor}

    @app.get(
        "/inbox",
        tags=["reads"],
        summary="The filings waiting on an approving organisation, oldest first (R-APPROVER)",
        description="Approvers read their own organisation's inbox; auditors and administrators any "
        "organisation's in their subtree; staff have none (403).",
        response_model=Page[InboxEntry],
        responses=ROLE_LIST_PROBLEMS,
    )
    def get_inbox(
        request: Request,
        response: Response,
        actor: CurrentActor,
        org: Annotated[
            str | None,
            Query(max_length=120, pattern=ORG_ID_PATTERN, description="The approving organisation; default: yours"),
        ] = None,
        cursor: Cursor = None,
        limit: Limit = 100,
    ) -> Any:
        if actor.role == "staff":
            raise NotAuthorised(
                "AUTH-ROLE",
                "staff have no inbox: filings wait on the higher-level union's approvers",
                {"role": actor.role, "needed": "approver, auditor or admin"},
            )
        after = _check_cursor(cursor, (_DATE, _TEXT))
        with _read(request) as conn:
            scope = _scope(conn, actor, org)
            if actor.role == "approver" and scope.org_id != actor.org_id:
                raise NotAuthorised(
                    "R-APPROVER",
                    f"approvers of {actor.org_id} read their own organisation's inbox, not {scope.org_id}'s",
                    {"actor_org": actor.org_id, "org": scope.org_id},
                )
            page = queries.inbox(conn, scope.org_id, on=_today(request), limit=limit, cursor=cursor if after else None)
        _link_next(request, response, page.next_cursor)
        items = [asdict(i) | {"overdue": i.overdue, "href": f"/procedures/{i.procedure_id}"} for i in page.items]
        return {"items": items, "next_cursor": page.next_cursor}

    @app.get(
        "/alerts",
        tags=["reads"],
        summary="Alerts that fire on a date in a subtree, in tree order (RULES.md §6)",
        response_model=AlertPage,
        responses=LIST_PROBLEMS,
    )
    def list_alerts(
        request: Request,
        response: Response,
        actor: CurrentActor,
        as_of: AsOfToday = None,
        org: OrgParam = None,
        kind: Kinds = None,
        recorded_at: AlertsRecordedAt = None,
        cursor: Cursor = None,
        limit: Limit = 100,
    ) -> Any:
        on = as_of or _today(request)
        kinds = sorted(set(kind or []))
        until = _recorded_until(recorded_at)
        after = _check_cursor(cursor, (_TEXT, _TEXT, _INT))
        with _read(request) as conn:
            scope = _scope(conn, actor, org)
            if until is not None:
                if cursor is not None:
                    raise _invalid("query.cursor", "alerts as recorded come in one page: there is no next page")
                items = _alerts_as_recorded(request, conn, scope, on, until, kinds)
                page = queries.Page(items, None)
            else:
                found = queries.alerts(
                    conn, on, scope.org_id, kinds or None, limit=limit, cursor=cursor if after else None
                )
                page = _own_only(found.items, found.next_cursor, scope, lambda a: a.org_id)
        _link_next(request, response, page.next_cursor)
        return {
            "items": [_alert(a) for a in page.items],
            "next_cursor": page.next_cursor,
            "as_of": on,
            "recorded_at": recorded_at,
        }

    @app.get(
        "/alerts/counts",
        tags=["reads"],
        summary="How many alerts of each kind fire on a date in a subtree",
        response_model=AlertCounts,
        responses=LIST_PROBLEMS,
    )
    def count_alerts(
        request: Request,
        actor: CurrentActor,
        as_of: AsOfToday = None,
        org: OrgParam = None,
        recorded_at: AlertsRecordedAt = None,
    ) -> Any:
        on = as_of or _today(request)
        until = _recorded_until(recorded_at)
        counts = dict.fromkeys(get_args(AlertKind), 0)
        with _read(request) as conn:
            scope = _scope(conn, actor, org)
            if until is not None:
                for a in _alerts_as_recorded(request, conn, scope, on, until, ()):
                    counts[a.kind] = counts.get(a.kind, 0) + 1
            elif scope.own_only:
                # Staff: their own organisation's alerts, which come first in its subtree's range.
                cursor: str | None = None
                while True:
                    found = queries.alerts(conn, on, scope.org_id, limit=MAX_PAGE, cursor=cursor)
                    page = _own_only(found.items, found.next_cursor, scope, lambda a: a.org_id)
                    for a in page.items:
                        counts[a.kind] = counts.get(a.kind, 0) + 1
                    if page.next_cursor is None:
                        break
                    cursor = page.next_cursor
            else:
                counts |= queries.alert_counts(conn, on, scope.org_id)
        return {
            "org": scope.org_id,
            "as_of": on,
            "recorded_at": recorded_at,
            "counts": counts,
            "total": sum(counts.values()),
        }

    @app.get(
        "/coverage",
        tags=["reads"],
        summary="Founding, membership and on-time re-election rates of a subtree (RULES.md §7)",
        description="For approvers, auditors and administrators (a figure over many units: staff get 403).",
        response_model=CoverageBody,
        responses=ROLE_LIST_PROBLEMS,
    )
    def get_coverage(
        request: Request,
        actor: CurrentActor,
        org: OrgParam = None,
        as_of: AsOfToday = None,
    ) -> Any:
        if actor.role == "staff":
            raise NotAuthorised(
                "AUTH-ROLE",
                "coverage is a figure over the units of a subtree: for approvers, auditors and administrators",
                {"role": actor.role, "needed": "approver, auditor or admin"},
            )
        on = as_of or _today(request)
        with _read(request) as conn:
            scope = _scope(conn, actor, org)
            cov = queries.coverage(conn, scope.org_id, on)
        body = asdict(cov)
        del body["subtree"], body["on"]
        return body | {
            "org": scope.org_id,
            "as_of": on,
            "founding_rate": cov.founding_rate,
            "founding_rate_25": cov.founding_rate_25,
            "membership_rate": cov.membership_rate,
            "on_time_rate": cov.on_time_rate,
        }

    def history_page(
        request: Request,
        response: Response,
        actor: CurrentActor,
        union_id: str,
        procedure_id: str | None,
        recorded_at: dt.datetime | None,
        cursor: str | None,
        limit: int,
    ) -> dict[str, Any]:
        after = _check_cursor(cursor, (_INT,))
        until = _recorded_until(recorded_at)
        with _read(request) as conn:
            _scope(conn, actor, union_id)
            if procedure_id is not None and queries.procedure_status(conn, procedure_id) is None:
                raise NotFound("NOT-FOUND", f"no procedure {procedure_id}", {"procedure_id": procedure_id})
        # One union's stream (tens to hundreds of events): read whole, paged by version.
        entries = replay.history(_runtime(request).store, union_id, procedure_id, recorded_until=until)
        if after is not None:
            entries = [e for e in entries if e.version > after[0]]
        more = len(entries) > limit
        entries = entries[:limit]
        nxt = _encode_cursor([entries[-1].version]) if more else None
        _link_next(request, response, nxt)
        return {
            "items": [_history_item(e) for e in entries],
            "next_cursor": nxt,
            "org_id": union_id,
            "procedure_id": procedure_id,
            "recorded_at": recorded_at,
        }

    @app.get(
        "/unions/{union_id}/history",
        tags=["audit"],
        summary="Every event of a union, in the order recorded: who, role, organisation, dates, evidence, hash",
        response_model=HistoryPage,
        responses=LIST_PROBLEMS,
    )
    def union_history(
        request: Request,
        response: Response,
        union_id: UnionId,
        actor: CurrentActor,
        recorded_at: HistoryRecordedAt = None,
        cursor: Cursor = None,
        limit: Limit = 100,
    ) -> Any:
        return history_page(request, response, actor, union_id, None, recorded_at, cursor, limit)

    @app.get(
        "/procedures/{procedure_id}/history",
        tags=["audit"],
        summary="Every event of one procedure, in the order recorded",
        response_model=HistoryPage,
        responses=LIST_PROBLEMS,
    )
    def procedure_history(
        request: Request,
        response: Response,
        procedure_id: ProcedureId,
        actor: CurrentActor,
        recorded_at: HistoryRecordedAt = None,
        cursor: Cursor = None,
        limit: Limit = 100,
    ) -> Any:
        return history_page(request, response, actor, union_of(procedure_id), procedure_id, recorded_at, cursor, limit)

    @app.get(
        "/unions/{union_id}/terms",
        tags=["reads"],
        summary="A union's terms and extensions, oldest first (R-TERM, R-TERM-END, R-EXTENSION)",
        response_model=TermsTimeline,
        responses=LIST_PROBLEMS,
    )
    def union_terms(request: Request, union_id: UnionId, actor: CurrentActor) -> Any:
        with _read(request) as conn:
            _scope(conn, actor, union_id)
            record = queries.union(conn, union_id)
            terms = queries.terms(conn, union_id)
        return {
            "org_id": union_id,
            "current_term": record.term_number if record is not None and record.term_start is not None else None,
            "deadline": record.deadline if record is not None else None,
            "extension_until": record.extension_until if record is not None else None,
            "terms": [
                asdict(t) | {"on_time": None if t.succeeded_on is None else t.succeeded_on <= t.deadline} for t in terms
            ],
        }
