"""Every command, by name, for those who send them (`from workflow import commands as c`). Each is
declared beside its handler, in its kind's module; the base classes are in `workflow.command`.

Those listed here are typed for the callers; any other declared command is found by its name
through the registry, so declaring a command never means listing it here too."""

from __future__ import annotations

# The value types the commands carry, as senders have always found them here.
from events.catalogue import (
    BallotCount,
    Candidate,
    CongressType,
    OrganisationForm,
    OrgLevel,
    PrepGroupMember,
    RemovalVote,
    UnitFacts,
)
from workflow.by_election import HoldByElection, RecordChairVacancy, RequestByElection
from workflow.command import COMMANDS, Command, ProcedureCommand, UnionCommand
from workflow.congress import RecordCongress, RemoveViceChair
from workflow.dissolution import RequestDissolution
from workflow.election import (
    DecideCongressType,
    ElectChair,
    ElectRepresentatives,
    FileCandidates,
    FileResults,
    PostCandidates,
    ProposeCandidates,
)
from workflow.election_vote import HoldCongress, HoldRunoff
from workflow.founding import RecordMembersRecruited, RegisterLegalPerson, RequestFounding, ResubmitFoundingRequest
from workflow.imported import ImportExistingTerm
from workflow.joint import CoverUnit, UncoverUnit
from workflow.kinds import ApproveFiling, RejectFiling, WithdrawProcedure
from workflow.organisations import RegisterOrganisation, UpdateUnitFacts
from workflow.reelection import OpenReelection
from workflow.regions import AssignRuleProfile, SetCoverageTargets
from workflow.term_change import RequestEarlyReelection, RequestExtension

__all__ = [
    "ApproveFiling",
    "AssignRuleProfile",
    "BallotCount",
    "Candidate",
    "Command",
    "CongressType",
    "CoverUnit",
    "DecideCongressType",
    "ElectChair",
    "ElectRepresentatives",
    "FileCandidates",
    "FileResults",
    "HoldByElection",
    "HoldCongress",
    "HoldRunoff",
    "ImportExistingTerm",
    "OpenReelection",
    "OrgLevel",
    "OrganisationForm",
    "PostCandidates",
    "PrepGroupMember",
    "ProcedureCommand",
    "ProposeCandidates",
    "RecordChairVacancy",
    "RecordCongress",
    "RecordMembersRecruited",
    "RegisterLegalPerson",
    "RegisterOrganisation",
    "RejectFiling",
    "RemovalVote",
    "RemoveViceChair",
    "RequestByElection",
    "RequestDissolution",
    "RequestEarlyReelection",
    "RequestExtension",
    "RequestFounding",
    "ResubmitFoundingRequest",
    "SetCoverageTargets",
    "UncoverUnit",
    "UnionCommand",
    "UnitFacts",
    "UpdateUnitFacts",
    "WithdrawProcedure",
]


def __getattr__(name: str) -> type[Command]:
    try:
        return COMMANDS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
