"""A union founded before unionflow, brought in from a registry (an administrator's import) with
its current term and what the registry knows of it: its founding, the congress that elected the
term, the committee and its officers, the last congress, an approved extension in force and the
legal-person registration.

Every fact but the term is optional, and each is checked like the same fact entered through the
workflow, by the same guards (R-TERM, R-EXTENSION, R-CONGRESS-TYPE, R-REP-BANDS, R-COMMITTEE-SIZE,
R-FORM-25, R-ELECTED, DATE-ORDER); a refusal names the field it is about (`rules.on_field`).
What is missing stays unknown: the fold never takes the term's start for the founding date or
for the last congress, and a union whose register does not say how its congress is made up has
no known electorate (`workflow.by_election.congress_electorate`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import Field

from events.catalogue import CongressType, ExistingTermImported
from workflow import rules
from workflow.authority import Actor, require_admin_over
from workflow.bounds import Date, Name
from workflow.command import UnionCommand, handles
from workflow.kinds import existing
from workflow.profile import RuleProfile
from workflow.state import UnionState

if TYPE_CHECKING:
    from workflow.unit_of_work import Decision, UnitOfWork

# Who moved the deadline of an imported term's extension (`Term.extension_procedure`): the
# register, not a procedure here.
IMPORTED = "import"

DocumentNo = Name


class ImportExistingTerm(UnionCommand):
    """Bring in a union founded before unionflow with its current term (an administrator's
    registry import), so its deadline feeds the alerts from day one; every other fact is
    optional, and unknown when not given."""

    examples: ClassVar[list[dict[str, Any]]] = [
        {"term_start": "2022-06-30", "term_years": 5, "chair": "王芳", "occurred_on": "2026-11-01"},
        {
            "term_start": "2022-06-30",
            "term_years": 5,
            "founded_on": "2013-05-20",
            "founding_document_no": "江工发〔2013〕12号",
            "congress_type": "members_meeting",
            "committee": ["王芳", "李强", "张敏"],
            "chair": "王芳",
            "vice_chairs": ["李强"],
            "chair_elected_by": "congress",
            "chair_full_time": False,
            "last_congress_on": "2025-12-20",
            "legal_person_no": "工法证字第420102000123号",
            "legal_person_on": "2013-07-01",
            "occurred_on": "2026-11-01",
        },
    ]

    term_start: Date = Field(description="The current term's start (its electing congress)")
    term_years: int = Field(ge=1, description="R-TERM: 3 or 5 years under the national profile")
    chair: Name | None = None
    source: str = Field(default="import", min_length=1, max_length=200, description="Where the record comes from")
    founded_on: Date | None = Field(
        default=None,
        description="R-FOUNDED: the founding approval's date, as the registry gives it (before the term's start, "
        "or after it for a first term, whose congress the approval follows); unknown when not given, never the "
        "term's start",
    )
    founding_document_no: DocumentNo | None = Field(default=None, description="The founding approval's document")
    congress_type: CongressType | None = Field(
        default=None, description="R-CONGRESS-TYPE: the congress that elected the term (a members' meeting up to 100)"
    )
    representatives: int | None = Field(
        default=None, ge=1, description="R-REP-BANDS: the representatives of a representative congress (required then)"
    )
    committee: list[Name] = Field(default_factory=list, description="The committee's members, if named")
    committee_size: int | None = Field(
        default=None, ge=1, description="R-COMMITTEE-SIZE: how many sit on the committee (the names' number if given)"
    )
    vice_chairs: list[Name] = Field(default_factory=list)
    chair_elected_by: Literal["congress", "committee"] | None = Field(
        default=None, description="Who elected the chair: the congress directly (直选) or the committee"
    )
    chair_full_time: bool | None = Field(default=None, description="R-FULLTIME: the chair is full-time (专职)")
    last_congress_on: Date | None = Field(
        default=None, description="R-ANNUAL: the last congress (yearly or electoral), not before the term's start"
    )
    extension_deadline: Date | None = Field(
        default=None, description="R-EXTENSION: an approved extension in force: the new deadline"
    )
    extension_document_no: DocumentNo | None = Field(default=None, description="The extension's approval document")
    legal_person_no: DocumentNo | None = Field(default=None, description="The legal-person registration's number")
    legal_person_on: Date | None = Field(default=None, description="The legal-person registration's date")


@handles(ImportExistingTerm)
def import_existing_term(cmd: ImportExistingTerm, union: UnionState, uow: UnitOfWork, actor: Actor) -> Decision:
    # A registry import is the administrators' work, like the tree it fills.
    require_admin_over(actor, existing(union).org_id, uow.ancestors(union.parent_id))
    return None, [decide_import_term(union, cmd, uow.profile_of(union))]


def decide_import_term(union: UnionState, cmd: ImportExistingTerm, profile: RuleProfile) -> ExistingTermImported:
    """A union founded before unionflow, brought in with its current term. Only a union that has no
    history here yet: once unionflow knows a union, its terms come from its elections."""
    rules.require_term_holding_level(union.org_id, union.level)
    rules.require_no_term(union.org_id, union.term)
    rules.require_no_history(union.org_id, list(union.procedures))
    with rules.on_field("term_start"):
        rules.require_term_started_by(cmd.term_start, cmd.occurred_on)
    with rules.on_field("term_years"):
        years = rules.check_term_years(cmd.term_years, profile)  # R-TERM
    end, reckoned = rules.reckon_term_end(cmd.term_start, cmd.term_years)
    evidence: list[rules.Evidence] = [years, reckoned]
    _check_dates(cmd, end)
    evidence += _check_congress_and_committee(union, cmd, profile)
    if cmd.extension_deadline is not None:
        with rules.on_field("extension_deadline"):
            evidence.append(rules.check_extension(end, cmd.extension_deadline, profile))
    if cmd.chair_full_time is not None and union.unit is not None:
        evidence += rules.fulltime_chair_warning(union.unit.employees, cmd.chair_full_time, profile)
    # The facts given, as given (what is not given keeps the event's default: unknown).
    given = {f: v for f in _EVENT_FACTS if (v := getattr(cmd, f)) is not None and v != []}
    return ExistingTermImported(
        org_id=union.org_id,
        **given,
        term_end=end,
        committee_size=len(cmd.committee) if cmd.committee else cmd.committee_size,
        evidence=evidence,
    )


# The command's facts the event records as given (the rest it derives or checks).
_EVENT_FACTS = tuple(
    sorted(set(ExistingTermImported.model_fields) - {"org_id", "term_end", "committee_size", "evidence"})
)


def _check_dates(cmd: ImportExistingTerm, term_end: dt.date) -> None:
    """DATE-ORDER: every fact is dated by the import that records it; the last congress not before
    the term began; the registration not before the founding; the founding before the term ended
    (a first term's own approval follows its congress, so it may fall after the term's start)."""
    for field, on in (
        ("founded_on", cmd.founded_on),
        ("last_congress_on", cmd.last_congress_on),
        ("legal_person_on", cmd.legal_person_on),
    ):
        if on is not None:
            with rules.on_field(field):
                rules.require_dated_by_import(field, on, cmd.occurred_on)
    if cmd.founded_on is not None:
        with rules.on_field("founded_on"):
            rules.require_dates_in_order(("the founding approval", cmd.founded_on), ("the term end", term_end))
    last = cmd.last_congress_on
    if last is not None:
        with rules.on_field("last_congress_on"):
            rules.require_dates_in_order(("the term's start", cmd.term_start), ("the last congress", last))
    if cmd.legal_person_on is not None:
        with rules.on_field("legal_person_on"):
            rules.require_given_with("R-FOUNDED", "legal_person_on", "legal_person_no", cmd.legal_person_no is not None)
            if cmd.founded_on is not None:
                rules.require_dates_in_order(
                    ("the founding approval", cmd.founded_on), ("the legal-person registration", cmd.legal_person_on)
                )
    if cmd.extension_document_no is not None:
        with rules.on_field("extension_document_no"):
            given = cmd.extension_deadline is not None
            rules.require_given_with("R-EXTENSION", "extension_document_no", "extension_deadline", given)


def _check_congress_and_committee(
    union: UnionState, cmd: ImportExistingTerm, profile: RuleProfile
) -> list[rules.Evidence]:
    """The congress that elected the term (R-CONGRESS-TYPE, R-REP-BANDS) and the committee in
    office with its officers (R-COMMITTEE-SIZE, R-FORM-25, R-ELECTED), against the unit's members."""
    members = union.unit.members if union.unit is not None else 0
    evidence: list[rules.Evidence] = []
    if cmd.congress_type is not None:
        with rules.on_field("congress_type"):
            evidence.append(rules.check_congress_type(members, cmd.congress_type, profile))
        with rules.on_field("representatives"):
            rules.require_representatives_on_record(cmd.congress_type, cmd.representatives)
    if cmd.representatives is not None:
        with rules.on_field("representatives"):
            given = cmd.congress_type is not None
            rules.require_given_with("R-CONGRESS-TYPE", "representatives", "congress_type", given)
            rules.require_representative_congress(cmd.congress_type)
            evidence.append(rules.check_representative_count(members, cmd.representatives, profile))
    if not cmd.committee and cmd.committee_size is None and not cmd.vice_chairs:
        return evidence  # the registry did not describe the committee
    with rules.on_field("committee"):
        rules.require_distinct_names(cmd.committee, "the committee")
    with rules.on_field("committee_size"):
        rules.require_committee_count(cmd.committee, cmd.committee_size)
    seats = len(cmd.committee) if cmd.committee else cmd.committee_size
    if seats is not None:
        with rules.on_field("committee" if cmd.committee else "committee_size"):
            evidence.append(rules.check_committee_on_record(members, seats, profile))
    if cmd.committee:
        with rules.on_field("chair"):
            rules.require_officers_from_committee(cmd.chair, [], cmd.committee)
    with rules.on_field("vice_chairs"):
        rules.require_distinct_officers(cmd.chair, cmd.vice_chairs)
        if cmd.committee:
            rules.require_officers_from_committee(None, cmd.vice_chairs, cmd.committee)
        elif seats is not None:
            rules.require_officers_within_committee(len(cmd.vice_chairs) + (cmd.chair is not None), seats)
    return evidence


