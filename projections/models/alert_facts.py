"""The dated facts the alerts projection keeps for each union (`proj_alert_facts.facts`, JSON), as
named, typed records: what the alert periods are computed from (`projections.models.alerts`).

Dates are ISO text (as the events carry them), so that they compare and sort as dates do. A fact
that something ended (a wait decided, a vacancy filled, ...) is None while it has not."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from typing import Any, Protocol

import orjson
from pydantic import TypeAdapter


@dataclass(frozen=True)
class Windows:
    """The rule profile's alert windows (workflow/profile.py), by the profile's own field names;
    the defaults are RULES.md §6's, for imported terms (no procedure, no pinned profile) and for a
    profile without the field."""

    term_due_reminder_months: int = 2
    approval_reply_days: int = 15
    vacancy_months: int = 3
    annual_congress_months: int = 12
    prep_stalled_months: int = 6
    legal_person_days: int = 60

    @classmethod
    def of(cls, profile: Mapping[str, Any] | None) -> Windows:
        """The windows of a pinned profile (the first event's `profile`)."""
        if not profile:
            return DEFAULT_WINDOWS
        values = tuple(map(int, map(profile.get, _WINDOW_NAMES, _WINDOW_DEFAULTS)))
        # The same few profiles are pinned over and over: one (frozen, shared) Windows each.
        found = _SEEN.get(values)
        if found is None:
            found = cls(*values)
            if len(_SEEN) < 256:
                _SEEN[values] = found
        return found


DEFAULT_WINDOWS = Windows()
_WINDOW_NAMES = tuple(f.name for f in fields(Windows))
_WINDOW_DEFAULTS = tuple(getattr(DEFAULT_WINDOWS, name) for name in _WINDOW_NAMES)
_SEEN: dict[tuple[int, ...], Windows] = {}


@dataclass
class Extension:
    """An extension's approval (R-EXTENSION): from that day the deadline is the new one."""

    approved_on: str
    new_deadline: str


@dataclass
class Term:
    """A term, current from the day its approval (or import) made it so (R-TERM-END)."""

    current_from: str
    ends: str
    due_months: int  # the A-TERM-DUE window of its profile
    started_by: str | None  # the procedure whose approval started it; None when imported
    extensions: list[Extension] = field(default_factory=list)


@dataclass
class Reelection:
    """A re-election under way from `opened` (A-TERM-DUE stops meanwhile)."""

    procedure_id: str
    opened: str
    ended: str | None = None  # approved, rejected or withdrawn


@dataclass(order=True)
class Congress:
    """A congress held (R-ANNUAL), with the annual window of its profile."""

    held: str
    annual_months: int


@dataclass
class Wait:
    """A filing waiting on the higher-level union (R-APPROVER)."""

    procedure_id: str
    filed: str
    reply_days: int
    filing: str  # what was filed, as the flows name it
    decided: str | None = None


@dataclass
class Deadline:
    """Something due by `due` since `since`: a by-election after a vacancy (R-VACANCY), the
    congress after a preparatory group's approval (R-PREP-GROUP), the legal-person registration
    after the founding (R-FOUNDED)."""

    procedure_id: str
    since: str
    due: str
    window: str  # as the alert shows it, e.g. "3 months"
    ended: str | None = None  # filled, held, registered or withdrawn


@dataclass
class Procedure:
    """A procedure of the union: its kind and the windows of the profile it pinned."""

    kind: str
    windows: Windows


@dataclass
class AlertFacts:
    terms: list[Term] = field(default_factory=list)
    reelections: list[Reelection] = field(default_factory=list)
    congresses: list[Congress] = field(default_factory=list)
    waits: list[Wait] = field(default_factory=list)
    vacancies: list[Deadline] = field(default_factory=list)
    preparatory_groups: list[Deadline] = field(default_factory=list)
    legal_person: list[Deadline] = field(default_factory=list)
    procedures: dict[str, Procedure] = field(default_factory=dict)
    dissolved_on: str | None = None  # R-DISSOLVE: no alert fires from this day
    # The day of a registry import that gave no last congress: whether a congress was held
    # between the imported term's own congress and that day is unknown (R-ANNUAL).
    congresses_unknown_until: str | None = None

    def to_json(self) -> str:
        """As `proj_alert_facts.facts` stores it: equal facts give equal text."""
        return orjson.dumps(self, option=orjson.OPT_SORT_KEYS).decode()

    @staticmethod
    def from_json(text: str | bytes) -> AlertFacts:
        return _FACTS.validate_json(text)


_FACTS: TypeAdapter[AlertFacts] = TypeAdapter(AlertFacts)


class _Ending(Protocol):
    procedure_id: str
    ended: str | None


def end(items: Sequence[_Ending], pid: str, on: str) -> None:
    """Close the procedure's last open item on `on`."""
    for item in reversed(items):
        if item.procedure_id == pid and item.ended is None:
            item.ended = on
            return


def last_open_wait(waits: list[Wait], pid: str) -> Wait | None:
    for wait in reversed(waits):
        if wait.procedure_id == pid and wait.decided is None:
            return wait
    return None
