"""The union register (read model 2): every organisation with its place in the tree, its unit's
facts, and for a union its form of organisation, members, committee and chair, current term
(start, end, length), approved extension, deadline, legal-person status and last congress; plus
each union's terms (`proj_terms`), which the on-time re-election rate of RULES.md §7 counts; and the
settings of each region that has any (`proj_region_settings`: its rule profile, its coverage targets).

It follows what the workflow's fold does to a union (workflow/fold.py and the procedure modules),
from the events alone. `last_congress_on` is the latest congress date, not the last one recorded
(a backdated entry cannot move it back), for the auditor's reading of dates.

An imported term (ExistingTermImported) is current from its start date, and brings what the
registry gave: the founding date and document, the congress type and representatives, the
committee (names, or only its size), the officers, how the chair was elected, whether the post is
full-time, the last congress, an extension in force, the legal-person registration. What it did not
give stays NULL (unknown): never the term's start as the founding date or the last congress.
`founded_at_latest` is the date from which the union is surely founded, which coverage counts:
the founding date when known, else the imported term's start (its congress elected a committee,
so the union existed; for a first term the approval came a little later: documented)."""

from __future__ import annotations

import operator
from collections.abc import Mapping, Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from events import catalogue
from projections import schema
from projections.base import Handler, Projection, Rows, dumps, loads, rows_by_org
from projections.calendar import iso
from projections.feed import Ev
from projections.models.coverage_marks import coverage_marks
from projections.models.register_state import (
    RegisterState,
    held_congress,
    leave_vice_chair,
    row_of,
    set_chair_facts,
    unit_columns,
)
from projections.on_time import reelected_on_time

ORG_COLUMNS = tuple(c.name for c in schema.orgs.columns)
TERM_COLUMNS = tuple(c.name for c in schema.terms.columns)
SETTINGS_COLUMNS = tuple(c.name for c in schema.region_settings.columns)
COVERED_COLUMNS = tuple(c.name for c in schema.covered_units.columns)
_ORG_ROW, _TERM_ROW = operator.itemgetter(*ORG_COLUMNS), operator.itemgetter(*TERM_COLUMNS)
_COVERED_ROW = operator.itemgetter(*COVERED_COLUMNS)
# The bodies and officers ResultsFiled names, which the approval installs (by the event's field names).
_ELECTED = ("committee", "chair", "vice_chairs", "funds_review", "funds_review_director", "women_director")
_BLANK = dict.fromkeys(ORG_COLUMNS)
_UnitEvent = catalogue.UnitFactsUpdated | catalogue.FoundingRequested | catalogue.FoundingRequestResubmitted