def apply(union: UnionState, ev: ExistingTermImported) -> None:
    """The fold of an import: the term and the facts the register gave, nothing more (what it did
    not give stays None: the founding date, the last congress, the congress's electorate)."""
    term = union.start_term(ev.term_start, ev.term_years, ev.term_end, started_by=None, since=ev.term_start)
    term.chair_elected_by = ev.chair_elected_by
    term.congress_type = ev.congress_type
    term.representatives = ev.representatives if ev.congress_type == "representative_congress" else None
    if ev.extension_deadline is not None:
        term.deadline, term.extension_procedure = ev.extension_deadline, IMPORTED  # R-EXTENSION: one per term
    union.founded_on = union.founded_on or ev.founded_on
    # DATE-ORDER: a union the register brings in existed before it was registered here; its
    # records may be dated from what the register knows of its beginning (the founding, else the
    # term's start), as the term's own facts are (`chair_since`, `term_since`).
    began = ev.founded_on or ev.term_start
    if union.registered_on is None or began < union.registered_on:
        union.registered_on = began
    union.chair, union.vice_chairs = ev.chair, list(ev.vice_chairs)
    union.committee, union.committee_size = list(ev.committee), ev.committee_size
    union.legal_person_no = ev.legal_person_no
    last = ev.last_congress_on
    if last is not None and (union.last_congress_on is None or last > union.last_congress_on):
        union.last_congress_on = last
