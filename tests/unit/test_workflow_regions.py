"""Settings of a region (RULES.md §5 "Rule profiles are assigned to regions", §7 "Targets are
settings of a region"): which profile a union's procedures open under, who may assign it and set
targets, and that a procedure keeps the profile it pinned.

The tree (workflow_world): ACFTU > HB > WH > {JA, QS}; ACFTU > GD. Test unions sit under JA."""

from __future__ import annotations

import pydantic
import pytest

from events.catalogue import CoverageTargetsSet, FoundingRequested, ReelectionOpened, RuleProfileAssigned
from tests.unit import workflow_world as tree
from tests.unit.workflow_support import COMMITTEE, found_union, given_union
from tests.unit.workflow_world import TREE_ON, D, World, admin, approver, auditor, profile, staff
from workflow import commands as c
from workflow.authority import Actor
from workflow.errors import DomainError, NotAuthorised, RuleViolation


def opened_profile(world: World, union: str) -> tuple[str, int]:
    """(name, version) the union's latest procedure pinned in its first event."""
    opened = [r.event for r in world.stream(union) if isinstance(r.event, FoundingRequested | ReelectionOpened)]
    return opened[-1].profile_name, opened[-1].profile_version


def set_targets(world: World, org: str, targets: dict[str, float], actor: Actor | None = None) -> object:
    return world.run(c.SetCoverageTargets(union_id=org, targets=targets, occurred_on=TREE_ON), actor or admin())


@pytest.fixture
def regional(world: World) -> World:
    """Three profiles registered: one for the city, one for the county, one for a single union."""
    for name in ("wuhan", "jiangan", "own"):
        world.profiles.register(profile(name))
    return world


# --------------------------------------------------------------------------- which profile applies


def test_without_any_assignment_a_union_opens_under_the_default(world: World) -> None:
    found_union(world, until="requested")
    assert opened_profile(world, "U1") == ("national", 1)


def test_the_nearest_ancestor_with_a_profile_wins(regional: World) -> None:
    """City WH has one, county JA under it another: JA's unions use JA's; QS's (WH's other county)
    use WH's; GD's (another province) the default."""
    regional.assign_profile(tree.CITY, "wuhan")
    regional.assign_profile(tree.COUNTY, "jiangan")
    for union, parent in (("U1", tree.COUNTY), ("U2", tree.OTHER_COUNTY), ("U3", tree.OTHER_PROVINCE)):
        found_union(regional, union, parent=parent, until="requested")
    assert opened_profile(regional, "U1") == ("jiangan", 1)
    assert opened_profile(regional, "U2") == ("wuhan", 1)
    assert opened_profile(regional, "U3") == ("national", 1)


def test_a_profile_assigned_to_the_union_itself_is_nearest(regional: World) -> None:
    """The administrators' override for one union: assign it to that union (staff never choose)."""
    regional.assign_profile(tree.COUNTY, "jiangan")
    d = given_union(regional, "U1")
    regional.assign_profile("U1", "own", actor=admin(tree.COUNTY))
    d.request()
    assert opened_profile(regional, "U1") == ("own", 1)
    assert d.proc.profile.name == "own"


def test_an_assignment_without_version_follows_the_latest_and_with_one_pins_it(regional: World) -> None:
    regional.profiles.register(profile("jiangan", 2, candidate_surplus_rate="0.30"))
    regional.assign_profile(tree.COUNTY, "jiangan")
    found_union(regional, "U1", until="requested")
    regional.assign_profile(tree.COUNTY, "jiangan", 1)
    found_union(regional, "U2", until="requested")
    assert opened_profile(regional, "U1") == ("jiangan", 2)
    assert opened_profile(regional, "U2") == ("jiangan", 1)


def test_reassigning_reaches_only_procedures_opened_afterwards(regional: World) -> None:
    """U1 opened under JA's first profile (5 % candidate surplus: 8 candidates for 7 seats pass,
    R-CANDIDATES); JA then gets one with 30 %. U1 keeps its pinned profile to the end; U2, opened
    after the reassignment, needs 10."""
    regional.profiles.register(profile("strict", candidate_surplus_rate="0.30"))
    regional.assign_profile(tree.COUNTY, "jiangan")
    d1 = found_union(regional, "U1", until="congress_type_decided")
    regional.assign_profile(tree.COUNTY, "strict")

    d1.propose()
    assert d1.state == "candidates_proposed"
    assert d1.proc.profile.name == "jiangan"

    d2 = found_union(regional, "U2", until="congress_type_decided")
    assert opened_profile(regional, "U2") == ("strict", 1)
    with pytest.raises(RuleViolation, match="R-CANDIDATES") as err:
        d2.propose()
    assert err.value.evidence["needed"] == 10
    d2.s.committee = (*COMMITTEE, "冯二", "陈二")
    d2.propose()


