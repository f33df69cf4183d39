"""The union register: organisations, their terms, and the coverage of RULES.md §7 over them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import schema
from projections.queries.paging import Bind, Page, as_date, connect, keyset_after, page_of, subtree_filter


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
    founded_on: dt.date | None  # the founding approval's date; None when unknown (an import without it)
    legal_person_no: str | None
    legal_person_on: dt.date | None
    legal_person: bool = field(init=False)  # registered as a legal person: its number is on record
    last_congress_on: dt.date | None  # None when unknown (an import without it) or none held
    founding_document_no: str | None
    # From when the union is surely founded: `founded_on`, else an imported term's start (coverage)
    founded_at_latest: dt.date | None
    representatives: int | None  # at a representative congress (R-CONGRESS-TYPE)
    committee_size: int | None  # how many sit on the committee (its names may be unknown)
    version: int  # the union stream's version the record reflects
    chair_elected_by: str | None = None  # "congress" (直选) or "committee"; None: unknown
    chair_full_time: bool | None = None  # R-FULLTIME; None: unknown
    dissolved_on: dt.date | None = None  # R-DISSOLVE
    dissolution_reason: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "legal_person", self.legal_person_no is not None)


_O = schema.orgs
_DATE_FIELDS = {c.name for c in _O.columns if isinstance(c.type, sa.Date)}
_LIST_FIELDS = ("committee", "vice_chairs", "funds_review")


def union_record(row: Mapping[Any, Any]) -> UnionRecord:
    """A register row (from the table or from a replay) as a record."""
    values = {k: v for k, v in row.items() if k not in ("internal", "stream_version")}
    for k in _DATE_FIELDS:
        values[k] = as_date(values[k])
    for k in _LIST_FIELDS:
        values[k] = orjson.loads(values[k]) if values[k] else []
    for k in ("has_party_org", "chair_full_time"):
        values[k] = None if values[k] is None else bool(values[k])
    return UnionRecord(**values, version=row["stream_version"])


def union(bind: Bind, org_id: str) -> UnionRecord | None:
    with connect(bind) as conn:
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
    with connect(bind) as conn:
        q = sa.select(_O).where(*subtree_filter(conn, _O.c.path, subtree), *keyset_after((_O.c.path,), cursor))
        if level is not None:
            q = q.where(_O.c.level == level)
        if founded is not None:
            known = _O.c.founded_at_latest
            q = q.where(known.is_not(None) if founded else known.is_(None))
        q = q.order_by(_O.c.path)
        if limit is not None:
            q = q.limit(limit + 1)
        rows, nxt = page_of(list(conn.execute(q)), limit, lambda r: (r.path,))
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
    succeeded_approved_on: dt.date | None  # the re-election's approval
    on_time: bool | None  # R-ON-TIME (projections.on_time): re-elected by the deadline; None while current


_T = schema.terms


def terms(bind: Bind, org_id: str) -> list[Term]:
    with connect(bind) as conn:
        rows = conn.execute(sa.select(_T).where(_T.c.org_id == org_id).order_by(_T.c.term_no)).all()
    return [term_record(r._mapping) for r in rows]


def term_record(r: Mapping[Any, Any]) -> Term:
    return Term(
        org_id=r["org_id"],
        term_no=r["term_no"],
        start=as_date(r["start"]),  # type: ignore[arg-type]
        years=r["years"],
        end=as_date(r["end"]),  # type: ignore[arg-type]
        deadline=as_date(r["deadline"]),  # type: ignore[arg-type]
        extended=bool(r["extended"]),
        started_by=r["started_by"],
        started_on=as_date(r["started_on"]),  # type: ignore[arg-type]
        succeeded_on=as_date(r["succeeded_on"]),
        succeeded_approved_on=as_date(r["succeeded_approved_on"]),
        on_time=None if r["on_time"] is None else bool(r["on_time"]),
    )


@dataclass(frozen=True)
class CoveredUnitRecord:
    """A unit a joint grassroots union covers, or covered (one stint: `since` until `until`)."""

    org_id: str
    unit_id: str
    stint: int
    since: dt.date
    until: dt.date | None
    unit_name: str
    unit_type: str
    employees: int
    members: int
    female_members: int
    has_party_org: bool


def covered_units(bind: Bind, org_id: str) -> list[CoveredUnitRecord]:
    """The units a joint union covers and covered, in the order they joined."""
    c = schema.covered_units.c
    fields = [f for f in CoveredUnitRecord.__dataclass_fields__]
    with connect(bind) as conn:
        rows = conn.execute(
            sa.select(*(c[f] for f in fields)).where(c.org_id == org_id).order_by(c.since, c.unit_id, c.stint)
        ).all()
    out = []
    for r in rows:
        values = dict(r._mapping)
        values["since"], values["until"] = as_date(values["since"]), as_date(values["until"])
        values["has_party_org"] = bool(values["has_party_org"])
        out.append(CoveredUnitRecord(**values))
    return out


# --------------------------------------------------------------------------- coverage (RULES.md §7)


class _Rate:
    """A rate of two of Coverage's counts, read like an attribute: `part / whole`, None when
    `whole` is 0."""

    def __init__(self, part: str, whole: str) -> None:
        self.part, self.whole = part, whole

    def __get__(self, obj: object, owner: type | None = None) -> float | None:
        whole = getattr(obj, self.whole)
        return getattr(obj, self.part) / whole if whole else None


BIG_UNIT = 25  # RULES.md §7: the seeds' figures for units with 25 or more employees
FULL_TIME_CHAIR_EMPLOYEES = 200  # R-FULLTIME


@dataclass(frozen=True)
class Coverage:
    """RULES.md §7, following the seed plans' wording. Units are the employing units in scope:
    those of the grassroots unions registered (level "grassroots") and those a joint grassroots
    union covers, never a dissolved union's from its dissolution (R-DISSOLVE); a federation's
    member unions count as themselves. Members and employees are current."""

    subtree: str | None
    on: dt.date
    units: int
    founded: int
    units_25: int  # units with 25 or more employees
    founded_25: int
    members: int  # members of the founded unions
    employees_unionised: int  # employees of the units with a founded union
    terms_ended: int  # terms whose deadline passed, or that were succeeded, by `on`
    terms_on_time: int  # of those, re-elected by their deadline: approved on or before it (R-ON-TIME)
    units_enterprise: int = 0  # units of unit type "enterprise" (Dalian's target)
    founded_enterprise: int = 0
    units_covered: int = 0  # of `units`, those a joint grassroots union covers (founded once it is)
    # Enterprise unions' current chairs (their term's, as of `on`) by who elected them: the congress
    # directly (直选) or the committee; unknown when an import did not say.
    chairs_direct: int = 0
    chairs_by_committee: int = 0
    chairs_election_unknown: int = 0
    # R-FULLTIME: unions of units with 200+ employees with a current term; of those, without a
    # full-time chair, and with nothing known about it (reported apart, never as "without").
    unions_200: int = 0
    without_full_time_chair: int = 0
    full_time_unknown: int = 0

    @property
    def chairs_election_known(self) -> int:
        return self.chairs_direct + self.chairs_by_committee

    founding_rate = _Rate("founded", "units")
    founding_rate_25 = _Rate("founded_25", "units_25")
    founding_rate_enterprises = _Rate("founded_enterprise", "units_enterprise")
    membership_rate = _Rate("members", "employees_unionised")
    on_time_rate = _Rate("terms_on_time", "terms_ended")
    direct_election_share = _Rate("chairs_direct", "chairs_election_known")

    def figures(self) -> dict[str, float | int | None]:
        """Each figure by its stable key (what a region's targets name, `FIGURES`)."""
        return {key: getattr(self, attr) for key, attr in FIGURES.items()}


# The figures of RULES.md §7 by their stable keys (a region's targets name them), and the
# attribute of Coverage that holds each.
FIGURES: dict[str, str] = {
    "founding_rate": "founding_rate",
    "founding_rate_25plus": "founding_rate_25",
    "founding_rate_enterprises": "founding_rate_enterprises",
    "membership_rate": "membership_rate",
    "on_time_rate": "on_time_rate",
    "direct_election_share": "direct_election_share",
    "without_full_time_chair": "without_full_time_chair",
}


def rate_parts(attr: str) -> tuple[str, str] | None:
    """The counts of Coverage that its rate `attr` divides (part, whole); None for a count."""
    rate = Coverage.__dict__.get(attr)
    return (rate.part, rate.whole) if isinstance(rate, _Rate) else None


def _sums(*conditions: sa.ColumnElement[bool] | tuple[sa.ColumnElement[bool], Any]) -> list[Any]:
    """SUM(CASE ...) of each condition: 1 per row that meets it, or (condition, value)."""
    out = []
    for c in conditions:
        cond, value = c if isinstance(c, tuple) else (c, 1)
        out.append(sa.func.sum(sa.case((cond, value), else_=0)))
    return out


def _not_dissolved(column: sa.ColumnElement[Any], on: dt.date) -> sa.ColumnElement[bool]:
    """R-DISSOLVE: in scope until the day before the dissolution."""
    return sa.or_(column.is_(None), column > on)


# Coverage's figures in the order the queries below sum them.
_UNIT_FIGURES = ("units", "founded", "units_25", "founded_25", "members", "employees_unionised")
_ENTERPRISE_FIGURES = ("units_enterprise", "founded_enterprise")
_TERM_FIGURES = ("terms_ended", "terms_on_time")
_CHAIR_FIGURES = ("chairs_direct", "chairs_by_committee", "chairs_election_unknown")
_FULL_TIME_FIGURES = ("unions_200", "without_full_time_chair", "full_time_unknown")


def _figures(names: tuple[str, ...], row: Sequence[Any]) -> dict[str, int]:
    return {name: int(value or 0) for name, value in zip(names, row, strict=True)}


def _unit_counts(conn: Connection, subtree: str | None, on: dt.date) -> dict[str, int]:
    """The unit figures of the grassroots unions' own units, then of the units joint unions cover,
    added up; and of the latter alone, `units_covered`."""
    founded = sa.and_(_O.c.founded_at_latest.is_not(None), _O.c.founded_at_latest <= on)
    big, ent = _O.c.employees >= BIG_UNIT, _O.c.unit_type == "enterprise"
    own = conn.execute(
        sa.select(
            sa.func.count(),
            *_sums(founded, big, sa.and_(big, founded), (founded, _O.c.members), (founded, _O.c.employees)),
            *_sums(ent, sa.and_(ent, founded)),
        ).where(
            _O.c.level == "grassroots",
            sa.or_(_O.c.registered_on <= on, founded),
            _not_dissolved(_O.c.dissolved_on, on),
            *subtree_filter(conn, _O.c.path, subtree),
        )
    ).one()
    c = schema.covered_units.c
    founded = sa.and_(c.union_founded_on.is_not(None), c.union_founded_on <= on)
    big, ent = c.employees >= BIG_UNIT, c.unit_type == "enterprise"
    covered = conn.execute(
        sa.select(
            sa.func.count(),
            *_sums(founded, big, sa.and_(big, founded), (founded, c.members), (founded, c.employees)),
            *_sums(ent, sa.and_(ent, founded)),
        ).where(
            c.since <= on,
            sa.or_(c.until.is_(None), c.until > on),
            _not_dissolved(c.union_dissolved_on, on),
            *subtree_filter(conn, c.path, subtree),
        )
    ).one()
    names = _UNIT_FIGURES + _ENTERPRISE_FIGURES
    added = [int(a or 0) + int(b or 0) for a, b in zip(own, covered, strict=True)]
    return _figures(names, added) | {"units_covered": int(covered[0] or 0)}


def _term_counts(conn: Connection, subtree: str | None, on: dt.date) -> dict[str, int]:
    """terms_ended, terms_on_time (R-ON-TIME). A term still running when its union was dissolved
    never ended unrenewed (R-DISSOLVE); one whose deadline passed before stays counted."""
    succeeded = sa.and_(_T.c.succeeded_approved_on.is_not(None), _T.c.succeeded_approved_on <= on)
    lapsed = sa.and_(_T.c.deadline < on, sa.or_(_O.c.dissolved_on.is_(None), _T.c.deadline < _O.c.dissolved_on))
    on_time = sa.and_(succeeded, _T.c.on_time.is_(sa.true()))
    t = conn.execute(
        sa.select(*_sums(sa.or_(succeeded, lapsed), on_time))
        .select_from(_T.join(_O, _O.c.org_id == _T.c.org_id))
        .where(_T.c.start <= on, *subtree_filter(conn, _T.c.path, subtree))
    ).one()
    return _figures(_TERM_FIGURES, t)


def _chair_counts(conn: Connection, subtree: str | None, on: dt.date) -> dict[str, int]:
    """Over the grassroots unions in scope with a term current on `on` (the one whose approval, or
    import, came last by then): enterprise chairs elected by the congress, by the committee, not
    known; unions of 200+ employees, without a full-time chair, not known (R-FULLTIME)."""
    ent, big = _O.c.unit_type == "enterprise", _O.c.employees >= FULL_TIME_CHAIR_EMPLOYEES
    by = _T.c.chair_elected_by
    row = conn.execute(
        sa.select(
            *_sums(sa.and_(ent, by == "congress"), sa.and_(ent, by == "committee"), sa.and_(ent, by.is_(None))),
            *_sums(big, sa.and_(big, _T.c.chair_full_time == sa.false()), sa.and_(big, _T.c.chair_full_time.is_(None))),
        )
        .select_from(_T.join(_O, _O.c.org_id == _T.c.org_id))
        .where(
            _O.c.level == "grassroots",
            _not_dissolved(_O.c.dissolved_on, on),
            _T.c.started_on <= on,
            sa.or_(_T.c.succeeded_approved_on.is_(None), _T.c.succeeded_approved_on > on),
            *subtree_filter(conn, _T.c.path, subtree),
        )
    ).one()
    return _figures(_CHAIR_FIGURES + _FULL_TIME_FIGURES, row)


def coverage(bind: Bind, subtree: str | None = None, on: dt.date | None = None) -> Coverage:
    """The figures of RULES.md §7 for `subtree` as of `on` (default today): units in scope by `on`
    (registered, or covered by a joint union, and not dissolved), founded by `on` (also of units
    with 25+ employees and of enterprises), members and membership rate; terms that ended by `on`
    (deadline passed or next term approved) and how many of them were re-elected on time (the
    register's `on_time`: the re-election approved by the deadline; R-ON-TIME, R-EXTENSION); the
    enterprise chairs elected directly (直选) and the unions of 200+ employees without a full-time
    chair (R-FULLTIME), among the terms current on `on`.

    Founded by `on` means founded on or before it (RULES.md §7: the founding approval's date, for
    an imported union the registry's founding date). An imported union whose registry gave no
    founding date counts as founded from its imported term's start (`founded_at_latest`): it
    surely existed then, so the count is a lower bound before it, never a made-up founding date.
    A unit is in scope from its registration here, or from its union's founding when that is
    earlier (a registry import registers unions founded long before)."""
    on = on or dt.date.today()
    with connect(bind) as conn:
        figures = _unit_counts(conn, subtree, on) | _term_counts(conn, subtree, on) | _chair_counts(conn, subtree, on)
    return Coverage(subtree=subtree, on=on, **figures)
