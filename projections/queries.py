"""Questions the read models answer, as plain functions over an engine or connection.

Lists come in pages with a keyset cursor (opaque text: the last row's sort key), so page 1,000 costs
what page 1 costs. `subtree` is an organisation id; its materialised path (from the log, see
`projections.tree`) turns "everything under it" into an index range. Dates are business dates."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from projections import schema
from projections.tree import Tree, subtree_range

T = TypeVar("T")
Bind = Engine | Connection
OPEN_DATE = dt.date(9999, 12, 31)


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None  # pass back as `cursor` for the next page; None on the last page


@contextmanager
def _connect(bind: Bind) -> Iterator[Connection]:
    if isinstance(bind, Connection):
        yield bind
    else:
        with bind.connect() as conn:
            yield conn


def _encode(values: Sequence[Any]) -> str:
    raw = orjson.dumps([v.isoformat() if isinstance(v, dt.date) else v for v in values])
    return base64.urlsafe_b64encode(raw).decode()


def _decode(cursor: str) -> list[Any]:
    try:
        values = orjson.loads(base64.urlsafe_b64decode(cursor.encode()))
    except Exception as exc:
        raise ValueError(f"not a cursor from this API: {cursor!r}") from exc
    if not isinstance(values, list):
        raise ValueError(f"not a cursor from this API: {cursor!r}")
    return values


def _after(columns: Sequence[sa.ColumnElement[Any]], cursor: str | None) -> list[sa.ColumnElement[bool]]:
    if cursor is None:
        return []
    values = _decode(cursor)
    if len(values) != len(columns):
        raise ValueError("cursor does not fit this query")
    bound = [
        sa.literal(_date(v) if isinstance(c.type, sa.Date) else v, c.type) for v, c in zip(values, columns, strict=True)
    ]
    return [sa.tuple_(*columns) > sa.tuple_(*bound)]


def _page(rows: list[Any], limit: int | None, key: Any) -> tuple[list[Any], str | None]:
    if limit is not None and len(rows) > limit:
        rows = rows[:limit]
        return rows, _encode(key(rows[-1]))
    return rows, None


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def subtree_filter(
    conn: Connection, column: sa.ColumnElement[str], subtree: str | None
) -> list[sa.ColumnElement[bool]]:
    """`column` within the subtree rooted at organisation `subtree` (LookupError if unknown)."""
    if subtree is None:
        return []
    tree = Tree()
    tree.conn = conn
    info = tree.info(subtree)
    if info is None:
        raise LookupError(f"no organisation {subtree!r}")
    low, high = subtree_range(info.path)
    return [column >= low, column < high]


# --------------------------------------------------------------------------- alerts (RULES.md §6)


@dataclass(frozen=True)
class Alert:
    kind: str  # A-TERM-DUE, A-TERM-OVERDUE, ...
    org_id: str
    path: str
    on: dt.date  # the date asked about
    deadline: dt.date
    days_overdue: int  # on - deadline; for A-TERM-DUE zero or negative (days left)
    rule: str
    procedure_id: str | None
    window: str
    basis: str  # what the deadline counts from, e.g. "term 2 ends 2024-03-01"
    fires_from: dt.date
    fires_until: dt.date | None  # None: until something ends it


_A = schema.alerts
_ALERT_COLUMNS = (
    _A.c.org_id,
    _A.c.kind,
    _A.c.seq,
    _A.c.path,
    _A.c.deadline,
    _A.c.rule,
    _A.c.procedure_id,
    _A.c.window,
    _A.c.basis,
    _A.c.fires_from,
    _A.c.fires_until,
)


def _firing(conn: Connection, on: dt.date, subtree: str | None) -> list[sa.ColumnElement[bool]]:
    """The alert periods that fire on `on` for unions in `subtree`: each stored period says when
    it fires, so any date costs the same."""
    return [_A.c.fires_from <= on, _A.c.fires_until >= on, *subtree_filter(conn, _A.c.path, subtree)]


def alerts(
    bind: Bind,
    on: dt.date | None = None,
    subtree: str | None = None,
    kinds: Sequence[str] | None = None,
    *,
    limit: int | None = 100,
    cursor: str | None = None,
) -> Page[Alert]:
    """The alerts that fire on `on` (default today) for unions in `subtree` (default: all), in
    tree order. The same query answers for any date: each stored period says when it fires."""
    on = on or dt.date.today()
    with _connect(bind) as conn:
        key = (_A.c.path, _A.c.kind, _A.c.seq)
        q = sa.select(*_ALERT_COLUMNS).where(*_firing(conn, on, subtree), *_after(key, cursor))
        if kinds:
            q = q.where(_A.c.kind.in_(list(kinds)))
        q = q.order_by(*key)
        if limit is not None:
            q = q.limit(limit + 1)
        rows, nxt = _page(list(conn.execute(q)), limit, lambda r: (r.path, r.kind, r.seq))
    return Page([alert_record(r._mapping, on) for r in rows], nxt)


def worst_alerts(bind: Bind, on: dt.date, subtree: str | None, *, limit: int = 10) -> list[Alert]:
    """The `limit` alerts of `subtree` on `on` with the earliest deadlines (the most days
    overdue): a dashboard's short list. The full list pages in tree order (`alerts`)."""
    with _connect(bind) as conn:
        q = (
            sa.select(*_ALERT_COLUMNS)
            .where(*_firing(conn, on, subtree))
            .order_by(_A.c.deadline, _A.c.path, _A.c.kind, _A.c.seq)
            .limit(limit)
        )
        return [alert_record(r._mapping, on) for r in conn.execute(q)]


