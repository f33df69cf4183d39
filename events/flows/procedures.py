"""The five procedure kinds: founding (建会), re-election (换届), extension (延期换届), early
re-election (提前换届) and the by-election of a chair (补选)."""

from __future__ import annotations

from events.flows.election import ELECTION_STATE_NAMES, ELECTION_STATES, election_steps
from events.flows.model import WITHDRAWN, Flow, State, approve, reject, step, withdraw

FOUNDING = "founding"
REELECTION = "reelection"
EXTENSION = "extension"
EARLY_REELECTION = "early_reelection"
BY_ELECTION = "by_election"

# --------------------------------------------------------------------------- founding (建会), RULES.md §3

_FOUNDING_STATES = (
    State(
        "requested",
        "已申请",
        "requested",
        awaiting="founding request and preparatory group (R-PREP-GROUP)",
        filing="founding_request",
    ),
    State("request_rejected", "申请被驳回", "request rejected", next="file the founding request again (R-PREP-GROUP)"),
    State("preparing", "筹备中", "preparing", next="record the members recruited"),
    State("members_recruited", "已发展会员", "members recruited", next="decide the congress type (R-CONGRESS-TYPE)"),
    *ELECTION_STATES,
    State("founded", "已建会", "founded", next="register as a legal person (A-LEGAL-PERSON)"),
    State("registered", "已法人登记", "registered"),
    WITHDRAWN,
)

FOUNDING_FLOW = Flow(
    kind=FOUNDING,
    label_zh="建会",
    label_en="founding",
    opened_by="FoundingRequested",
    states=_FOUNDING_STATES,
    initial="requested",
    terminal=frozenset({"registered", "withdrawn"}),
    steps=(
        approve(
            "approve_prep_group",
            "requested",
            "preparing",
            "PreparatoryGroupApproved",
            "approve the request and preparatory group (higher union)",
            "批准建会申请和筹备组",
        ),
        reject(
            "reject_request",
            "requested",
            "request_rejected",
            "FoundingRequestRejected",
            "reject the founding request (higher union)",
            "驳回建会申请",
        ),
        step(
            "resubmit_request",
            "request_rejected",
            "requested",
            "FoundingRequestResubmitted",
            "ResubmitFoundingRequest",
            "file the founding request again",
            "重新提交建会申请",
        ),
        step(
            "record_members",
            ["preparing", "members_recruited"],
            "members_recruited",
            "MembersRecruited",
            "RecordMembersRecruited",
            "record the members recruited",
            "登记会员",
        ),
        *election_steps(entry="members_recruited", done="founded"),
        step(
            "register_legal_person",
            "founded",
            "registered",
            "LegalPersonRegistered",
            "RegisterLegalPerson",
            "record the legal-person registration",
            "法人登记",
        ),
        # Withdrawal is possible at any step before the results are approved.
        withdraw(
            ["requested", "request_rejected", "preparing", "members_recruited", *ELECTION_STATE_NAMES],
            "withdraw the founding",
        ),
    ),
)

# --------------------------------------------------------------------------- re-election (换届), R-REELECTION

REELECTION_FLOW = Flow(
    kind=REELECTION,
    label_zh="换届",
    label_en="re-election",
    opened_by="ReelectionOpened",
    states=(
        State(
            "plan_filed",
            "换届请示已报",
            "plan filed",
            awaiting="re-election plan (R-REELECTION)",
            filing="reelection_plan",
        ),
        State("plan_rejected", "换届请示被驳回", "plan rejected"),
        State("plan_approved", "换届请示已批复", "plan approved", next="decide the congress type (R-CONGRESS-TYPE)"),
        *ELECTION_STATES,
        State("reelected", "已换届", "re-elected"),
        WITHDRAWN,
    ),
    initial="plan_filed",
    terminal=frozenset({"plan_rejected", "reelected", "withdrawn"}),
    steps=(
        approve(
            "approve_plan",
            "plan_filed",
            "plan_approved",
            "ReelectionPlanApproved",
            "approve the re-election plan (higher union)",
            "批复换届请示",
        ),
        reject(
            "reject_plan",
            "plan_filed",
            "plan_rejected",
            "ReelectionPlanRejected",
            "reject the re-election plan (higher union)",
            "驳回换届请示",
        ),
        *election_steps(entry="plan_approved", done="reelected"),
        withdraw(["plan_filed", "plan_approved", *ELECTION_STATE_NAMES], "withdraw the re-election"),
    ),
)

