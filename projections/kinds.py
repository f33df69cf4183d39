"""What the read side knows about procedures, as data: which event opens which kind, where each
event leads, which states wait on the higher-level union (R-APPROVER) and which are closed.

This mirrors the workflow's machines (workflow/founding.py, reelection.py, term_change.py,
by_election.py, election.py) without importing them: projections depend on `events/` only. When a
machine changes, this table must change with it; an event that does not fit a kind here stops the
projection with an error naming the procedure, the kind and the event (never skipped).

Four events lead to different states depending on their content; the key then carries a variant
suffix (see `variant`): a congress or runoff that left seats open (R-TIE, R-SHORTFALL), a results
rejection naming the step to redo, a by-election that elected nobody."""

from __future__ import annotations

from typing import Any

FOUNDING = "founding"
REELECTION = "reelection"
EXTENSION = "extension"
EARLY_REELECTION = "early_reelection"
BY_ELECTION = "by_election"

OPENED_BY: dict[str, str] = {
    "FoundingRequested": FOUNDING,
    "ReelectionOpened": REELECTION,
    "ExtensionRequested": EXTENSION,
    "EarlyReelectionRequested": EARLY_REELECTION,
    "ChairVacancyRecorded": BY_ELECTION,
}

INITIAL: dict[str, str] = {
    FOUNDING: "requested",
    REELECTION: "plan_filed",
    EXTENSION: "requested",
    EARLY_REELECTION: "requested",
    BY_ELECTION: "vacant",
}

# RULES.md §3 steps 4–8, shared by founding and re-election (R-REELECTION).
_ELECTION: dict[str, str] = {
    "CongressTypeDecided": "congress_type_decided",
    "RepresentativesElected": "representatives_elected",
    "CandidatesProposed": "candidates_proposed",
    "CandidatesPosted": "candidates_posted",
    "CandidatesFiled": "candidates_filed",
    "CandidatesApproved": "candidates_approved",
    "CandidatesRejected": "candidates_rejected",
    "CongressHeld": "congress_held",
    "CongressHeld:undecided": "runoff_needed",
    "RunoffHeld": "congress_held",
    "RunoffHeld:undecided": "runoff_needed",
    "ChairElected": "chair_elected",
    "ResultsFiled": "results_filed",
    "ResultsRejected:congress": "candidates_approved",
    "ResultsRejected:candidates": "candidates_rejected",
}


def _election(entry: str, done: str) -> dict[str, str]:
    return {**_ELECTION, "ResultsApproved": done, "ResultsRejected:congress_type": entry}


def _term_change(prefix: str) -> dict[str, str]:
    return {
        f"{prefix}Approved": "approved",
        f"{prefix}Rejected": "rejected",
        "ProcedureWithdrawn": "withdrawn",
    }


# (kind) -> event type[:variant] -> the state it leads to.
DESTINATION: dict[str, dict[str, str]] = {
    FOUNDING: {
        "PreparatoryGroupApproved": "preparing",
        "FoundingRequestRejected": "request_rejected",
        "FoundingRequestResubmitted": "requested",
        "MembersRecruited": "members_recruited",
        **_election("members_recruited", "founded"),
        "LegalPersonRegistered": "registered",
        "ProcedureWithdrawn": "withdrawn",
    },
    REELECTION: {
        "ReelectionPlanApproved": "plan_approved",
        "ReelectionPlanRejected": "plan_rejected",
        **_election("plan_approved", "reelected"),
        "ProcedureWithdrawn": "withdrawn",
    },
    EXTENSION: _term_change("Extension"),
    EARLY_REELECTION: _term_change("EarlyReelection"),
    BY_ELECTION: {
        "ByElectionRequested": "consent_requested",
        "ByElectionConsented": "consented",
        "ByElectionConsentRefused": "vacant",
        "ByElectionHeld": "held",
        "ByElectionHeld:undecided": "consented",
        "ByElectionApproved": "filled",
        "ByElectionRejected": "consented",
        "ProcedureWithdrawn": "withdrawn",  # only once its vacancy is over (R-VACANCY)
    },
}

TERMINAL: dict[str, frozenset[str]] = {
    FOUNDING: frozenset({"registered", "withdrawn"}),
    REELECTION: frozenset({"plan_rejected", "reelected", "withdrawn"}),
    EXTENSION: frozenset({"approved", "rejected", "withdrawn"}),
    EARLY_REELECTION: frozenset({"approved", "rejected", "withdrawn"}),
    BY_ELECTION: frozenset({"filled", "withdrawn"}),
}