def alert_record(r: Mapping[Any, Any], on: dt.date) -> Alert:
    """An alert period row (from the table or from a replay) as the alert it is on `on`."""
    deadline = _date(r["deadline"])
    until = _date(r["fires_until"])
    assert deadline is not None
    return Alert(
        kind=r["kind"],
        org_id=r["org_id"],
        path=r["path"],
        on=on,
        deadline=deadline,
        days_overdue=(on - deadline).days,
        rule=r["rule"],
        procedure_id=r["procedure_id"],
        window=r["window"],
        basis=r["basis"],
        fires_from=_date(r["fires_from"]),  # type: ignore[arg-type]
        fires_until=None if until == OPEN_DATE else until,
    )


AlertCounts = dict[str, int]


def alert_counts(bind: Bind, on: dt.date | None = None, subtree: str | None = None) -> AlertCounts:
    """How many alerts of each kind fire on `on` in `subtree`."""
    on = on or dt.date.today()
    with _connect(bind) as conn:
        q = sa.select(_A.c.kind, sa.func.count()).where(*_firing(conn, on, subtree)).group_by(_A.c.kind)
        return {k: int(n) for k, n in conn.execute(q)}


# --------------------------------------------------------------------------- procedures and inbox


@dataclass(frozen=True)
class ProcedureStatus:
    procedure_id: str
    org_id: str
    path: str
    kind: str
    state: str
    closed: bool
    opened_on: dt.date
    last_moved_on: dt.date
    last_event: str
    waiting_on: str | None  # who must act next: the higher-level union, the union, or nobody
    waiting_for: str | None
    awaiting_approval: bool
    approver_org: str | None
    filed_on: dt.date | None
    profile_name: str
    profile_version: int
    version: int  # the union stream's version of the procedure's last event


_P = schema.procedures


def procedure_record(r: Mapping[Any, Any]) -> ProcedureStatus:
    """A procedures row (from the table or from a replay) as a status."""
    return ProcedureStatus(
        procedure_id=r["procedure_id"],
        org_id=r["org_id"],
        path=r["path"],
        kind=r["kind"],
        state=r["state"],
        closed=bool(r["closed"]),
        opened_on=_date(r["opened_on"]),  # type: ignore[arg-type]
        last_moved_on=_date(r["last_moved_on"]),  # type: ignore[arg-type]
        last_event=r["last_event"],
        waiting_on=r["waiting_on"],
        waiting_for=r["waiting_for"],
        awaiting_approval=r["inbox_org"] is not None,
        approver_org=r["approver_org"],
        filed_on=_date(r["filed_on"]),
        profile_name=r["profile_name"],
        profile_version=r["profile_version"],
        version=r["last_version"],
    )


def procedure_status(bind: Bind, procedure_id: str) -> ProcedureStatus | None:
    with _connect(bind) as conn:
        r = conn.execute(sa.select(_P).where(_P.c.procedure_id == procedure_id)).first()
    return procedure_record(r._mapping) if r is not None else None


def procedures(
    bind: Bind,
    subtree: str | None = None,
    *,
    org_id: str | None = None,
    kind: str | None = None,
    state: str | None = None,
    open_only: bool = False,
    limit: int | None = 100,
    cursor: str | None = None,
) -> Page[ProcedureStatus]:
    """Procedures in tree order, filtered by subtree, union, kind, state, open or not."""
    with _connect(bind) as conn:
        key = (_P.c.path, _P.c.procedure_id)
        q = sa.select(_P).where(*subtree_filter(conn, _P.c.path, subtree), *_after(key, cursor))
        if org_id is not None:
            q = q.where(_P.c.org_id == org_id)
        if kind is not None:
            q = q.where(_P.c.kind == kind)
        if state is not None:
            q = q.where(_P.c.state == state)
        if open_only:
            q = q.where(_P.c.closed == sa.false())
        q = q.order_by(*key)
        if limit is not None:
            q = q.limit(limit + 1)
        rows, nxt = _page(list(conn.execute(q)), limit, lambda r: (r.path, r.procedure_id))
    return Page([procedure_record(r._mapping) for r in rows], nxt)