def test_a_reelection_opens_under_the_region_profile_of_its_day(regional: World) -> None:
    """Founded under the default; JA assigned a profile later: the re-election pins JA's."""
    d = found_union(regional)
    regional.assign_profile(tree.COUNTY, "jiangan")
    opened = d.open_reelection(D(2024, 1, 5), planned=D(2024, 3, 1)).events[0].event
    assert isinstance(opened, ReelectionOpened)
    assert (opened.profile_name, opened.profile_version) == ("jiangan", 1)
    assert d.union.procedures["U1:founding-1"].profile.name == "national"


def test_an_imported_term_is_checked_against_its_region_profile_r_term(regional: World) -> None:
    """R-TERM: 4 years is refused under the default ({3, 5}) and allowed where the region's profile
    allows 3 to 5; the import's batch (the registry import) finds it too."""
    regional.profiles.register(profile("charter", term_years_allowed=[3, 4, 5]))
    given_union(regional, "U1")
    term = {"term_start": D(2022, 6, 30), "term_years": 4, "occurred_on": D(2026, 11, 1)}
    with pytest.raises(RuleViolation, match="R-TERM"):
        regional.run(c.ImportExistingTerm(union_id="U1", **term), admin())
    regional.assign_profile(tree.COUNTY, "charter")
    regional.run(c.ImportExistingTerm(union_id="U1", **term), admin())
    register = c.RegisterOrganisation(
        org_id="U9",
        name="U9 工会",
        level="grassroots",
        parent_id=tree.COUNTY,
        unit=regional.load("U1").unit,
        occurred_on=TREE_ON,
    )
    outcome = regional.svc.execute_many([register, c.ImportExistingTerm(union_id="U9", **term)], admin())
    assert outcome.written and not outcome.refusals


def test_staff_never_choose_a_profile_when_opening() -> None:
    """RULES.md §5: the opening commands (and the HTTP bodies derived from them) have no profile."""
    base = {"union_id": "U1", "occurred_on": D(2019, 1, 5)}
    with pytest.raises(pydantic.ValidationError, match="profile_name"):
        c.RequestFounding.model_validate(
            base | {"unit": {}, "initiators": ["张三"], "prep_group": [], "profile_name": "beijing"}
        )
    with pytest.raises(pydantic.ValidationError, match="profile_name"):
        c.OpenReelection.model_validate(
            base | {"plan": "方案", "planned_congress_on": D(2019, 3, 1), "profile_name": "beijing"}
        )


# --------------------------------------------------------------------------- recording and validating


def test_the_assignment_is_recorded_on_the_organisation_with_the_one_it_replaces(regional: World) -> None:
    regional.assign_profile(tree.COUNTY, "jiangan")
    r = regional.run(
        c.AssignRuleProfile(union_id=tree.COUNTY, profile_name="wuhan", profile_version=1, occurred_on=TREE_ON), admin()
    )
    event = r.events[0].event
    assert isinstance(event, RuleProfileAssigned)
    assert (event.org_id, event.profile_name, event.profile_version) == (tree.COUNTY, "wuhan", 1)
    assert (event.previous_name, event.previous_version) == ("jiangan", None)
    assigned = regional.load(tree.COUNTY).rule_profile
    assert assigned is not None and (assigned.name, assigned.version) == ("wuhan", 1)


@pytest.mark.parametrize(
    ("name", "version", "named"), [("nowhere", None, "'nowhere'"), ("national", 7, "'national' version 7")]
)
def test_an_unknown_profile_is_refused_naming_it(world: World, name: str, version: int | None, named: str) -> None:
    before = world.version(tree.COUNTY)
    with pytest.raises(DomainError, match=f"PROFILE-UNKNOWN: no rule profile (named )?{named}"):
        world.run(
            c.AssignRuleProfile(union_id=tree.COUNTY, profile_name=name, profile_version=version, occurred_on=TREE_ON),
            admin(),
        )
    assert world.version(tree.COUNTY) == before