_ELECTION_AWAITING = {
    "candidates_filed": "candidate list (R-VETTING)",
    "results_filed": "election results (R-RESULTS-FILED)",
}

# States in which a filing waits on the higher-level union (R-APPROVER), with what it is.
AWAITING: dict[str, dict[str, str]] = {
    FOUNDING: {"requested": "founding request and preparatory group (R-PREP-GROUP)", **_ELECTION_AWAITING},
    REELECTION: {"plan_filed": "re-election plan (R-REELECTION)", **_ELECTION_AWAITING},
    EXTENSION: {"requested": "extension of the term (R-EXTENSION)"},
    EARLY_REELECTION: {"requested": "early re-election (R-EARLY)"},
    BY_ELECTION: {
        "consent_requested": "consent to a by-election (R-VACANCY)",
        "held": "by-election result (R-VACANCY)",
    },
}

_ELECTION_NEXT = {
    "congress_type_decided": "elect representatives or propose candidates (R-REP-BANDS, R-CANDIDATES)",
    "representatives_elected": "propose candidates (R-CANDIDATES)",
    "candidates_proposed": "post the candidate list (R-NOTICE)",
    "candidates_posted": "file the candidates for vetting (R-VETTING)",
    "candidates_approved": "hold the congress (R-QUORUM, R-ELECTED)",
    "candidates_rejected": "propose candidates again (R-CANDIDATES)",
    "runoff_needed": "hold the runoff (R-TIE, R-SHORTFALL)",
    "congress_held": "elect the chair (R-ELECTED)",
    "chair_elected": "file the results (R-RESULTS-FILED)",
}

# What the union itself does next in states that do not wait on the higher-level union.
NEXT_STEP: dict[str, dict[str, str]] = {
    FOUNDING: {
        "request_rejected": "file the founding request again (R-PREP-GROUP)",
        "preparing": "record the members recruited",
        "members_recruited": "decide the congress type (R-CONGRESS-TYPE)",
        **_ELECTION_NEXT,
        "founded": "register as a legal person (A-LEGAL-PERSON)",
    },
    REELECTION: {"plan_approved": "decide the congress type (R-CONGRESS-TYPE)", **_ELECTION_NEXT},
    EXTENSION: {},
    EARLY_REELECTION: {},
    BY_ELECTION: {
        "vacant": "ask the higher-level union's consent to a by-election (R-VACANCY)",
        "consented": "hold the by-election (R-VACANCY)",
    },
}

# The events whose destination depends on their content.
VARIANT_EVENTS = frozenset({"CongressHeld", "RunoffHeld", "ResultsRejected", "ByElectionHeld"})

# Every event type that moves a procedure (its opening event included).
PROCEDURE_EVENTS: frozenset[str] = frozenset(
    {key.split(":")[0] for table in DESTINATION.values() for key in table} | set(OPENED_BY)
)


def _still_open(outcome: dict[str, Any]) -> bool:
    # R-TIE / R-SHORTFALL: seats stay open for a runoff unless the profile reduced the seats.
    return bool(outcome.get("tied")) or (
        outcome.get("shortfall_seats", 0) > 0 and outcome.get("shortfall_action") != "reduce_seats"
    )


def variant(event_type: str, data: dict[str, Any], runoffs: list[str]) -> tuple[str, list[str]]:
    """The key into DESTINATION for this event, and the bodies still waiting for a runoff after it
    (R-TIE, R-SHORTFALL), which is all the election state the destination depends on."""
    if event_type == "CongressHeld":
        pending = [b for b in ("committee", "funds_review") if _still_open(data[b])]
        return (event_type + ":undecided" if pending else event_type), pending
    if event_type == "RunoffHeld":
        body = data["body"]
        pending = [b for b in runoffs if b != body]
        others = bool(pending)
        if _still_open(data["outcome"]):
            pending.append(body)
        return (event_type + ":undecided" if others or _still_open(data["outcome"]) else event_type), pending
    if event_type == "ResultsRejected":
        # Every redo (congress, candidates, congress_type) starts the voting again: no runoff waits.
        return f"{event_type}:{data.get('redo_from') or 'congress'}", []
    if event_type == "ByElectionHeld":
        return (event_type if data["outcome"]["elected"] else event_type + ":undecided"), runoffs
    return event_type, runoffs
