"""The registry import of a union founded before unionflow (ImportExistingTerm: R-TERM, R-TERM-END)
and the yearly congress held outside an election (RecordCongress: R-ANNUAL, R-QUORUM)."""

from __future__ import annotations

import pytest

from events.catalogue import AnnualCongressHeld, ExistingTermImported
from tests.unit.by_election_support import hold, record_vacancy, request_by_election
from tests.unit.workflow_support import Driver, event_types, evidence_of, found_union, given_union
from tests.unit.workflow_world import (
    COUNTY,
    OTHER_COUNTY,
    D,
    World,
    admin,
    approver,
    staff,
    unit,
)
from workflow import commands as c
from workflow.errors import InvalidDate, NotAuthorised, RuleViolation, StepOutOfOrder


def import_term(world: World, union: str = "U1", start: D = D(2022, 6, 30), years: int = 5, **kw: object) -> object:
    actor = kw.pop("actor", admin())
    cmd = c.ImportExistingTerm(
        union_id=union, term_start=start, term_years=years, chair="王芳", occurred_on=D(2026, 11, 1), **kw
    )
    return world.run(cmd, actor)  # type: ignore[arg-type]


def congress(world: World, on: D, due: int = 80, present: int = 54, union: str = "U1") -> object:
    return world.run(
        c.RecordCongress(union_id=union, due=due, present=present, agenda="工会工作报告", occurred_on=on), staff(union)
    )


# --------------------------------------------------------------------------- ImportExistingTerm


def test_import_starts_the_term_with_its_end_computed_and_the_evidence_recorded(world: World) -> None:
    given_union(world)
    result = import_term(world, start=D(2020, 2, 29), years=3)
    assert event_types(result) == ["ExistingTermImported"]  # type: ignore[arg-type]
    event = result.events[0].event  # type: ignore[attr-defined]
    assert isinstance(event, ExistingTermImported)
    # R-TERM-END: 29 February + 3 years lands on 28 February.
    assert event.term_end == D(2023, 2, 28)
    assert evidence_of(result, "R-TERM") == [{"rule": "R-TERM", "years": 3, "allowed": [3, 5]}]  # type: ignore[arg-type]
    union = world.load("U1")
    assert union.founded and union.term is not None
    assert (union.term.number, union.term.start, union.term.deadline) == (1, D(2020, 2, 29), D(2023, 2, 28))
    assert union.chair == "王芳"
    # What the register did not give stays unknown: no founding date, no last congress (R-ANNUAL).
    assert union.founded_on is None and union.last_congress_on is None
    assert result.events[0].metadata.actor_id == admin().person_id  # type: ignore[attr-defined]


def test_by_election_after_an_import_takes_the_due_given_and_says_the_body_is_unknown(world: World) -> None:
    """The register does not say who elected an imported term's chair (R-VACANCY): the by-election's
    `due` is taken as given, still checked for quorum, and the evidence says so."""
    given_union(world)
    import_term(world)
    by = record_vacancy(Driver(world, "U1"), D(2026, 11, 2), acting_chair="李", reason="退休")
    request_by_election(by, D(2026, 11, 3), planned_on=D(2026, 11, 20))
    by.approve(D(2026, 11, 4), document_no="江工发〔2026〕9号")
    with pytest.raises(RuleViolation, match="R-QUORUM: 4 of 7 present"):
        hold(by, D(2026, 11, 20), due=7, present=4, votes={"孙": 4})
    held = hold(by, D(2026, 11, 20), due=7, present=6, votes={"孙": 5, "李": 1})
    assert evidence_of(held, "R-QUORUM") == [
        {
            "rule": "R-QUORUM",
            "due": 7,
            "present": 6,
            "needed": 5,
            "electorate": None,
            "electing_body": "unknown (imported term)",
        }
    ]


def test_import_refuses_a_term_length_outside_the_profile_r_term(world: World) -> None:
    given_union(world)
    with pytest.raises(RuleViolation) as refused:
        import_term(world, years=4)
    assert refused.value.rule_id == "R-TERM" and "4 years" in refused.value.message
    assert world.version("U1") == 1  # nothing written