class Register(Projection[RegisterState]):
    name = "register"
    # 2: vice-chairs follow removals (R-REMOVAL) and leave the post when a by-election elects them
    # chair; registers built by logic 1 are rebuilt (`unionflow serve` does it before serving).
    # 3: each term says whether it was re-elected on time (`on_time`, R-ON-TIME).
    # 4: who elected the chair and whether full-time (RULES.md §7), dissolution (R-DISSOLVE), a
    # joint union's units (`proj_covered_units`).
    # 5: an import's facts (the founding unknown unless given, not the term's start), the founding
    # document, `founded_at_latest`, representatives and the committee's size (migration 0007).
    logic_version = 6
    table_names = (
        "proj_orgs",
        "proj_terms",
        "proj_region_settings",
        "proj_covered_units",
        "proj_coverage_marks",
        "proj_coverage_tallies",
    )
    # The other steps of a procedure change nothing in the register (their effect shows when the
    # higher-level union approves); `stream_version` still follows every event (see `finish`).
    ignores_other_procedure_steps = True

    def _handlers(self) -> dict[str, Handler]:
        specific: dict[str, Handler] = {
            "OrganisationRegistered": self._registered,
            "UnitFactsUpdated": self._unit_facts,
            "ExistingTermImported": self._imported,
            "FoundingRequested": self._unit_facts,
            "FoundingRequestResubmitted": self._unit_facts,
            "MembersRecruited": self._members,
            "LegalPersonRegistered": self._legal_person,
            "CongressTypeDecided": self._congress_type,
            "RepresentativesElected": self._representatives,
            "CandidatesProposed": self._candidates,
            "CongressHeld": self._congress,
            "AnnualCongressHeld": self._annual_congress,
            "ChairElected": self._chair_elected,
            "ResultsFiled": self._results_filed,
            "ResultsApproved": self._results_approved,
            "ExtensionApproved": self._extension,
            "ChairVacancyRecorded": self._vacancy,
            "ByElectionApproved": self._by_election,
            "ProcedureWithdrawn": self._withdrawn,
            "ViceChairRemoved": self._vice_chair_removed,
            "RuleProfileAssigned": self._profile_assigned,
            "CoverageTargetsSet": self._targets_set,
            "DissolutionApproved": self._dissolved,
            "UnitCovered": self._unit_covered,
            "CoveredUnitLeft": self._unit_left,
        }
        return specific

    def new(self, org_id: str) -> RegisterState:
        return RegisterState(org_id)

    # ------------------------------------------------------------------ handlers

    def _registered(self, s: RegisterState, ev: Ev[catalogue.OrganisationRegistered]) -> None:
        e = ev.event
        path = self.tree.learn(s.org_id, e.parent_id, e.level).path
        row = dict(_BLANK)
        row.update(
            org_id=s.org_id,
            parent_id=e.parent_id,
            path=path,
            depth=path.count("/") - 1,
            name=e.name,
            level=e.level,
            registered_on=ev.on,
            term_number=0,
            internal="{}",
            stream_version=ev.version,
        )
        row.update(unit_columns(e.unit))
        s.row = row

    def _unit_facts(self, s: RegisterState, ev: Ev[_UnitEvent]) -> None:
        row_of(s, ev).update(unit_columns(ev.event.unit))

    def _members(self, s: RegisterState, ev: Ev[catalogue.MembersRecruited]) -> None:
        row, e = row_of(s, ev), ev.event
        row["members"], row["female_members"], row["employees"] = e.members, e.female_members, e.employees

    def _legal_person(self, s: RegisterState, ev: Ev[catalogue.LegalPersonRegistered]) -> None:
        row = row_of(s, ev)
        row["legal_person_no"], row["legal_person_on"] = ev.event.registration_no, ev.on

    def _congress_type(self, s: RegisterState, ev: Ev[catalogue.CongressTypeDecided]) -> None:
        e = ev.event
        s.pending.setdefault(ev.pid, {}).update(form=e.form, congress_type=e.congress_type)
        row_of(s, ev)

    # Facts of an election under way that its approval will install, as ResultsFiled's are.

    def _representatives(self, s: RegisterState, ev: Ev[catalogue.RepresentativesElected]) -> None:
        row_of(s, ev)
        s.pending.setdefault(ev.pid, {})["representatives"] = ev.event.representatives

    def _candidates(self, s: RegisterState, ev: Ev[catalogue.CandidatesProposed]) -> None:
        # The way the chair is to be elected, until ChairElected says how it was: read from the
        # proposal only when the register needs it (`RegisterState.settle`: to install results or
        # show an election under way), so the ones superseded, most of them, are never decoded (the
        # log's largest payloads).
        row_of(s, ev)
        s.pending.setdefault(ev.pid, {})
        s.proposed[ev.pid] = ev

    def _congress(self, s: RegisterState, ev: Ev[Any]) -> None:
        # An election's congress (CongressHeld): the workflow records only one with quorum (R-QUORUM).
        held_congress(row_of(s, ev), ev.on)

    def _annual_congress(self, s: RegisterState, ev: Ev[catalogue.AnnualCongressHeld]) -> None:
        row = row_of(s, ev)
        if ev.event.quorate:  # R-ANNUAL: a congress without quorum does not count
            held_congress(row, ev.on)

    def _chair_elected(self, s: RegisterState, ev: Ev[catalogue.ChairElected]) -> None:
        # RULES.md §7: the congress directly (直选) or the new committee; installed on approval.
        s.proposed.pop(ev.pid, None)
        s.pending.setdefault(ev.pid, {})["chair_elected_by"] = ev.event.by
        row_of(s, ev)

    def _results_filed(self, s: RegisterState, ev: Ev[catalogue.ResultsFiled]) -> None:
        e = ev.event
        elected = {k: getattr(e, k) for k in _ELECTED}
        s.pending.setdefault(ev.pid, {}).update(elected, chair_full_time=e.fulltime_chair)  # R-FULLTIME
        row_of(s, ev)

    def _start_term(
        self, s: RegisterState, row: dict[str, Any], start: str, years: int, end: str, by: str, on: str
    ) -> None:
        if s.terms:
            prev = s.terms[-1]
            prev["succeeded_on"], prev["succeeded_approved_on"] = start, on
            prev["on_time"] = reelected_on_time(prev["deadline"], on)  # R-ON-TIME: by the approval
        row["term_number"] += 1
        row["term_start"], row["term_years"], row["term_end"] = start, years, end
        row["deadline"], row["extension_until"] = end, None
        s.terms.append(
            {
                "org_id": s.org_id,
                "term_no": row["term_number"],
                "path": row["path"],
                "start": start,
                "years": years,
                "end": end,
                "deadline": end,
                "extended": False,
                "started_by": by,
                "started_on": on,
                "succeeded_on": None,
                "succeeded_approved_on": None,
                "on_time": None,
                "chair_elected_by": None,
                "chair_full_time": None,
            }
        )

    def _results_approved(self, s: RegisterState, ev: Ev[catalogue.ResultsApproved]) -> None:
        # R-FOUNDED / R-REELECTION: the approval installs the bodies elected and starts the term
        # on the congress date (R-TERM-END computed by the workflow and carried in the event).
        row, e = row_of(s, ev), ev.event
        s.settle(ev.pid)
        elected = s.pending.pop(ev.pid, {})
        self._start_term(s, row, e.term_start.isoformat(), e.term_years, e.term_end.isoformat(), ev.pid, ev.on)
        if row["founded_at_latest"] is None:  # the founding's approval (R-FOUNDED)
            row["founded_on"] = row["founded_at_latest"] = ev.on
            row["founding_document_no"] = e.document_no
        row["form"] = elected.get("form", row["form"])
        row["congress_type"] = elected.get("congress_type", row["congress_type"])
        representative = row["congress_type"] == "representative_congress"
        row["representatives"] = elected.get("representatives") if representative else None
        row["committee_size"] = len(elected.get("committee", []))
        row["committee"] = dumps(elected.get("committee", []))
        row["vice_chairs"] = dumps(elected.get("vice_chairs", []))
        row["funds_review"] = dumps(elected.get("funds_review", []))
        row["chair"] = elected.get("chair")
        row["funds_review_director"] = elected.get("funds_review_director")
        row["women_director"] = elected.get("women_director")
        row["acting_chair"] = None
        set_chair_facts(s, row, elected.get("chair_elected_by", "congress"), elected.get("chair_full_time", False))

    def _imported(self, s: RegisterState, ev: Ev[catalogue.ExistingTermImported]) -> None:
        # What the registry gave, as workflow.imported folds it; the rest stays NULL (unknown).
        row, e = row_of(s, ev), ev.event
        start = e.term_start.isoformat()
        self._start_term(s, row, start, e.term_years, e.term_end.isoformat(), "import", start)
        founded = iso(e.founded_on)
        row["founded_on"], row["founding_document_no"] = founded, e.founding_document_no
        row["founded_at_latest"] = founded or start
        size = e.committee_size
        row["form"] = None if size is None else "committee" if size > 1 else "chair"
        row["committee"], row["committee_size"] = dumps(e.committee), size
        row["chair"], row["vice_chairs"] = e.chair, dumps(e.vice_chairs)
        row["congress_type"], row["representatives"] = e.congress_type, e.representatives
        row["legal_person_no"], row["legal_person_on"] = e.legal_person_no, iso(e.legal_person_on)
        last = iso(e.last_congress_on)
        if last is not None and (row["last_congress_on"] is None or last > row["last_congress_on"]):
            row["last_congress_on"] = last
        # What the registry says of the chair, when it says (unknown stays NULL).
        set_chair_facts(s, row, e.chair_elected_by, e.chair_full_time)
        if e.extension_deadline is not None:  # R-EXTENSION: approved, in force
            extended = e.extension_deadline.isoformat()
            row["deadline"] = row["extension_until"] = extended
            s.terms[-1]["deadline"], s.terms[-1]["extended"] = extended, True

    def _extension(self, s: RegisterState, ev: Ev[catalogue.ExtensionApproved]) -> None:
        # R-EXTENSION: only the approval moves the deadline.
        row = row_of(s, ev)
        new = ev.event.new_deadline.isoformat()
        row["deadline"] = row["extension_until"] = new
        if s.terms:
            s.terms[-1]["deadline"], s.terms[-1]["extended"] = new, True

    def _vacancy(self, s: RegisterState, ev: Ev[catalogue.ChairVacancyRecorded]) -> None:
        row = row_of(s, ev)
        row["chair"], row["acting_chair"] = None, ev.event.acting_chair

    def _by_election(self, s: RegisterState, ev: Ev[catalogue.ByElectionApproved]) -> None:
        row = row_of(s, ev)
        row["chair"], row["acting_chair"] = ev.event.chair, None
        # A vice-chair elected chair leaves the vice-chair's post (as workflow.by_election does).
        leave_vice_chair(row, row["chair"])

    def _vice_chair_removed(self, s: RegisterState, ev: Ev[catalogue.ViceChairRemoved]) -> None:
        # R-REMOVAL: the congress removed a vice-chair from the post (the committee is unchanged).
        leave_vice_chair(row_of(s, ev), ev.event.vice_chair)

    def _region(self, s: RegisterState, ev: Ev[Any]) -> dict[str, Any]:
        if s.settings is None:
            path = row_of(s, ev)["path"]
            s.settings = dict.fromkeys(SETTINGS_COLUMNS) | {"org_id": s.org_id, "path": path, "targets": {}}
        return s.settings

    def _profile_assigned(self, s: RegisterState, ev: Ev[catalogue.RuleProfileAssigned]) -> None:
        settings, e = self._region(s, ev), ev.event
        settings["profile_name"], settings["profile_version"] = e.profile_name, e.profile_version

    def _targets_set(self, s: RegisterState, ev: Ev[catalogue.CoverageTargetsSet]) -> None:
        self._region(s, ev)["targets"] = dict(ev.event.targets)

    def _dissolved(self, s: RegisterState, ev: Ev[catalogue.DissolutionApproved]) -> None:
        # R-DISSOLVE: from the approval's date the union leaves the coverage's denominators.
        row = row_of(s, ev)
        row["dissolved_on"], row["dissolution_reason"] = ev.on, ev.event.reason

    def _unit_covered(self, s: RegisterState, ev: Ev[catalogue.UnitCovered]) -> None:
        # RULES.md §7: a unit joined the joint union (or its facts changed while covered).
        row, unit_id = row_of(s, ev), ev.event.unit_id
        facts = unit_columns(ev.event.unit)
        for c in s.covered:
            if c["unit_id"] == unit_id and c["until"] is None:
                c.update(facts)
                return
        stint = 1 + sum(1 for c in s.covered if c["unit_id"] == unit_id)
        s.covered.append(
            {"org_id": s.org_id, "unit_id": unit_id, "stint": stint, "path": row["path"], "since": ev.on}
            | {"until": None, **facts}
        )

    def _unit_left(self, s: RegisterState, ev: Ev[catalogue.CoveredUnitLeft]) -> None:
        row_of(s, ev)
        unit_id = ev.event.unit_id
        for c in s.covered:
            if c["unit_id"] == unit_id and c["until"] is None:
                c["until"] = ev.on

    def _withdrawn(self, s: RegisterState, ev: Ev[Any]) -> None:
        s.pending.pop(ev.pid, None)
        s.proposed.pop(ev.pid, None)
        row_of(s, ev)

    def finish(self, s: RegisterState, version: int) -> None:
        # Every event of the stream advances it, so a reader can tell that the register has seen
        # a command's events (read-your-writes by version), even steps it has nothing to show for.
        if s.row is not None:
            s.row["stream_version"] = version

    # ------------------------------------------------------------------ rows

    def render(self, s: RegisterState) -> Rows:
        row = s.row
        if row is None:
            return {}
        s.settle()
        row["internal"] = dumps(s.pending)
        settings = s.settings
        union = {"union_founded_on": row["founded_at_latest"], "union_dissolved_on": row["dissolved_on"]}
        covered = [c | union for c in s.covered]
        path = row["path"]
        return {
            "proj_orgs": [_ORG_ROW(row)],
            "proj_terms": [_TERM_ROW(t) for t in s.terms],
            "proj_region_settings": []
            if settings is None
            else [tuple(dumps(settings[c]) if c == "targets" else settings[c] for c in SETTINGS_COLUMNS)],
            "proj_covered_units": [_COVERED_ROW(c) for c in covered],
            "proj_coverage_marks": [(path, *m) for m in coverage_marks(row, s.terms, covered)],
        }

    def owner(self, s: RegisterState, table: str) -> str | None:
        if table == "proj_coverage_marks":
            return None if s.row is None else str(s.row["path"])
        return None if table == "proj_coverage_tallies" else s.org_id

    def load(
        self, conn: Connection, tables: Mapping[str, sa.Table], org_ids: Sequence[str]
    ) -> dict[str, RegisterState]:
        out: dict[str, RegisterState] = {}
        for org_id, rows in rows_by_org(conn, tables["proj_orgs"], org_ids).items():
            s = out[org_id] = RegisterState(org_id)
            s.row = rows[0]
            s.pending = loads(rows[0]["internal"]) or {}
        for org_id, rows in rows_by_org(conn, tables["proj_terms"], org_ids, ("org_id", "term_no")).items():
            if org_id in out:
                out[org_id].terms = rows
        for org_id, rows in rows_by_org(conn, tables["proj_region_settings"], org_ids).items():
            if org_id in out:
                out[org_id].settings = rows[0] | {"targets": loads(rows[0]["targets"])}
        covered = rows_by_org(conn, tables["proj_covered_units"], org_ids, ("org_id", "since", "unit_id", "stint"))
        for org_id, rows in covered.items():
            if org_id in out:
                out[org_id].covered = rows
        return out