# --------------------------------------------------------------------------- extension and early re-election


def _term_change(kind: str, prefix: str, label: tuple[str, str], what: str, awaiting: str) -> Flow:
    """延期换届 (R-EXTENSION) and 提前换届 (R-EARLY): a request the higher-level union decides."""
    return Flow(
        kind=kind,
        label_zh=label[0],
        label_en=label[1],
        opened_by=f"{prefix}Requested",
        states=(
            State("requested", "已申请", "requested", awaiting=awaiting, filing=kind),
            State("approved", "已批准", "approved"),
            State("rejected", "已驳回", "rejected"),
            WITHDRAWN,
        ),
        initial="requested",
        terminal=frozenset({"approved", "rejected", "withdrawn"}),
        steps=(
            approve(
                "approve", "requested", "approved", f"{prefix}Approved", f"approve the {what} (higher union)", "批准"
            ),
            reject("reject", "requested", "rejected", f"{prefix}Rejected", f"reject the {what} (higher union)", "驳回"),
            withdraw(["requested"], f"withdraw the {what} request"),
        ),
    )


EXTENSION_FLOW = _term_change(
    EXTENSION, "Extension", ("延期换届", "extension"), "extension", "extension of the term (R-EXTENSION)"
)
EARLY_REELECTION_FLOW = _term_change(
    EARLY_REELECTION,
    "EarlyReelection",
    ("提前换届", "early re-election"),
    "early re-election",
    "early re-election (R-EARLY)",
)

# --------------------------------------------------------------------------- by-election (补选), R-VACANCY

BY_ELECTION_FLOW = Flow(
    kind=BY_ELECTION,
    label_zh="补选主席",
    label_en="by-election",
    opened_by="ChairVacancyRecorded",
    states=(
        State(
            "vacant",
            "主席空缺",
            "chair vacant",
            next="ask the higher-level union's consent to a by-election (R-VACANCY)",
        ),
        State(
            "consent_requested",
            "已请求同意补选",
            "consent requested",
            awaiting="consent to a by-election (R-VACANCY)",
            filing="by_election_consent",
        ),
        State("consented", "已同意补选", "consented", next="hold the by-election (R-VACANCY)"),
        State(
            "held",
            "补选已举行",
            "by-election held",
            awaiting="by-election result (R-VACANCY)",
            filing="by_election_results",
        ),
        State("filled", "已补选", "filled"),
        WITHDRAWN,
    ),
    initial="vacant",
    terminal=frozenset({"filled", "withdrawn"}),
    steps=(
        step(
            "request_by_election",
            "vacant",
            "consent_requested",
            "ByElectionRequested",
            "RequestByElection",
            "ask the higher union's consent to a by-election",
            "请求同意补选",
        ),
        approve(
            "consent",
            "consent_requested",
            "consented",
            "ByElectionConsented",
            "consent to the by-election (higher union)",
            "同意补选",
        ),
        reject(
            "refuse_consent",
            "consent_requested",
            "vacant",
            "ByElectionConsentRefused",
            "refuse the by-election (higher union)",
            "不同意补选",
        ),
        step(
            "hold_by_election",
            "consented",
            "held",
            "ByElectionHeld",
            "HoldByElection",
            "record the by-election that elected a chair",
            "补选选出主席",
        ),
        # A vote that elects nobody is recorded too (it happened) and leaves the by-election to be
        # held again.
        step(
            "hold_by_election_undecided",
            "consented",
            "consented",
            "ByElectionHeld",
            "HoldByElection",
            "record a by-election that elected nobody",
            "补选未选出",
            outcome="undecided",
            name="hold_by_election",
        ),
        approve(
            "approve_result",
            "held",
            "filled",
            "ByElectionApproved",
            "approve the by-election result (higher union)",
            "批准补选结果",
        ),
        reject(
            "reject_result",
            "held",
            "consented",
            "ByElectionRejected",
            "reject the by-election result (higher union)",
            "驳回补选结果",
        ),
        # R-VACANCY: only once its vacancy is over (the workflow checks that).
        withdraw(
            ["vacant", "consent_requested", "consented", "held"],
            "withdraw a by-election whose vacancy is over (R-VACANCY)",
        ),
    ),
)
