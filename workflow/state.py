"""What the fold rebuilds from a union's stream: the union's facts and term, and each procedure's
state. Plain data; the procedure modules fill it, the command handlers read it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from events.catalogue import Candidate, OrgLevel, PrepGroupMember, UnitFacts
from workflow.profile import RuleProfile


@dataclass
class Term:
    number: int
    start: dt.date
    years: int
    end: dt.date  # R-TERM-END
    deadline: dt.date  # the end, or the approved extension's end (R-EXTENSION)
    started_by: str | None  # the procedure whose approval started it; None when imported
    since: dt.date  # the day it became the current term: its approval (an imported term: its start)
    extension_procedure: str | None = None
    early_reelection_procedure: str | None = None  # R-EARLY approval, if any
    early_congress_on: dt.date | None = None
    # Who elected the chair this term ("congress" or "committee"; None for an imported term) and,
    # at a representative congress, how many representatives: a by-election of the chair is held
    # by the same body, and everyone in it with a vote is due to attend (R-VACANCY, R-QUORUM).
    chair_elected_by: str | None = None
    representatives: int | None = None
    # The congress that elected the term (R-CONGRESS-TYPE); None for an imported term whose
    # register does not say: then nobody knows who is due at its congress (R-ANNUAL, R-REMOVAL).
    congress_type: str | None = None


@dataclass(frozen=True)
class ProfileAssignment:
    """A rule profile an administrator assigned to an organisation (RULES.md §5): by name, and by
    version or (None) the latest version when a procedure opens; `org_id` is where it was assigned."""

    org_id: str
    name: str
    version: int | None = None


@dataclass
class PendingRunoff:
    """A body whose seats are not all decided after the congress (R-TIE or R-SHORTFALL)."""

    body: str
    reason: str  # "tie" | "shortfall"
    seats: int
    candidates: list[str]


@dataclass
class ElectionProgress:
    """Steps 4–7 of founding (RULES.md §3), shared by founding and re-election (R-REELECTION)."""

    congress_type: str | None = None
    form: str | None = None
    members: int = 0
    committee_seats: int = 0
    women_organisation: str | None = None
    representatives: int | None = None
    committee_candidates: list[Candidate] = field(default_factory=list)
    chair_candidates: list[Candidate] = field(default_factory=list)
    funds_review_seats: int = 0
    funds_review_candidates: list[Candidate] = field(default_factory=list)
    chair_elected_by: str = "congress"
    posted_on: dt.date | None = None
    candidates_approved_on: dt.date | None = None
    congress_on: dt.date | None = None
    present: int | None = None  # at the congress's last sitting (its vote, or a runoff's)
    committee: list[str] = field(default_factory=list)
    funds_review: list[str] = field(default_factory=list)
    runoffs: list[PendingRunoff] = field(default_factory=list)
    chair: str | None = None
    vice_chairs: list[str] = field(default_factory=list)
    # The seats as proposed, before an R-SHORTFALL reduction: a congress held again elects these.
    proposed_committee_seats: int = 0
    proposed_funds_review_seats: int = 0
    funds_review_director: str | None = None
    finance_person: str | None = None
    women_director: str | None = None
    term_years: int | None = None

    @property
    def electorate(self) -> int:
        """Who is due to vote at the congress: members, or representatives at a representative
        congress (R-CONGRESS-TYPE)."""
        if self.congress_type == "representative_congress":
            return self.representatives or 0
        return self.members


@dataclass
class Procedure:
    procedure_id: str
    kind: str
    state: str
    profile: RuleProfile
    opened_on: dt.date
    last_moved_on: dt.date
    filed_on: dt.date | None = None  # when the filing now waiting on the higher-level union was made
    history: list[str] = field(default_factory=list)  # states passed through, for the diagram's path

    def pending_runoffs(self) -> list[str]:
        """The bodies whose seats wait for a runoff (R-TIE, R-SHORTFALL): none outside an election."""
        election: ElectionProgress | None = getattr(self, "election", None)
        return [r.body for r in election.runoffs] if election is not None else []


@dataclass
class FoundingProcedure(Procedure):
    unit: UnitFacts | None = None
    initiators: list[str] = field(default_factory=list)
    prep_group: list[PrepGroupMember] = field(default_factory=list)
    prep_group_approved_on: dt.date | None = None
    members: int = 0
    female_members: int = 0
    employees: int = 0
    election: ElectionProgress = field(default_factory=ElectionProgress)
    registration_no: str | None = None


@dataclass
class ReelectionProcedure(Procedure):
    plan: str = ""
    planned_congress_on: dt.date | None = None
    early: bool = False
    election: ElectionProgress = field(default_factory=ElectionProgress)


@dataclass
class TermChangeProcedure(Procedure):
    """An extension (延期换届, R-EXTENSION) or an early re-election (提前换届, R-EARLY)."""

    reason: str = ""
    term_end: dt.date | None = None
    new_deadline: dt.date | None = None
    planned_congress_on: dt.date | None = None


@dataclass
class ByElectionProcedure(Procedure):
    departed_chair: str | None = None
    acting_chair: str = ""
    vacant_since: dt.date | None = None
    by_election_due: dt.date | None = None
    candidates: list[Candidate] = field(default_factory=list)
    planned_on: dt.date | None = None
    posted_on: dt.date | None = None  # when the candidate list was posted (R-NOTICE)
    elected: str | None = None


@dataclass
class DissolutionProcedure(Procedure):
    """A dissolution (注销, R-DISSOLVE) filed with the higher-level union."""

    reason: str = ""
    unit_changed_on: dt.date | None = None
    congress_on: dt.date | None = None
    filed_by: str = "union"


@dataclass
class CoveredUnitState:
    """A unit a joint grassroots union covers (or covered: `left_on`), with its current facts."""

    unit: UnitFacts
    since: dt.date
    left_on: dt.date | None = None


@dataclass
class UnionState:
    """An organisation as its stream tells it. For a grassroots union, also its term, its elected
    bodies and its procedures."""

    org_id: str
    version: int = 0
    name: str = ""
    level: OrgLevel | None = None
    parent_id: str | None = None
    unit: UnitFacts | None = None
    founded_on: dt.date | None = None
    term: Term | None = None
    terms: int = 0
    committee: list[str] = field(default_factory=list)
    # How many sit on the committee when the register gave their number without their names
    # (an imported term); with names, `committee` says it.
    committee_size: int | None = None
    chair: str | None = None
    vice_chairs: list[str] = field(default_factory=list)
    funds_review: list[str] = field(default_factory=list)
    acting_chair: str | None = None
    legal_person_no: str | None = None
    last_congress_on: dt.date | None = None
    # The dates of the facts later records depend on (DATE-ORDER): the union's registration, and
    # the approvals that installed the chair and the vice-chairs in office (an imported term's start).
    registered_on: dt.date | None = None
    chair_since: dt.date | None = None
    vice_chairs_since: dt.date | None = None
    # Settings of a region (RULES.md §5, §7): assigned here, not inherited (the unit of work finds
    # the nearest organisation's).
    rule_profile: ProfileAssignment | None = None
    coverage_targets: dict[str, float] = field(default_factory=dict)
    procedures: dict[str, Procedure] = field(default_factory=dict)
    # R-DISSOLVE: the day the higher-level union approved the dissolution; the record is closed then.
    dissolved_on: dt.date | None = None
    dissolution_reason: str | None = None
    # A joint grassroots union's units (RULES.md §7), by their id, those that left included.
    covered_units: dict[str, CoveredUnitState] = field(default_factory=dict)

    @property
    def exists(self) -> bool:
        return self.version > 0

    @property
    def founded(self) -> bool:
        """Founded here (the approval's date), or imported with a term: a union holds a term only
        once founded, even when the register does not give its founding date."""
        return self.founded_on is not None or self.terms > 0

    def start_term(self, start: dt.date, years: int, end: dt.date, started_by: str | None, since: dt.date) -> Term:
        """A new term, numbered after the last, current from `since`, whose deadline is its end
        until an extension is approved (R-TERM-END, R-EXTENSION); its chair and vice-chairs are
        installed with it."""
        self.terms += 1
        self.term = Term(self.terms, start, years, end, deadline=end, started_by=started_by, since=since)
        self.chair_since = self.vice_chairs_since = since
        return self.term

    def dated_facts(self) -> dict[str, tuple[str, dt.date | None]]:
        """The facts a union's records depend on (DATE-ORDER), by the names commands give them in
        `depends_on`: what each is, and its date (None when there is none)."""
        term = self.term
        return {
            "registered_on": (
                "the union's registration (an imported union's founding, else its term's start)",
                self.registered_on,
            ),
            "term_start": ("the current term's start", term.start if term else None),
            "term_since": (
                "the approval (or import) that put the current term in office",
                term.since if term else None,
            ),
            "chair_since": ("the approval (or import) that installed the chair in office", self.chair_since),
            "vice_chairs_since": ("the approval (or import) that installed the vice-chairs", self.vice_chairs_since),
        }

    def leave_vice_chair(self, name: str) -> None:
        """`name` no longer holds a vice-chair's post (removed, or elected chair)."""
        self.vice_chairs = [v for v in self.vice_chairs if v != name]

    def procedures_of(self, kind: str) -> list[Procedure]:
        return [p for p in self.procedures.values() if p.kind == kind]