@dataclass(frozen=True)
class InboxItem:
    procedure_id: str
    org_id: str
    kind: str
    state: str
    filing: str  # what waits: founding_request, results, extension, ... (events.catalogue.FILING_EVENTS)
    waiting_for: str
    filing_event: str
    content: dict[str, Any]  # the filing event's payload, with its rule evidence
    filed_by: dict[str, Any]
    filed_on: dt.date
    waited_days: int
    reply_days: int  # the reply window of the procedure's profile (A-APPROVAL-PENDING)

    @property
    def overdue(self) -> bool:
        return self.waited_days > self.reply_days


def inbox(
    bind: Bind,
    approver_org: str,
    *,
    on: dt.date | None = None,
    limit: int | None = 100,
    cursor: str | None = None,
) -> Page[InboxItem]:
    """The filings waiting on `approver_org` (R-APPROVER: it decides those of the unions directly
    below it), oldest first, with how long each has waited on `on` (default today)."""
    on = on or dt.date.today()
    with _connect(bind) as conn:
        key = (_P.c.filed_on, _P.c.procedure_id)
        q = sa.select(_P).where(_P.c.inbox_org == approver_org, *_after(key, cursor)).order_by(*key)
        if limit is not None:
            q = q.limit(limit + 1)
        rows, nxt = _page(list(conn.execute(q)), limit, lambda r: (_date(r.filed_on), r.procedure_id))
    items = []
    for r in rows:
        filed = _date(r.filed_on)
        assert filed is not None
        items.append(
            InboxItem(
                procedure_id=r.procedure_id,
                org_id=r.org_id,
                kind=r.kind,
                state=r.state,
                filing=r.filing,
                waiting_for=r.waiting_for,
                filing_event=r.filing_event,
                content=orjson.loads(r.filing_content),
                filed_by=orjson.loads(r.filed_by),
                filed_on=filed,
                waited_days=(on - filed).days,
                reply_days=r.reply_days,
            )
        )
    return Page(items, nxt)


# --------------------------------------------------------------------------- register


@dataclass(frozen=True)
class UnionRecord:
    org_id: str
    parent_id: str | None
    path: str
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
    extension_until: dt.date | None  # the approved extension's end (R-EXTENSION), if any
    deadline: dt.date | None  # term end, or the approved extension's end
    founded_on: dt.date | None
    legal_person_no: str | None
    legal_person_on: dt.date | None
    last_congress_on: dt.date | None
    version: int  # the union stream's version the record reflects

    @property
    def legal_person(self) -> bool:
        return self.legal_person_no is not None


_O = schema.orgs
_DATE_FIELDS = {c.name for c in _O.columns if isinstance(c.type, sa.Date)}
_LIST_FIELDS = ("committee", "vice_chairs", "funds_review")


def union_record(row: Mapping[Any, Any]) -> UnionRecord:
    """A register row (from the table or from a replay) as a record."""
    values = {k: v for k, v in row.items() if k not in ("internal", "stream_version")}
    for k in _DATE_FIELDS:
        values[k] = _date(values[k])
    for k in _LIST_FIELDS:
        values[k] = orjson.loads(values[k]) if values[k] else []
    values["has_party_org"] = None if values["has_party_org"] is None else bool(values["has_party_org"])
    return UnionRecord(**values, version=row["stream_version"])


def union(bind: Bind, org_id: str) -> UnionRecord | None:
    with _connect(bind) as conn:
        r = conn.execute(sa.select(_O).where(_O.c.org_id == org_id)).first()
    return union_record(dict(r._mapping)) if r is not None else None


def register(
    bind: Bind,
    subtree: str | None = None,
    *,
    level: str | None = None,
    founded: bool | None = None,
    limit: int | None = 100,
    cursor: str | None = None,
) -> Page[UnionRecord]:
    """Organisations in tree order (a parent before its children)."""
    with _connect(bind) as conn:
        q = sa.select(_O).where(*subtree_filter(conn, _O.c.path, subtree), *_after((_O.c.path,), cursor))
        if level is not None:
            q = q.where(_O.c.level == level)
        if founded is not None:
            q = q.where(_O.c.founded_on.is_not(None) if founded else _O.c.founded_on.is_(None))
        q = q.order_by(_O.c.path)
        if limit is not None:
            q = q.limit(limit + 1)
        rows, nxt = _page(list(conn.execute(q)), limit, lambda r: (r.path,))
    return Page([union_record(dict(r._mapping)) for r in rows], nxt)


