"""The union register: organisations, their terms, and the coverage of RULES.md §7 over them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa

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
    last_congress_on: dt.date | None  # None when unknown (an import without it) or none held
    founding_document_no: str | None
    # From when the union is surely founded: `founded_on`, else an imported term's start (coverage)
    founded_at_latest: dt.date | None
    chair_elected_by: str | None  # "congress" (直选) or "committee"; None when not known
    chair_full_time: bool | None  # R-FULLTIME; None when not known
    representatives: int | None  # at a representative congress (R-CONGRESS-TYPE)
    committee_size: int | None  # how many sit on the committee (its names may be unknown)
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
        values[k] = as_date(values[k])
    for k in _LIST_FIELDS:
        values[k] = orjson.loads(values[k]) if values[k] else []
    values["has_party_org"] = None if values["has_party_org"] is None else bool(values["has_party_org"])
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
    succeeded_approved_on: dt.date | None


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
    )


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

    founding_rate = _Rate("founded", "units")
    founding_rate_25 = _Rate("founded_25", "units_25")
    membership_rate = _Rate("members", "employees_unionised")
    on_time_rate = _Rate("terms_on_time", "terms_ended")


def coverage(bind: Bind, subtree: str | None = None, on: dt.date | None = None) -> Coverage:
    """Founding rate (also over units with 25+ employees), members, membership rate and on-time
    re-election rate for `subtree` as of `on` (default today): units registered by `on`, founded
    by `on`; terms that ended by `on` (deadline passed or next term approved) and how many of them
    were re-elected by their deadline (the next term's congress date; R-ON-TIME, R-EXTENSION).

    Founded by `on` means founded on or before it (RULES.md §7: the founding approval's date, for
    an imported union the registry's founding date). An imported union whose registry gave no
    founding date counts as founded from its imported term's start (`founded_at_latest`): it
    surely existed then, so the count is a lower bound before it, never a made-up founding date.
    A unit is in scope from its registration here, or from its union's founding when that is
    earlier (a registry import registers unions founded long before): never founded and not in
    scope."""
    on = on or dt.date.today()
    with connect(bind) as conn:
        founded = sa.and_(_O.c.founded_at_latest.is_not(None), _O.c.founded_at_latest <= on)
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
            ).where(
                _O.c.level == "grassroots",
                sa.or_(_O.c.registered_on <= on, founded),
                *subtree_filter(conn, _O.c.path, subtree),
            )
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
