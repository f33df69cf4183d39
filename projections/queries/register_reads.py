"""The union register: organisations, their terms, and the coverage of RULES.md §7 over them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson
import sqlalchemy as sa

from projections import schema
from projections.queries.paging import Bind, Page, as_date, connect, keyset_after, page_of, subtree_filter
from projections.queries.tally_reads import added, scope, tallied


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


# Coverage's figures, each summed from the unions' dated marks (projections.models.coverage_marks).
COVERAGE_FIGURES = (
    *("units", "founded", "units_25", "founded_25", "members", "employees_unionised"),
    *("units_enterprise", "founded_enterprise", "units_covered", "terms_ended", "terms_on_time"),
    *("chairs_direct", "chairs_by_committee", "chairs_election_unknown"),
    *("unions_200", "without_full_time_chair", "full_time_unknown"),
)


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
        # The tally of the organisations below the root and the root's own marks, a cost bounded by
        # the days on which a figure changed; below the tallied levels, the subtree's marks
        # (projections.models.tallies).
        where = scope(conn, subtree, schema.coverage_marks)
        figures = tallied(conn, schema.coverage_tallies, where.ancestors, on)
        m = schema.coverage_marks.c
        rows = where.rows(m.path)
        if rows is not None:
            q = sa.select(m.figure, sa.func.sum(m.n)).where(*rows, m.day <= on).group_by(m.figure)
            figures = added(figures, {f: int(n or 0) for f, n in conn.execute(q)})
    return Coverage(subtree=subtree, on=on, **{f: figures.get(f, 0) for f in COVERAGE_FIGURES})