def test_targets_are_recorded_as_a_whole_with_the_previous_ones(world: World) -> None:
    set_targets(world, tree.CITY, {"founding_rate": 0.91, "membership_rate": 0.8})
    r = set_targets(world, tree.CITY, {"founding_rate_enterprises": 0.91})
    event = r.events[0].event  # type: ignore[attr-defined]
    assert isinstance(event, CoverageTargetsSet)
    assert event.targets == {"founding_rate_enterprises": 0.91}
    assert event.previous == {"founding_rate": 0.91, "membership_rate": 0.8}
    assert world.load(tree.CITY).coverage_targets == {"founding_rate_enterprises": 0.91}


@pytest.mark.parametrize(
    ("targets", "message"),
    [
        ({"founding_rate": 1.5}, "less than or equal to 1"),
        ({"founding_rate": -0.1}, "greater than or equal to 0"),
        ({"founding_rate": "0.91"}, "valid number"),
        ({"founding_rate": True}, "valid number"),
        ({"founding_rate": float("nan")}, "finite number"),
        ({"coverage": 0.5}, "no coverage figure coverage"),
    ],
)
def test_a_target_is_a_share_of_a_known_figure(targets: dict[str, object], message: str) -> None:
    with pytest.raises(pydantic.ValidationError, match=message):
        c.SetCoverageTargets.model_validate({"union_id": tree.CITY, "targets": targets, "occurred_on": TREE_ON})


def test_every_declared_figure_takes_a_target_including_those_coverage_adds_later() -> None:
    figures = ("founding_rate_enterprises", "founding_rate_25plus", "direct_election_share", "without_full_time_chair")
    cmd = c.SetCoverageTargets(
        union_id=tree.CITY, targets=dict.fromkeys(figures, 0.0) | {"on_time_rate": 1}, occurred_on=TREE_ON
    )
    assert set(cmd.targets) == {*figures, "on_time_rate"}


# --------------------------------------------------------------------------- who decides


@pytest.mark.parametrize("org", [tree.ROOT, tree.PROVINCE, tree.CITY, tree.COUNTY])
def test_administrators_of_the_organisation_or_above_decide(regional: World, org: str) -> None:
    regional.assign_profile(tree.COUNTY, "jiangan", actor=admin(org))
    set_targets(regional, tree.COUNTY, {"founding_rate": 0.9}, admin(org))
    assert regional.load(tree.COUNTY).coverage_targets == {"founding_rate": 0.9}


@pytest.mark.parametrize(
    ("actor", "rule"),
    [
        (staff("U1"), "AUTH-ROLE"),  # the union's own staff: never their own profile
        (staff(tree.COUNTY), "AUTH-ROLE"),
        (approver(tree.COUNTY), "AUTH-ROLE"),
        (auditor(tree.COUNTY), "AUTH-ROLE"),
        (admin(tree.OTHER_COUNTY), "AUTH-ORG"),  # another subtree's administrator
        (admin(tree.OTHER_PROVINCE), "AUTH-ORG"),
        (admin("U1"), "AUTH-ORG"),  # below the organisation: not over it
    ],
)
def test_others_are_refused(regional: World, actor: Actor, rule: str) -> None:
    given_union(regional, "U1")
    for cmd in (
        c.AssignRuleProfile(union_id=tree.COUNTY, profile_name="jiangan", occurred_on=TREE_ON),
        c.SetCoverageTargets(union_id=tree.COUNTY, targets={"founding_rate": 0.9}, occurred_on=TREE_ON),
    ):
        with pytest.raises(NotAuthorised) as err:
            regional.run(cmd, actor)
        assert err.value.rule_id == rule
    assert regional.load(tree.COUNTY).rule_profile is None and regional.load(tree.COUNTY).coverage_targets == {}


def test_the_union_staff_cannot_assign_their_own_union_a_profile(regional: World) -> None:
    given_union(regional, "U1")
    with pytest.raises(NotAuthorised, match="AUTH-ROLE"):
        regional.run(c.AssignRuleProfile(union_id="U1", profile_name="own", occurred_on=TREE_ON), staff("U1"))
