"""Settings of a region as the register holds them (`proj_region_settings`): the rule profile
assigned nearest above an organisation (RULES.md §5) and the coverage targets that apply to it
(§7), each found among the organisation and its ancestors, nearest first: those whose path (the
materialised path, `projections.tree`) begins the organisation's, whatever the tree's depth."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from events.catalogue import COVERAGE_FIGURES
from projections import schema
from projections.queries.paging import Bind, connect
from projections.tree import SEPARATOR

_O = schema.orgs
_S = schema.region_settings


@dataclass(frozen=True)
class AssignedProfile:
    """The rule profile assigned to `org_id` (version None: the latest when a procedure opens)."""

    org_id: str
    name: str
    version: int | None


@dataclass(frozen=True)
class CoverageTarget:
    """A figure's target as it applies to an organisation: set by it, or by its nearest ancestor
    that sets one for this figure (`set_by`)."""

    figure: str
    target: float
    set_by: str

    @property
    def reads(self) -> str:
        """ "at_least" (the figure should reach the target) or "at_most" (stay below it)."""
        return COVERAGE_FIGURES.get(self.figure, "at_least")

    def met(self, value: float | None) -> bool | None:
        """Whether `value` meets the target; None when there is no figure (nothing to divide by)."""
        if value is None:
            return None
        return value >= self.target if self.reads == "at_least" else value <= self.target


@dataclass(frozen=True)
class RegionSettings:
    """What an organisation has set itself, and what applies to it (its own or inherited)."""

    org_id: str
    own_profile: AssignedProfile | None
    own_targets: dict[str, float]
    profile: AssignedProfile | None  # None: the deployment's default profile
    targets: dict[str, CoverageTarget]


def _settings_above(conn: Connection, org_id: str) -> list[Mapping[str, Any]]:
    """The settings rows of `org_id` and of its ancestors that have any, nearest first."""
    path = conn.execute(sa.select(_O.c.path).where(_O.c.org_id == org_id)).scalar()
    if path is None:
        return []
    chain = path.split(SEPARATOR)[:-1]  # the root first, `org_id` last
    rows = {r.org_id: dict(r._mapping) for r in conn.execute(sa.select(_S).where(_S.c.org_id.in_(chain)))}
    return [rows[o] for o in reversed(chain) if o in rows]


def _profile(rows: list[Mapping[str, Any]]) -> AssignedProfile | None:
    for r in rows:
        if r["profile_name"] is not None:
            return AssignedProfile(r["org_id"], r["profile_name"], r["profile_version"])
    return None


def _targets(rows: list[Mapping[str, Any]]) -> dict[str, CoverageTarget]:
    found: dict[str, CoverageTarget] = {}
    for r in rows:
        for figure, target in orjson.loads(r["targets"]).items():
            found.setdefault(figure, CoverageTarget(figure, float(target), r["org_id"]))
    order = list(COVERAGE_FIGURES)
    return dict(sorted(found.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else len(order)))


def _root(conn: Connection) -> str | None:
    roots = conn.execute(sa.select(_O.c.org_id).where(_O.c.parent_id.is_(None)).limit(2)).scalars().all()
    return roots[0] if len(roots) == 1 else None


# Every opening asks this (workflow.unit_of_work.RegionLookup): one statement, sent as driver SQL
# (SQLAlchemy's statement machinery costs several times the query itself here). The organisation
# is read by primary key; the settings table holds only the organisations that have settings.
_NEAREST_PROFILE = (
    "SELECT s.org_id, s.profile_name, s.profile_version FROM proj_orgs u JOIN proj_region_settings s"
    " ON substr(u.path, 1, length(s.path)) = s.path"
    " WHERE u.org_id = {} AND s.profile_name IS NOT NULL ORDER BY length(s.path) DESC LIMIT 1"
)


def profile_assignment(bind: Bind, org_id: str) -> AssignedProfile | None:
    """The profile assigned to `org_id` or to its nearest ancestor that has one (RULES.md §5)."""
    with connect(bind) as conn:
        mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
        row = conn.exec_driver_sql(_NEAREST_PROFILE.format(mark), (org_id,)).first()
    return AssignedProfile(row[0], row[1], row[2]) if row is not None else None


def coverage_targets(bind: Bind, org_id: str | None) -> dict[str, CoverageTarget]:
    """Each figure's target for `org_id`'s coverage: its own, else its nearest ancestor's (RULES.md
    §7), in the order of `COVERAGE_FIGURES`. `None` (the whole tree): the root's."""
    with connect(bind) as conn:
        org_id = org_id if org_id is not None else _root(conn)
        return _targets(_settings_above(conn, org_id)) if org_id is not None else {}


def region_settings(bind: Bind, org_id: str) -> RegionSettings:
    with connect(bind) as conn:
        rows = _settings_above(conn, org_id)
    own = rows[0] if rows and rows[0]["org_id"] == org_id else None
    return RegionSettings(
        org_id=org_id,
        own_profile=_profile([own]) if own is not None else None,
        own_targets=dict(orjson.loads(own["targets"])) if own is not None else {},
        profile=_profile(rows),
        targets=_targets(rows),
    )


def beside_targets(figures: Mapping[str, Any], targets: Mapping[str, CoverageTarget]) -> dict[str, dict[str, Any]]:
    """Each targeted figure with its value (from `figures`, by key; None when absent or nothing to
    divide by), its target, who set it and whether it is met."""
    out: dict[str, dict[str, Any]] = {}
    for figure, t in targets.items():
        value = figures.get(figure)
        out[figure] = {"value": value, "target": t.target, "set_by": t.set_by, "reads": t.reads, "met": t.met(value)}
    return out
