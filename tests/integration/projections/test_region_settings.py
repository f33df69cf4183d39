"""Settings of a region in the register (`proj_region_settings`), on SQLite and PostgreSQL: the
rule profile an opening finds through it (RULES.md §5, as `api.runtime` composes the service) agrees
with the walk up the tree's streams, a reassignment reaches only later procedures, and coverage
targets apply from the organisation asked about or its nearest ancestor, figure by figure (§7)."""

from __future__ import annotations

import sqlalchemy as sa

import projections
from api.runtime import RegionsFromRegister
from events.catalogue import FoundingRequested
from projections import queries
from tests.integration.projections.support import TREE, TREE_ON, D, World, profile
from workflow import commands as c
from workflow.authority import Actor
from workflow.unit_of_work import UnitOfWork

ADMIN = Actor(person_id="admin", role="admin", org_id="ACFTU")


def _world(engine: sa.Engine) -> World:
    world = World(engine)
    for name in ("wuhan", "jiangan"):
        world.profiles.register(profile(name))
    world.svc.regions = RegionsFromRegister(engine)  # as api.runtime composes it
    return world


def _assign(world: World, org: str, name: str, version: int | None = None) -> None:
    world.run(c.AssignRuleProfile(union_id=org, profile_name=name, profile_version=version, occurred_on=TREE_ON), ADMIN)


def _targets(world: World, org: str, targets: dict[str, float]) -> None:
    world.run(c.SetCoverageTargets(union_id=org, targets=targets, occurred_on=TREE_ON), ADMIN)


def _pinned(world: World, union: str) -> str:
    event = world.svc.load(union).procedures[f"{union}:founding-1"]
    return event.profile.name


def test_openings_find_the_nearest_profile_through_the_register(engine: sa.Engine) -> None:
    world = _world(engine)
    _assign(world, "WH", "wuhan")
    _assign(world, "JA", "jiangan")
    for union, parent in (("U1", "JA"), ("U2", "QS"), ("U3", "GZ"), ("U4", "JA")):
        world.add_union(union, parent)
    _assign(world, "U4", "wuhan")  # the union itself is nearest of all
    for union in ("U1", "U2", "U3", "U4"):
        world.found(union, until="prep")
    assert [_pinned(world, u) for u in ("U1", "U2", "U3", "U4")] == ["jiangan", "wuhan", "national", "wuhan"]

    # The register's answer is the walk's, for every organisation.
    walk = UnitOfWork(world.store, world.profiles, "national")
    register = RegionsFromRegister(engine)
    for org in [o for o, _, _ in TREE] + ["U1", "U2", "U3", "U4"]:
        assert register.profile_assignment(org) == walk.profile_assignment(world.svc.load(org)), org


def test_a_reassignment_reaches_only_procedures_opened_afterwards(engine: sa.Engine) -> None:
    world = _world(engine)
    _assign(world, "JA", "jiangan")
    world.add_union("U1")
    world.add_union("U2")
    world.found("U1", until="prep")
    _assign(world, "JA", "wuhan")
    world.found("U2", until="prep")
    world.approve("U1", "U1:founding-1", D(2019, 1, 10))
    assert (_pinned(world, "U1"), _pinned(world, "U2")) == ("jiangan", "wuhan")
    assert projections.procedure_status(engine, "U1:founding-1").profile_name == "jiangan"  # type: ignore[union-attr]
    opened = [r.event for r in world.store.read_stream("org-U1") if isinstance(r.event, FoundingRequested)]
    assert opened[0].profile_name == "jiangan"


def test_targets_apply_figure_by_figure_from_the_nearest_that_sets_one(engine: sa.Engine) -> None:
    """HB sets founding and membership rates (Hubei: 80 %); WH sets its own founding rate; JA sets
    none. JA's coverage reads WH's founding rate and HB's membership rate; GD's reads none."""
    world = _world(engine)
    _targets(world, "HB", {"founding_rate": 0.8, "membership_rate": 0.8})
    _targets(world, "WH", {"founding_rate": 0.91})
    ja = queries.coverage_targets(engine, "JA")
    assert {k: (t.target, t.set_by) for k, t in ja.items()} == {
        "founding_rate": (0.91, "WH"),
        "membership_rate": (0.8, "HB"),
    }
    assert queries.coverage_targets(engine, "GD") == {}
    assert queries.coverage_targets(engine, "nowhere") == {}

    _targets(world, "WH", {})  # WH clears its own: HB's apply again
    assert queries.coverage_targets(engine, "JA")["founding_rate"].set_by == "HB"

    settings = queries.region_settings(engine, "HB")
    assert settings.own_targets == {"founding_rate": 0.8, "membership_rate": 0.8}
    assert settings.own_profile is None and settings.profile is None


def test_the_whole_tree_reads_the_root_targets(engine: sa.Engine) -> None:
    world = _world(engine)
    _targets(world, "ACFTU", {"on_time_rate": 1.0})
    assert queries.coverage_targets(engine, None)["on_time_rate"].set_by == "ACFTU"


def test_a_target_beside_its_figure_says_whether_it_is_met() -> None:
    targets = {
        "founding_rate": queries.CoverageTarget("founding_rate", 0.91, "DL"),
        "without_full_time_chair": queries.CoverageTarget("without_full_time_chair", 0.0, "DL"),
        "membership_rate": queries.CoverageTarget("membership_rate", 0.8, "LN"),
    }
    beside = queries.beside_targets(
        {"founding_rate": 0.9, "without_full_time_chair": 0, "membership_rate": None}, targets
    )
    assert beside["founding_rate"] == {"value": 0.9, "target": 0.91, "set_by": "DL", "reads": "at_least", "met": False}
    assert beside["without_full_time_chair"]["met"] is True  # at most 0 (R-FULLTIME)
    assert beside["membership_rate"]["met"] is None  # nothing to divide by


def test_the_rebuilt_register_holds_the_same_settings(engine: sa.Engine) -> None:
    world = _world(engine)
    _assign(world, "JA", "jiangan")
    _targets(world, "WH", {"founding_rate": 0.91})
    _assign(world, "JA", "wuhan", 1)
    _targets(world, "WH", {"founding_rate": 0.9, "on_time_rate": 1.0})
    world.add_union("U1")
    world.found("U1", until="prep")
    report = world.projections.compare_with_rebuild()
    assert report.ok, report
    with engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT org_id, profile_name, profile_version FROM proj_region_settings")).all()
    assert sorted(tuple(r) for r in rows) == [("JA", "wuhan", 1), ("WH", None, None)]
