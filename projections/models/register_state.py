"""The register's state of one union (`projections.models.register`), and what its handlers
share to change it."""

from __future__ import annotations

from typing import Any

from events import catalogue
from projections.base import dumps, loads
from projections.errors import CorruptHistory
from projections.feed import Ev

_UNIT = ("unit_name", "unit_type", "employees", "members", "female_members", "has_party_org")
_NO_UNIT = dict.fromkeys(_UNIT)


class RegisterState:
    """What the register knows of one union (and, for a region, its settings)."""

    __slots__ = ("covered", "org_id", "pending", "proposed", "row", "settings", "terms")

    def __init__(self, org_id: str) -> None:
        self.org_id = org_id
        self.row: dict[str, Any] | None = None
        self.terms: list[dict[str, Any]] = []
        self.settings: dict[str, Any] | None = None  # the region's settings, once it has any
        self.covered: list[dict[str, Any]] = []  # a joint union's units, one row per stint
        # procedure id -> what its approval will install (form, congress type, bodies elected)
        self.pending: dict[str, dict[str, Any]] = {}
        # procedure id -> its candidates' proposal, whose way of electing the chair is pending and
        # not read yet (see `Register._candidates`)
        self.proposed: dict[str, Ev[catalogue.CandidatesProposed]] = {}

    def settle(self, pid: str | None = None) -> None:
        """Read into `pending` the way of electing the chair of the proposals not read yet (all,
        or `pid`'s)."""
        for p in list(self.proposed) if pid is None else [pid]:
            proposal = self.proposed.pop(p, None)
            if proposal is not None:
                self.pending[p]["chair_elected_by"] = proposal.event.chair_elected_by


def row_of(s: RegisterState, ev: Ev[Any]) -> dict[str, Any]:
    """The union's row, which every event after its registration finds."""
    row = s.row
    if row is None:
        raise CorruptHistory(f"{ev.stream_id} v{ev.version}: {ev.type} before the organisation was registered")
    return row


def leave_vice_chair(row: dict[str, Any], name: str) -> None:
    vice = loads(row["vice_chairs"] or "[]")
    if name in vice:
        row["vice_chairs"] = dumps([v for v in vice if v != name])


def set_chair_facts(s: RegisterState, row: dict[str, Any], elected_by: str | None, full_time: bool | None) -> None:
    """Who elected the current term's chair and whether full-time (RULES.md §7, R-FULLTIME), on the
    union and on the term (a by-election keeps both: the same body elects, the post is the same)."""
    row["chair_elected_by"], row["chair_full_time"] = elected_by, full_time
    if s.terms:
        s.terms[-1]["chair_elected_by"], s.terms[-1]["chair_full_time"] = elected_by, full_time


def unit_columns(unit: catalogue.UnitFacts | None) -> dict[str, Any]:
    """The unit's facts as the register's columns (all None when the unit is not known)."""
    return _NO_UNIT if unit is None else {k: getattr(unit, k) for k in _UNIT}


def held_congress(row: dict[str, Any], on: str) -> None:
    """A congress held on `on`: the latest date is the last congress (R-ANNUAL reads it)."""
    if row["last_congress_on"] is None or on > row["last_congress_on"]:
        row["last_congress_on"] = on