@pytest.mark.parametrize(
    ("actor", "rule"),
    [(staff("U1"), "AUTH-ROLE"), (approver(COUNTY), "AUTH-ROLE"), (admin(OTHER_COUNTY), "AUTH-ORG")],
)
def test_only_an_administrator_over_the_union_imports(world: World, actor: object, rule: str) -> None:
    given_union(world)
    with pytest.raises(NotAuthorised) as refused:
        import_term(world, actor=actor)
    assert refused.value.rule_id == rule


def test_an_administrator_of_the_direct_parent_may_import(world: World) -> None:
    given_union(world)
    import_term(world, actor=admin(COUNTY))
    assert world.load("U1").term is not None


def test_import_refused_once_the_union_has_a_term_or_procedures(world: World) -> None:
    found_union(world)
    with pytest.raises(StepOutOfOrder) as refused:
        import_term(world)
    assert refused.value.rule_id == "TERM-EXISTS"
    given_union(world, "U2").request()
    with pytest.raises(StepOutOfOrder) as refused:
        import_term(world, "U2")
    assert refused.value.rule_id == "TERM-EXISTS" and "U2:founding-1" in refused.value.message


def test_import_refuses_a_term_starting_after_the_import_and_a_non_grassroots_org(world: World) -> None:
    given_union(world)
    with pytest.raises(InvalidDate) as refused:
        import_term(world, start=D(2026, 11, 2))
    assert refused.value.rule_id == "DATE-ORDER"
    with pytest.raises(StepOutOfOrder) as refused_level:
        import_term(world, COUNTY)
    assert refused_level.value.rule_id == "ORG-LEVEL"


# --------------------------------------------------------------------------- RecordCongress (R-ANNUAL)


def test_worked_example_5_quorum_53_of_80_fails_54_passes(world: World) -> None:
    found_union(world)  # founding congress 2019-03-01
    version = world.version("U1")
    with pytest.raises(RuleViolation) as refused:
        congress(world, D(2020, 2, 20), due=80, present=53)
    assert refused.value.rule_id == "R-QUORUM" and "53 of 80" in refused.value.message and "54" in refused.value.message
    assert world.version("U1") == version
    result = congress(world, D(2020, 2, 20), due=80, present=54)  # 3 × 54 = 162 ≥ 160 = 2 × 80
    assert event_types(result) == ["AnnualCongressHeld"]  # type: ignore[arg-type]
    assert evidence_of(result, "R-QUORUM") == [{"rule": "R-QUORUM", "due": 80, "present": 54, "needed": 54}]  # type: ignore[arg-type]
    assert evidence_of(result, "R-ANNUAL") == [  # type: ignore[arg-type]
        {"rule": "R-ANNUAL", "held_on": "2020-02-20", "previous_congress_on": "2019-03-01", "within_12_months": True}
    ]
    assert world.load("U1").last_congress_on == D(2020, 2, 20)


def test_quorum_boundary_exactly_two_thirds_passes(world: World) -> None:
    found_union(world)
    # R-ANNUAL: those due are the members on record, so the union has 60 of them.
    world.run(c.UpdateUnitFacts(union_id="U1", unit=unit(members=60), occurred_on=D(2020, 1, 10)), staff("U1"))
    congress(world, D(2020, 2, 20), due=60, present=40)  # 3 × 40 = 2 × 60
    with pytest.raises(RuleViolation):
        congress(world, D(2020, 3, 20), due=60, present=39)


def test_a_backdated_congress_does_not_move_the_last_congress_back(world: World) -> None:
    found_union(world)
    congress(world, D(2021, 2, 1))
    result = congress(world, D(2020, 2, 1))
    assert isinstance(result.events[0].event, AnnualCongressHeld)  # type: ignore[attr-defined]
    assert world.load("U1").last_congress_on == D(2021, 2, 1)


def test_congress_refused_before_the_union_is_founded_and_by_others(world: World) -> None:
    given_union(world)
    with pytest.raises(StepOutOfOrder) as refused:
        congress(world, D(2020, 2, 20))
    assert refused.value.rule_id == "R-ANNUAL"
    found_union(world, "U2")
    with pytest.raises(NotAuthorised):
        world.run(
            c.RecordCongress(union_id="U2", due=80, present=60, agenda="x", occurred_on=D(2020, 2, 20)), staff("U1")
        )
