"""Alerts (read model 4, RULES.md §6) as periods of business dates, so that "what fired on date D"
is one indexed query for any D, past or future, at the same cost as today.

For each union the projection keeps the dated facts the alerts depend on (`proj_alert_facts`):
its terms with the dates their deadlines changed (R-TERM-END, R-EXTENSION), its re-elections'
open periods (R-ON-TIME), its congresses (R-ANNUAL), every filing's wait on the higher-level union
(R-APPROVER), vacancies (R-VACANCY), the preparatory group (R-PREP-GROUP) and the founding's
legal-person registration. From these it renders, for every alert kind, the periods in which the
alert fires, with the deadline in force during each period (`proj_alerts`: fires_from ..
fires_until, inclusive; 9999-12-31 while nothing has ended it).

Why periods and not today's deadline: a union re-elected in May 2024 was overdue in April 2024,
and an extension approved in April 2024 did not make it on time in March (R-EXTENSION: until the
approval nothing changes). Each deadline is kept with the business dates it was in force, and the
periods are recomputed from the facts (sorted by business date) whenever a fact changes, so
backdated entries land where their dates put them.

The facts are named records (`projections.models.alert_facts`). Windows come from the rule
profile pinned by the procedure each fact belongs to (the first event's `profile`, read by field
name): the term's from the procedure whose approval started it, the
congress's from its procedure, and so on. Terms imported from a registry use RULES.md §6 defaults.
Month arithmetic follows R-TERM-END (`projections.calendar`).

The days an alert is overdue on date D are D - deadline (negative for A-TERM-DUE: days left)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from events import flows
from events.catalogue import (
    AnnualCongressHeld,
    ByElectionHeld,
    ExistingTermImported,
    ExtensionApproved,
    OrganisationRegistered,
    ProcedureOpenedMixin,
    ResultsApproved,
)
from events.flows import DECISION_EVENTS, FILING_EVENTS
from events.messages import window
from projections.base import Handler, Projection, Rows, rows_by_org
from projections.calendar import add_days_iso, add_months_iso
from projections.errors import CorruptHistory
from projections.feed import Ev
from projections.models.alert_facts import (
    DEFAULT_WINDOWS,
    AlertFacts,
    Congress,
    Deadline,
    Extension,
    Procedure,
    Reelection,
    Term,
    Wait,
    Windows,
    end,
    last_open_wait,
)
from projections.models.alert_periods import KINDS as KINDS
from projections.models.alert_periods import periods_of


class UnionAlerts:
    __slots__ = ("facts", "org_id", "path")

    def __init__(self, org_id: str) -> None:
        self.org_id = org_id
        self.path: str | None = None
        self.facts = AlertFacts()


# Events that put a filing before the higher-level union after the procedure's first event: every
# step the flows lead into a state that waits on it, the opening excepted (that is `_opened`'s).
_FILED = frozenset(FILING_EVENTS) - frozenset(flows.OPENED_BY)


class Alerts(Projection[UnionAlerts]):
    name = "alerts"
    # 2: the facts stored as named records (`alert_facts`), no longer as one-letter keys and lists.
    # 3: A-TERM-OVERDUE runs through the day a late re-election is approved (R-ON-TIME).
    # 4: a dissolved union raises no alert from its dissolution (R-DISSOLVE).
    # 5: an import's extension in force and last congress; "last congress unknown" (0007).
    logic_version = 6
    table_names = ("proj_alert_facts", "proj_alerts", "proj_alert_tallies")
    # Steps that change no alert fact (the procedures projection follows every step).
    ignores = frozenset(
        {
            "UnitFactsUpdated",
            "ViceChairRemoved",
            # A region's settings reach the alerts through the profile each procedure pins.
            "RuleProfileAssigned",
            "CoverageTargetsSet",
            "MembersRecruited",
            "CongressTypeDecided",
            "RepresentativesElected",
            "CandidatesProposed",
            "CandidatesPosted",
            "RunoffHeld",
            "ChairElected",
            "UnitCovered",
            "CoveredUnitLeft",
        }
    )

    def _handlers(self) -> dict[str, Handler]:
        return {
            **{t: self._opened for t in flows.OPENED_BY},
            **{t: self._filed for t in _FILED},
            **{t: self._decided for t in DECISION_EVENTS},
            "OrganisationRegistered": self._registered,
            "ExistingTermImported": self._imported,
            "CongressHeld": self._congress,
            "AnnualCongressHeld": self._annual_congress,
            "ProcedureWithdrawn": self._withdrawn,
            "LegalPersonRegistered": self._legal_person,
        }

    def new(self, org_id: str) -> UnionAlerts:
        return UnionAlerts(org_id)

    # ------------------------------------------------------------------ facts

    def _registered(self, s: UnionAlerts, ev: Ev[OrganisationRegistered]) -> None:
        e = ev.event
        s.path = self.tree.learn(s.org_id, e.parent_id, e.level).path

    def _imported(self, s: UnionAlerts, ev: Ev[ExistingTermImported]) -> None:
        e, f = ev.event, s.facts
        start = e.term_start.isoformat()
        term = Term(start, e.term_end.isoformat(), DEFAULT_WINDOWS.term_due_reminder_months, None)
        if e.extension_deadline is not None:
            # R-EXTENSION: approved, in force when imported; from when is not on record, so the
            # deadline moves on the import's day (before it the term end is the one known).
            term.extensions.append(Extension(ev.on, e.extension_deadline.isoformat()))
        f.terms.append(term)
        months = DEFAULT_WINDOWS.annual_congress_months
        if e.last_congress_on is not None:
            # R-ANNUAL: the last congress, as the register says
            f.congresses.append(Congress(e.last_congress_on.isoformat(), months))
        else:
            # R-FOUNDED: the term began at its congress; whether one was held since is unknown
            # until the import, and A-NO-ANNUAL-CONGRESS says so rather than assume none was.
            f.congresses.append(Congress(start, months))
            f.congresses_unknown_until = ev.on

    def _opened(self, s: UnionAlerts, ev: Ev[ProcedureOpenedMixin]) -> None:
        f, on = s.facts, ev.on
        kind = flows.OPENED_BY[ev.type].kind
        pid = ev.pid
        win = Windows.of(ev.event.profile)
        f.procedures[pid] = Procedure(kind, win)
        if kind == flows.BY_ELECTION:
            # R-VACANCY: the by-election is due within `vacancy_months` of the chair leaving.
            months = win.vacancy_months
            f.vacancies.append(Deadline(pid, on, add_months_iso(on, months), window("months", n=months)))
            return
        if kind == flows.REELECTION:
            f.reelections.append(Reelection(pid, on))  # a re-election under way (A-TERM-DUE stops)
        f.waits.append(Wait(pid, on, win.approval_reply_days, FILING_EVENTS[ev.type]))

    def _procedure(self, s: UnionAlerts, ev: Ev[Any]) -> tuple[str, Procedure]:
        pid = ev.pid
        procedure = s.facts.procedures.get(pid)
        if procedure is None:
            raise CorruptHistory(f"{ev.stream_id} v{ev.version}: {ev.type} for unknown procedure {pid}")
        return pid, procedure

    def _filed(self, s: UnionAlerts, ev: Ev[Any]) -> None:
        # A filing now waits on the higher-level union (R-APPROVER); a by-election that elected
        # nobody files nothing.
        if ev.type == "ByElectionHeld":
            held: ByElectionHeld = ev.event
            if not held.outcome.elected:
                return
        pid, procedure = self._procedure(s, ev)
        amended = last_open_wait(s.facts.waits, pid)
        if amended is not None:  # a filing changed while it waits: the reply window starts again
            amended.decided = ev.on
        s.facts.waits.append(Wait(pid, ev.on, procedure.windows.approval_reply_days, FILING_EVENTS[ev.type]))

    def _decided(self, s: UnionAlerts, ev: Ev[Any]) -> None:
        f, on, t = s.facts, ev.on, ev.type
        pid, procedure = self._procedure(s, ev)
        win = procedure.windows
        wait = last_open_wait(f.waits, pid)
        if wait is not None:
            wait.decided = on
        if t == "PreparatoryGroupApproved":
            months = win.prep_stalled_months
            f.preparatory_groups.append(Deadline(pid, on, add_months_iso(on, months), window("months", n=months)))
        elif t == "ResultsApproved":
            approved: ResultsApproved = ev.event
            f.terms.append(Term(on, approved.term_end.isoformat(), win.term_due_reminder_months, pid))
            if procedure.kind == flows.FOUNDING:
                days = win.legal_person_days
                f.legal_person.append(Deadline(pid, on, add_days_iso(on, days), window("days", n=days)))
            else:
                end(f.reelections, pid, on)
            for v in f.vacancies:  # the approved results install a chair: no vacancy any more
                if v.ended is None and v.since <= on:
                    v.ended = on
        elif t == "ReelectionPlanRejected":
            end(f.reelections, pid, on)
        elif t == "ExtensionApproved":
            if f.terms:  # R-EXTENSION: the deadline moves on the day of the approval, not before
                extension: ExtensionApproved = ev.event
                f.terms[-1].extensions.append(Extension(on, extension.new_deadline.isoformat()))
        elif t == "ByElectionApproved":
            end(f.vacancies, pid, on)
        elif t == "DissolutionApproved":
            f.dissolved_on = on

    def _congress(self, s: UnionAlerts, ev: Ev[Any]) -> None:
        pid, procedure = self._procedure(s, ev)
        s.facts.congresses.append(Congress(ev.on, procedure.windows.annual_congress_months))
        end(s.facts.preparatory_groups, pid, ev.on)

    def _annual_congress(self, s: UnionAlerts, ev: Ev[AnnualCongressHeld]) -> None:
        # R-ANNUAL: a congress outside an election counts like any other; it keeps the window of
        # the term's own rule profile (that of the last congress known), else the national default.
        # One without quorum does not count (events stored before `quorate` all had it).
        if not ev.event.quorate:
            return
        congresses = s.facts.congresses
        months = congresses[-1].annual_months if congresses else DEFAULT_WINDOWS.annual_congress_months
        congresses.append(Congress(ev.on, months))

    def _withdrawn(self, s: UnionAlerts, ev: Ev[Any]) -> None:
        f, on = s.facts, ev.on
        pid, _ = self._procedure(s, ev)
        wait = last_open_wait(f.waits, pid)
        if wait is not None:
            wait.decided = on
        end(f.preparatory_groups, pid, on)
        end(f.reelections, pid, on)

    def _legal_person(self, s: UnionAlerts, ev: Ev[Any]) -> None:
        end(s.facts.legal_person, ev.pid, ev.on)

    # ------------------------------------------------------------------ periods

    def render(self, s: UnionAlerts) -> Rows:
        if s.path is None:
            return {}
        facts = s.facts.to_json()
        return {
            "proj_alert_facts": [(s.org_id, s.path, facts)],
            "proj_alerts": periods_of(s.org_id, s.path, s.facts, facts),
        }

    def owner(self, s: UnionAlerts, table: str) -> str | None:
        if table == "proj_alert_tallies":
            return None  # added to, never replaced (projections.models.tallies)
        return s.path if table == "proj_alerts" else s.org_id

    def load(self, conn: Connection, tables: Mapping[str, sa.Table], org_ids: Sequence[str]) -> dict[str, UnionAlerts]:
        out: dict[str, UnionAlerts] = {}
        for org_id, rows in rows_by_org(conn, tables["proj_alert_facts"], org_ids).items():
            s = out[org_id] = UnionAlerts(org_id)
            s.path = rows[0]["path"]
            s.facts = AlertFacts.from_json(rows[0]["facts"])
        return out