@dataclass(frozen=True)
class Term:
    org_id: str
    term_no: int
    start: dt.date
    years: int
    end: dt.date
    deadline: dt.date
    extended: bool
    started_by: str
    started_on: dt.date
    succeeded_on: dt.date | None
    succeeded_approved_on: dt.date | None


_T = schema.terms


def terms(bind: Bind, org_id: str) -> list[Term]:
    with _connect(bind) as conn:
        rows = conn.execute(sa.select(_T).where(_T.c.org_id == org_id).order_by(_T.c.term_no)).all()
    return [term_record(r._mapping) for r in rows]


def term_record(r: Mapping[Any, Any]) -> Term:
    return Term(
        org_id=r["org_id"],
        term_no=r["term_no"],
        start=_date(r["start"]),  # type: ignore[arg-type]
        years=r["years"],
        end=_date(r["end"]),  # type: ignore[arg-type]
        deadline=_date(r["deadline"]),  # type: ignore[arg-type]
        extended=bool(r["extended"]),
        started_by=r["started_by"],
        started_on=_date(r["started_on"]),  # type: ignore[arg-type]
        succeeded_on=_date(r["succeeded_on"]),
        succeeded_approved_on=_date(r["succeeded_approved_on"]),
    )


# --------------------------------------------------------------------------- coverage (RULES.md §7)


@dataclass(frozen=True)
class Coverage:
    """RULES.md §7, following the seed plans' wording. Units are the employing units registered
    (grassroots-level organisations of level "grassroots"); members and employees are current."""

    subtree: str | None
    on: dt.date
    units: int
    founded: int
    units_25: int  # units with 25 or more employees
    founded_25: int
    members: int  # members of the founded unions
    employees_unionised: int  # employees of the units with a founded union
    terms_ended: int  # terms whose deadline passed, or that were succeeded, by `on`
    terms_on_time: int  # of those, succeeded by a congress on or before their deadline (R-ON-TIME)

    @staticmethod
    def _rate(a: int, b: int) -> float | None:
        return a / b if b else None

    @property
    def founding_rate(self) -> float | None:
        return self._rate(self.founded, self.units)

    @property
    def founding_rate_25(self) -> float | None:
        return self._rate(self.founded_25, self.units_25)

    @property
    def membership_rate(self) -> float | None:
        return self._rate(self.members, self.employees_unionised)

    @property
    def on_time_rate(self) -> float | None:
        return self._rate(self.terms_on_time, self.terms_ended)


def coverage(bind: Bind, subtree: str | None = None, on: dt.date | None = None) -> Coverage:
    """Founding rate (also over units with 25+ employees), members, membership rate and on-time
    re-election rate for `subtree` as of `on` (default today): units registered by `on`, founded
    by `on`; terms that ended by `on` (deadline passed or next term approved) and how many of them
    were re-elected by their deadline (the next term's congress date; R-ON-TIME, R-EXTENSION)."""
    on = on or dt.date.today()
    with _connect(bind) as conn:
        founded = sa.and_(_O.c.founded_on.is_not(None), _O.c.founded_on <= on)
        big = _O.c.employees >= 25
        count = sa.func.count
        u = conn.execute(
            sa.select(
                count(),
                sa.func.sum(sa.case((founded, 1), else_=0)),
                sa.func.sum(sa.case((big, 1), else_=0)),
                sa.func.sum(sa.case((sa.and_(big, founded), 1), else_=0)),
                sa.func.sum(sa.case((founded, _O.c.members), else_=0)),
                sa.func.sum(sa.case((founded, _O.c.employees), else_=0)),
            ).where(_O.c.level == "grassroots", _O.c.registered_on <= on, *subtree_filter(conn, _O.c.path, subtree))
        ).one()
        succeeded = sa.and_(_T.c.succeeded_approved_on.is_not(None), _T.c.succeeded_approved_on <= on)
        ended = sa.or_(succeeded, _T.c.deadline < on)
        on_time = sa.and_(succeeded, _T.c.succeeded_on <= _T.c.deadline)
        t = conn.execute(
            sa.select(sa.func.sum(sa.case((ended, 1), else_=0)), sa.func.sum(sa.case((on_time, 1), else_=0))).where(
                _T.c.start <= on, *subtree_filter(conn, _T.c.path, subtree)
            )
        ).one()
    return Coverage(
        subtree=subtree,
        on=on,
        units=int(u[0] or 0),
        founded=int(u[1] or 0),
        units_25=int(u[2] or 0),
        founded_25=int(u[3] or 0),
        members=int(u[4] or 0),
        employees_unionised=int(u[5] or 0),
        terms_ended=int(t[0] or 0),
        terms_on_time=int(t[1] or 0),
    )
