"""The steps the stateful workflow test sends: what a union would do next, done right (the right
person, sound numbers and dates), some other command it might send, and the same step with numbers
that break the rule it is checked against."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st

from tests.unit.workflow_support import COMMITTEE, FUNDS
from tests.unit.workflow_world import COUNTY, DAY, D, approver, ballot, candidates, staff, tallies, unit
from workflow import by_election, rules
from workflow import commands as c
from workflow.authority import Actor
from workflow.calendar import OFFICIAL_YEARS, add_months
from workflow.fold import KINDS
from workflow.profile import NATIONAL_DEFAULT, RuleProfile
from workflow.rules.candidates import earliest_congress_on
from workflow.state import ByElectionProcedure, ElectionProgress, Procedure, TermChangeProcedure, UnionState

# The stateful test runs terms on to 2200: the years beyond the calendar package are declared by
# the profile new procedures pin, as an administrator would (RULES.md §5).
DECLARED_YEARS = NATIONAL_DEFAULT.model_copy(
    update={"version": 2, "calendar_years": frozenset(range(OFFICIAL_YEARS.stop, 2201))}
)

PREP = [{"name": n} for n in ("甲", "乙", "丙", "丁")]


@dataclass(frozen=True)
class Step:
    cmd: c.Command
    actor: Actor
    must_pass: bool = True


# --------------------------------------------------------------------------- the next step, done right


def next_step(u: UnionState, on: dt.date, proc: Procedure | None) -> Step:
    """The step that takes `proc` (or, without one, the union) further, as the right person
    with sound numbers and dates."""
    me, parent = staff(u.org_id), approver(COUNTY)
    if proc is None:
        return Step(_opening(u, on), me)
    pid = {"union_id": u.org_id, "procedure_id": proc.procedure_id}
    approve = c.ApproveFiling(**pid, document_no="批复", occurred_on=on)
    if isinstance(proc, ByElectionProcedure):
        # a by-election overtaken by a re-election, or by a later vacancy, is moot (R-VACANCY)
        live = u.chair is None and u.procedures_of("by_election")[-1] is proc
        by = _by_election_step(u, proc, pid, on)
        return Step(by, me, must_pass=live) if by is not None else Step(approve, parent, must_pass=live)
    if KINDS[proc.kind].waits_on_approver(proc.state):
        if isinstance(proc, TermChangeProcedure):
            # a request for a term that has since been renewed cannot be approved
            return Step(approve, parent, must_pass=u.term is not None and u.term.end == proc.term_end)
        return Step(approve, parent)
    cmd = _preparing_step(u, proc.state, pid, on)
    if cmd is None:
        e = getattr(proc, "election", None)
        cmd = _election_step(e, proc.state, pid, on) if e is not None else None
    if cmd is None and proc.state == "founded":
        cmd = c.RegisterLegalPerson(**pid, registration_no="工法人-1", occurred_on=on)
    if cmd is None:
        raise AssertionError(f"no next step for {proc.kind} in {proc.state}")
    return Step(cmd, me)


def _opening(u: UnionState, on: dt.date) -> c.Command:
    """A union without a procedure under way: its founding, or once founded its re-election."""
    if not u.founded:
        return c.RequestFounding(union_id=u.org_id, unit=u.unit, initiators=["张三"], prep_group=PREP, occurred_on=on)
    assert u.term is not None
    on = max(on, rules.term_due_from(u.term.deadline, profile_of(u)))
    return c.OpenReelection(union_id=u.org_id, plan="换届方案", planned_congress_on=on + 60 * DAY, occurred_on=on)


def _by_election_step(u: UnionState, proc: ByElectionProcedure, pid: dict[str, Any], on: dt.date) -> c.Command | None:
    """The by-election's own steps (None: its approval)."""
    if proc.state == "vacant":
        return c.RequestByElection(
            **pid,
            candidates=candidates(["孙", "李"]),
            planned_on=on + 30 * DAY,
            party_org="公司党支部",
            party_approved=True,
            occurred_on=on,
        )
    if proc.state == "consented":
        # the body that elected the chair holds it, all of it due (R-VACANCY, R-QUORUM)
        due = (by_election.electorate(u) or (7, ""))[0]
        vote = ballot(1, due, {"孙": due // 2 + 1, "李": due - due // 2 - 1})
        # R-NOTICE: held once the list posted with the request has had its notice.
        posted = proc.posted_on or on
        held_on = max(on, earliest_congress_on(posted, "enterprise", True, DECLARED_YEARS))
        return c.HoldByElection(**pid, due=due, present=due, vote=vote, occurred_on=held_on)
    return None


def _preparing_step(u: UnionState, state: str, pid: dict[str, Any], on: dt.date) -> c.Command | None:
    """An election's steps before the congress."""
    match state:
        case "request_rejected":
            return c.ResubmitFoundingRequest(**pid, unit=u.unit, initiators=["张三"], prep_group=PREP, occurred_on=on)
        case "preparing":
            return c.RecordMembersRecruited(**pid, members=80, female_members=12, employees=120, occurred_on=on)
        case "members_recruited" | "plan_approved":
            return c.DecideCongressType(**pid, congress_type="members_meeting", committee_seats=7, occurred_on=on)
        case "congress_type_decided" | "candidates_rejected":
            return c.ProposeCandidates(
                **pid,
                committee_candidates=candidates(COMMITTEE),
                chair_candidates=candidates(["赵", "钱"]),
                funds_review_seats=3,
                funds_review_candidates=candidates(FUNDS),
                occurred_on=on,
            )
        case "candidates_proposed":
            return c.PostCandidates(**pid, occurred_on=on)
        case "candidates_posted":
            return c.FileCandidates(**pid, party_org="党支部", party_approved=True, occurred_on=on)
    return None


def _election_step(e: ElectionProgress, state: str, pid: dict[str, Any], on: dt.date) -> c.Command | None:
    """An election's steps from the congress to the filing of its results."""
    match state:
        case "candidates_approved":
            assert e.posted_on is not None
            due = e.electorate
            present = due - due // 4
            return c.HoldCongress(
                **pid,
                due=due,
                present=present,
                committee_vote=ballot(7, present, tallies(COMMITTEE, 7, due, present)),
                funds_review_vote=ballot(3, present, tallies(FUNDS, 3, due, present)),
                occurred_on=max(on, earliest_congress_on(e.posted_on, "enterprise", True, DECLARED_YEARS)),
            )
        case "runoff_needed":
            assert e.runoffs
            pending = e.runoffs[0]
            present = e.electorate
            counts = {n: (present if i < pending.seats else 0) for i, n in enumerate(pending.candidates)}
            vote = ballot(pending.seats, present, counts)
            return c.HoldRunoff(**pid, body=pending.body, due=present, present=present, vote=vote, occurred_on=on)
        case "congress_held":
            # a chair candidate the congress elected to the committee (a runoff may have left one out)
            chair = next(n for n in ("赵", "钱") if n in e.committee)
            vice_chairs = [n for n in ("钱",) if n in e.committee and n != chair]
            yes = e.electorate // 2 + 1
            votes = dict.fromkeys(vice_chairs, yes)
            return c.ElectChair(
                **pid,
                chair=chair,
                vice_chairs=vice_chairs,
                due=e.electorate,
                yes=yes,
                vice_chair_yes=votes,
                occurred_on=on,
            )
        case "chair_elected":
            return c.FileResults(
                **pid,
                funds_review_director="冯",
                women_committee_formed=True,
                women_director="孙",
                term_years=5,
                occurred_on=on,
            )
    return None


# --------------------------------------------------------------------------- other commands


def union_commands(u: UnionState, on: dt.date, data: st.DataObject) -> list[Step]:
    """Commands on the union itself, with drawn numbers: accepted or refused as the rules say."""
    union_id, me = u.org_id, staff(u.org_id)
    new_deadline = after_term(u, data.draw(st.integers(-1, 8)))
    planned = on + data.draw(st.integers(0, 900)) * DAY
    facts = unit(members=data.draw(st.sampled_from([80, 150])))
    # R-REMOVAL: a vice-chair removed at a members' meeting, by exactly half or by a majority.
    voters = u.unit.members if u.unit is not None else 80
    removal = c.RemovalVote(total=max(voters, 1), yes=voters // 2 + data.draw(st.integers(0, 1)))
    return [
        Step(c.RequestExtension(union_id=union_id, reason="x", new_deadline=new_deadline, occurred_on=on), me),
        Step(c.RequestEarlyReelection(union_id=union_id, reason="x", planned_congress_on=planned, occurred_on=on), me),
        Step(c.RecordChairVacancy(union_id=union_id, acting_chair="钱", reason="调离", occurred_on=on), me),
        Step(c.UpdateUnitFacts(union_id=union_id, unit=facts, occurred_on=on), me),
        Step(
            c.RemoveViceChair(
                union_id=union_id,
                vice_chair=(u.vice_chairs or ["钱"])[0],
                removal=removal,
                reason="x",
                occurred_on=on,
            ),
            me,
        ),
    ]


def procedure_commands(u: UnionState, on: dt.date, data: st.DataObject) -> list[Step]:
    """A withdrawal or a rejection of one of the union's procedures, whatever its state."""
    if not u.procedures:
        return []
    pid = {"union_id": u.org_id, "procedure_id": data.draw(st.sampled_from(sorted(u.procedures)))}
    redo = data.draw(st.sampled_from([None, "congress", "candidates", "congress_type"]))
    return [
        Step(c.WithdrawProcedure(**pid, reason="x", occurred_on=on), staff(u.org_id)),
        Step(c.RejectFiling(**pid, reasons="x", redo_from=redo, occurred_on=on), approver(COUNTY)),
    ]


# --------------------------------------------------------------------------- numbers


def profile_of(u: UnionState) -> RuleProfile:
    """The profile of the term's election (the default for an imported term)."""
    if u.term is not None and u.term.started_by in u.procedures:
        return u.procedures[u.term.started_by].profile
    return NATIONAL_DEFAULT


def after_term(u: UnionState, months: int) -> dt.date:
    end = u.term.end if u.term is not None else D(2024, 3, 1)
    return add_months(end, months) if months else end - DAY


def tied(cmd: c.HoldCongress, tied: int) -> c.HoldCongress:
    """The congress with the last committee seats tied (R-TIE): 8 - `tied` clear winners, then
    `tied` candidates with equal votes for the seats left. Everyone present votes, everyone named has
    a majority of those due, and no more votes are cast than the ballots allow (R-BALLOTS)."""
    due = present = cmd.due
    v = due // 2 + 1
    counts = {n: (v + 8 - i if i < 8 - tied else v) for i, n in enumerate(COMMITTEE)}
    return cmd.model_copy(
        update={
            "present": present,
            "committee_vote": ballot(7, present, counts),
            "funds_review_vote": ballot(3, present, tallies(FUNDS, 3, due, present)),
        }
    )


def break_numbers(cmd: c.Command) -> c.Command | None:
    """The same command with numbers that break the rule it is checked against."""
    match cmd:
        case c.RequestFounding() | c.ResubmitFoundingRequest():
            return cmd.model_copy(update={"prep_group": PREP[:2]})  # R-PREP-GROUP
        case c.DecideCongressType():
            return cmd.model_copy(update={"committee_seats": 9})  # R-COMMITTEE-SIZE
        case c.ProposeCandidates():
            return cmd.model_copy(update={"committee_candidates": cmd.committee_candidates[:7]})  # R-CANDIDATES
        case c.FileCandidates():
            return cmd.model_copy(update={"party_approved": None})  # R-VETTING
        case c.HoldCongress():
            return cmd.model_copy(update={"present": rules.quorum_needed(cmd.due) - 1})  # R-QUORUM
        case c.HoldRunoff():
            return cmd.model_copy(
                update={"vote": ballot(cmd.vote.seats, cmd.present, {"外人": 1})}
            )  # R-TIE / R-SHORTFALL
        case c.ElectChair():
            return cmd.model_copy(update={"yes": cmd.due // 2})  # R-ELECTED
        case c.FileResults():
            return cmd.model_copy(update={"term_years": 4})  # R-TERM
        case c.RequestByElection():
            return cmd.model_copy(update={"candidates": cmd.candidates[:1]})  # R-CHAIR-COMPETITIVE
        case c.HoldByElection():
            return cmd.model_copy(update={"present": rules.quorum_needed(cmd.due) - 1})  # R-QUORUM
    return None
