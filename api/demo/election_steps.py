"""The election phase of a founding or a re-election (RULES.md §3 steps 4-8): the congress type,
the representatives, the candidates (proposed, posted, filed, approved), the congress's votes, the
chair's election and the results filed."""

from __future__ import annotations

from api.demo.elections import Election, ballot
from api.demo.naming import REJECTIONS
from api.demo.story import Story
from api.demo.timeline import Item
from events.catalogue import Candidate
from workflow import commands as c
from workflow import rules


def election_items(s: Story, pid: str, e: Election, *, reject: str | None = None) -> list[Item]:
    """Congress type to results filed; `reject` adds a rejected candidate list ("candidates")
    or rejected results ("results") and the filing made again."""
    items = _congress_type_items(s, pid, e)
    if reject == "candidates":
        # The first list had someone R-INELIGIBLE would have stopped later: sent back, proposed again.
        first = [*e.committee[:-1], s.people.names(1)[0]]
        items += [*_candidate_items(s, pid, e, first), s.reject("candidates_rejected", pid, REJECTIONS["candidates"])]
    items += [*_candidate_items(s, pid, e, e.committee), s.approve("candidates_approved", pid, 2, 6)]
    # R-NOTICE on the official calendar: the gaps after posting (1-3, 2-6, then 13-20 days) leave at
    # least 16 days, enough for 5 working days after the longest run of days off (the Spring
    # Festival of 2020, extended to ten days) and for the 7 days of an enterprise chair list.
    congress, chair, results = _vote_items(s, pid, e)
    items += [congress, chair, results]
    if reject == "results":
        items += [
            s.reject("results_rejected", pid, REJECTIONS["results"], redo_from="congress"),
            Item("congress_held", 7, 20, congress.actor, congress.make),
            Item("chair_elected", 0, 0, chair.actor, chair.make),
            Item("results_filed", 2, 6, results.actor, results.make),
        ]
    return items


def _congress_type_items(s: Story, pid: str, e: Election) -> list[Item]:
    items = [
        s.command_step(
            "congress_type_decided",
            1,
            10,
            c.DecideCongressType,
            procedure_id=pid,
            congress_type=e.congress_type,
            committee_seats=e.seats,
        )
    ]
    if e.representatives:
        n = e.representatives
        items.append(
            s.command_step(
                "representatives_elected", 3, 12, c.ElectRepresentatives, procedure_id=pid, representatives=n
            )
        )
    return items


def _candidate_items(s: Story, pid: str, e: Election, names: list[str]) -> list[Item]:
    return [
        s.command_step(
            "candidates_proposed",
            1,
            10,
            c.ProposeCandidates,
            procedure_id=pid,
            committee_candidates=[Candidate(name=n) for n in names],
            chair_candidates=[Candidate(name=n) for n in e.chairs],
            funds_review_seats=e.funds_seats,
            funds_review_candidates=[Candidate(name=n) for n in e.funds],
            chair_elected_by=e.chair_elected_by,
        ),
        s.command_step("candidates_posted", 0, 1, c.PostCandidates, procedure_id=pid, where="单位公告栏及内网"),
        s.command_step(
            "candidates_filed",
            1,
            3,
            c.FileCandidates,
            procedure_id=pid,
            party_org=f"中共{e.unit_name}委员会" if e.has_party_org else None,
            party_approved=True if e.has_party_org else None,
        ),
    ]


def _vote_items(s: Story, pid: str, e: Election) -> tuple[Item, Item, Item]:
    """The congress's votes, the chair's election and the results filed."""
    u, rng = s.union_id, s.rng
    # The body that elects the chair, all of it due (R-ELECTED): the congress, or the new committee.
    due, present = (e.due, e.present) if e.chair_elected_by == "congress" else (e.seats, e.seats)
    congress = s.step(
        "congress_held",
        13,
        20,
        lambda on: c.HoldCongress(
            union_id=u,
            procedure_id=pid,
            due=e.due,
            present=e.present,
            committee_vote=ballot(rng, e.committee, e.seats, e.due, e.present),
            funds_review_vote=ballot(rng, e.funds, e.funds_seats, e.due, e.present),
            occurred_on=on,
        ),
    )
    chair = s.step(
        "chair_elected",
        0,
        0,
        lambda on: c.ElectChair(
            union_id=u,
            procedure_id=pid,
            chair=e.chair,
            vice_chairs=e.vice_chairs,
            due=due,
            yes=rng.randint(rules.majority_needed(due), present),
            # R-ELECTED: each vice-chair's votes; all present (at least 2/3 of those due, R-QUORUM).
            vice_chair_yes=dict.fromkeys(e.vice_chairs, present),
            occurred_on=on,
        ),
    )
    results = s.command_step(
        "results_filed",
        2,
        7,
        c.FileResults,
        procedure_id=pid,
        funds_review_director=e.funds[0],
        women_committee_formed=e.women_committee,
        women_director=e.women_director,
        fulltime_chair=e.fulltime_chair,
        term_years=e.term_years,
    )
    return congress, chair, results
