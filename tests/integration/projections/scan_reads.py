"""The summaries as full scans of the subtree's rows (what `coverage` and `alert_counts` computed
before the tallies): the reference the tallies must equal for any date and subtree."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from projections import schema
from projections.models.coverage_marks import BIG_UNIT, FULL_TIME_CHAIR_EMPLOYEES
from projections.queries.alert_reads import fires_on
from projections.queries.paging import subtree_filter

_O, _T, _A = schema.orgs, schema.terms, schema.alerts
_UNIT_FIGURES = ("units", "founded", "units_25", "founded_25", "members", "employees_unionised")
_ENTERPRISE_FIGURES = ("units_enterprise", "founded_enterprise")
_TERM_FIGURES = ("terms_ended", "terms_on_time")
_CHAIR_FIGURES = ("chairs_direct", "chairs_by_committee", "chairs_election_unknown")
_FULL_TIME_FIGURES = ("unions_200", "without_full_time_chair", "full_time_unknown")


def scan_coverage(conn: Connection, subtree: str | None, on: dt.date) -> dict[str, int]:
    return _unit_counts(conn, subtree, on) | _term_counts(conn, subtree, on) | _chair_counts(conn, subtree, on)


def scan_alert_counts(conn: Connection, subtree: str | None, on: dt.date) -> dict[str, int]:
    q = (
        sa.select(_A.c.kind, sa.func.count())
        .where(*fires_on(on), *subtree_filter(conn, _A.c.path, subtree))
        .group_by(_A.c.kind)
    )
    return {k: int(n) for k, n in conn.execute(q)}


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
