"""Who may act (R-APPROVER and the roles), what every event records about who acted, and the
service's concurrency and idempotency."""

from __future__ import annotations

import pytest

from events import ConcurrencyError, IdempotencyKeyReused
from events.catalogue import org_stream
from tests.unit.workflow_support import found_union, given_union
from tests.unit.workflow_world import (
    CITY,
    COUNTY,
    OTHER_COUNTY,
    OTHER_PROVINCE,
    PROVINCE,
    ROOT,
    TREE_ON,
    D,
    World,
    admin,
    approver,
    auditor,
    staff,
    unit,
)
from workflow import commands as c
from workflow.authority import Actor
from workflow.errors import NotAuthorised, NotFound, RuleViolation, StepOutOfOrder

# --------------------------------------------------------------------------- staff and approvers


def test_staff_of_another_union_cannot_act_on_the_procedure_auth_org(world: World) -> None:
    d = found_union(world, "U1", until="preparing")
    given_union(world, "U2")
    before = world.version("U1")
    with pytest.raises(NotAuthorised) as err:
        d.recruit(actor=staff("U2"))
    assert err.value.rule_id == "AUTH-ORG"
    assert err.value.evidence == {"actor_org": "U2", "union": "U1"}
    assert world.version("U1") == before


def test_staff_of_another_union_cannot_open_a_procedure_auth_org(world: World) -> None:
    d = given_union(world, "U1")
    given_union(world, "U2")
    with pytest.raises(NotAuthorised, match="AUTH-ORG"):
        d.request(actor=staff("U2"))


@pytest.mark.parametrize("org", [CITY, PROVINCE, OTHER_COUNTY])
def test_approver_other_than_the_direct_parent_cannot_approve_r_approver(world: World, org: str) -> None:
    """R-APPROVER: the grandparent (city), the province and a sibling county decide nothing of U1."""
    d = found_union(world, until="requested")
    with pytest.raises(NotAuthorised) as err:
        d.approve(D(2019, 1, 10), actor=approver(org))
    assert err.value.rule_id == "R-APPROVER"
    assert err.value.evidence == {"actor_org": org, "union": "U1", "approver_org": COUNTY}
    assert d.state == "requested"


def test_approver_of_the_direct_parent_can_approve_r_approver(world: World) -> None:
    d = found_union(world, until="requested")
    d.approve(D(2019, 1, 10), actor=approver(COUNTY))
    assert d.state == "preparing"


def test_approver_of_the_direct_parent_can_reject_but_staff_cannot_r_approver(world: World) -> None:
    d = found_union(world, until="requested")
    with pytest.raises(NotAuthorised) as err:
        d.step(c.RejectFiling, D(2019, 1, 10), d.staff, reasons="x")
    assert err.value.rule_id == "R-APPROVER"
    d.reject(D(2019, 1, 10))
    assert d.state == "request_rejected"


def test_staff_cannot_approve_r_approver(world: World) -> None:
    d = found_union(world, until="results_filed")
    with pytest.raises(NotAuthorised) as err:
        d.approve(D(2019, 3, 20), actor=staff("U1"))
    assert err.value.rule_id == "R-APPROVER"
    assert err.value.evidence == {"role": "staff", "needed": "approver"}
    assert not d.union.founded


def test_approver_cannot_take_the_unions_own_steps_auth_role(world: World) -> None:
    d = found_union(world, until="preparing")
    with pytest.raises(NotAuthorised) as err:
        d.recruit(actor=approver(COUNTY))
    assert err.value.rule_id == "AUTH-ROLE"


def test_auditor_cannot_write_anything(world: World) -> None:
    d = found_union(world, until="requested")
    a = auditor(COUNTY)
    before = world.store.last_position()
    attempts: list[c.Command] = [
        c.ApproveFiling(union_id="U1", procedure_id=d.pid, document_no="x", occurred_on=D(2019, 1, 10)),
        c.WithdrawProcedure(union_id="U1", procedure_id=d.pid, reason="x", occurred_on=D(2019, 1, 10)),
        c.RequestExtension(union_id="U1", reason="x", new_deadline=D(2024, 9, 1), occurred_on=D(2019, 1, 10)),
        c.UpdateUnitFacts(union_id="U1", unit=unit(members=5), occurred_on=D(2019, 1, 10)),
        c.RegisterOrganisation(
            org_id="U9", name="x", level="grassroots", parent_id=COUNTY, unit=unit(), occurred_on=TREE_ON
        ),
    ]
    for cmd in attempts:
        with pytest.raises(NotAuthorised):
            world.run(cmd, a)
    with pytest.raises(NotAuthorised):
        world.run(
            c.ApproveFiling(union_id="U1", procedure_id=d.pid, document_no="x", occurred_on=D(2019, 1, 10)),
            auditor("U1"),
        )
    assert world.store.last_position() == before


# --------------------------------------------------------------------------- administrators


def test_admin_cannot_register_outside_its_subtree_auth_org(world: World) -> None:
    with pytest.raises(NotAuthorised) as err:
        world.run(
            c.RegisterOrganisation(
                org_id="SZ", name="深圳市总工会", level="city", parent_id=OTHER_PROVINCE, occurred_on=TREE_ON
            ),
            admin(PROVINCE),
        )
    assert err.value.rule_id == "AUTH-ORG"
    assert err.value.evidence == {"actor_org": PROVINCE, "org": "SZ"}
    assert not world.load("SZ").exists


def test_admin_of_an_organisation_cannot_place_it_under_a_parent_of_its_choosing_auth_org(world: World) -> None:
    """An administrator of U9 registering U9 below the county would choose who approves U9's
    filings: only an administrator of the county or above may place it in the tree."""
    cmd = c.RegisterOrganisation(
        org_id="U9", name="某厂工会", level="grassroots", parent_id=COUNTY, unit=unit(), occurred_on=TREE_ON
    )
    with pytest.raises(NotAuthorised) as err:
        world.run(cmd, admin("U9"))
    assert err.value.evidence == {"actor_org": "U9", "org": "U9"}
    world.run(cmd, admin(COUNTY))
    assert world.load("U9").parent_id == COUNTY


def test_admin_registers_within_its_subtree(world: World) -> None:
    world.run(
        c.RegisterOrganisation(
            org_id="U7", name="某厂工会", level="grassroots", parent_id=COUNTY, unit=unit(), occurred_on=TREE_ON
        ),
        admin(PROVINCE),
    )
    org = world.load("U7")
    assert (org.level, org.parent_id) == ("grassroots", COUNTY)


def test_staff_cannot_register_organisations_auth_role(world: World) -> None:
    with pytest.raises(NotAuthorised, match="AUTH-ROLE"):
        world.run(
            c.RegisterOrganisation(
                org_id="U7", name="x", level="grassroots", parent_id=COUNTY, unit=unit(), occurred_on=TREE_ON
            ),
            staff(COUNTY),
        )


def test_register_checks_the_tree(world: World) -> None:
    with pytest.raises(RuleViolation, match="R-APPROVER"):  # a city cannot sit below a county
        world.run(
            c.RegisterOrganisation(org_id="X", name="x", level="city", parent_id=COUNTY, occurred_on=TREE_ON), admin()
        )
    with pytest.raises(StepOutOfOrder, match="ORG-EXISTS"):
        world.run(
            c.RegisterOrganisation(org_id=COUNTY, name="x", level="county", parent_id=CITY, occurred_on=TREE_ON),
            admin(),
        )
    # an administrator is told the parent does not exist; anyone else only that they may not
    with pytest.raises(NotFound, match="ORG-PARENT"):
        world.run(
            c.RegisterOrganisation(org_id="X", name="x", level="county", parent_id="NOPE", occurred_on=TREE_ON), admin()
        )
    with pytest.raises(NotAuthorised, match="AUTH-ROLE"):
        world.run(
            c.RegisterOrganisation(org_id="X", name="x", level="county", parent_id="NOPE", occurred_on=TREE_ON),
            staff("U1"),
        )


def test_unit_facts_updated_by_own_staff_or_admin_above(world: World) -> None:
    given_union(world, "U1")
    world.run(c.UpdateUnitFacts(union_id="U1", unit=unit(members=90), occurred_on=D(2019, 1, 1)), staff("U1"))
    world.run(c.UpdateUnitFacts(union_id="U1", unit=unit(members=95), occurred_on=D(2019, 1, 2)), admin(CITY))
    assert world.load("U1").unit.members == 95  # type: ignore[union-attr]
    with pytest.raises(NotAuthorised, match="AUTH-ORG"):
        world.run(
            c.UpdateUnitFacts(union_id="U1", unit=unit(members=1), occurred_on=D(2019, 1, 3)), admin(OTHER_PROVINCE)
        )


def test_what_may_be_recorded_on_a_union_follows_its_state_and_the_actor(world: World) -> None:
    """The commands on the union itself that the workflow offers now: the unit's facts to its
    staff and to administrators above it (as the test above decides them); once founded the yearly
    congress (R-ANNUAL) and, with a vice-chair in office (worked example 1: 钱), a removal
    (R-REMOVAL), to its staff only. Nobody else, and nothing on a county federation's own record."""
    given_union(world, "U1")
    offered = world.svc.allowed_union_commands
    assert offered(world.load("U1"), staff("U1")) == ["UpdateUnitFacts"]
    found_union(world, "U2")
    union = world.load("U2")
    assert union.vice_chairs == ["钱"]
    assert offered(union, staff("U2")) == ["UpdateUnitFacts", "RecordCongress", "RemoveViceChair"]
    assert offered(union, admin(CITY)) == ["UpdateUnitFacts"]
    for outsider in (staff("U1"), approver(COUNTY), auditor(COUNTY), admin(OTHER_PROVINCE)):
        assert offered(union, outsider) == []
    assert offered(world.load(COUNTY), admin(ROOT)) == []  # a county: no unit facts (ORG-LEVEL)


def test_command_for_an_unknown_union_not_found(world: World) -> None:
    with pytest.raises(NotFound):
        world.run(
            c.RequestFounding(union_id="NOPE", unit=unit(), initiators=["x"], prep_group=[], occurred_on=D(2019, 1, 1)),
            staff("NOPE"),
        )


# --------------------------------------------------------------------------- metadata


def test_every_event_records_the_actor_in_its_metadata(world: World) -> None:
    """The person, role and organisation of whoever acted are in every event's metadata."""
    d = found_union(world)
    records = world.stream("U1")
    assert records[0].metadata.actor_id == f"admin-{ROOT}"
    assert (records[0].metadata.role, records[0].metadata.acting_org) == ("admin", ROOT)
    decisions = {"PreparatoryGroupApproved", "CandidatesApproved", "ResultsApproved"}
    for r in records[1:]:
        expected = d.approver if r.event_type in decisions else d.staff
        assert (r.metadata.actor_id, r.metadata.role, r.metadata.acting_org) == (
            expected.person_id,
            expected.role,
            expected.org_id,
        ), r.event_type
        assert r.metadata.command_id is not None
        assert r.metadata.correlation_id == r.metadata.command_id


def test_correlation_and_causation_ids_are_recorded(world: World) -> None:
    d = given_union(world)
    r = d.request(correlation_id="corr-1", causation_id="cause-1")
    meta = r.events[0].metadata
    assert (meta.correlation_id, meta.causation_id) == ("corr-1", "cause-1")


# --------------------------------------------------------------------------- concurrency and idempotency


def test_stale_expected_version_raises_concurrency_error(world: World) -> None:
    d = found_union(world, until="preparing")
    seen = world.version("U1")
    d.recruit(expected_version=seen)  # the version the caller read: accepted
    assert world.version("U1") == seen + 1
    with pytest.raises(ConcurrencyError) as err:
        d.recruit(expected_version=seen)  # read before the last change: stale
    assert (err.value.expected_version, err.value.actual_version) == (seen, seen + 1)
    assert err.value.stream_id == org_stream("U1")
    assert world.version("U1") == seen + 1


def test_idempotent_retry_returns_the_first_answer_and_writes_nothing(world: World) -> None:
    d = found_union(world, until="preparing")
    first = d.recruit(idempotency_key="k-1")
    position = world.store.last_position()
    again = d.recruit(idempotency_key="k-1")
    assert again.replayed is True
    assert first.replayed is False
    assert (again.version, again.union_id, again.procedure_id) == (first.version, "U1", d.pid)
    assert [e.position for e in again.events] == [e.position for e in first.events]
    assert world.store.last_position() == position


def test_idempotent_retry_is_answered_even_after_the_stream_moved_on(world: World) -> None:
    """A retry of an accepted command is not re-decided (which would now be refused as out of
    order): the first answer comes back."""
    d = found_union(world, until="members_recruited")
    first = d.congress_type(idempotency_key="k-2")
    d.propose()
    again = d.congress_type(idempotency_key="k-2")
    assert again.replayed and again.version == first.version


def test_same_key_with_a_different_command_raises_idempotency_key_reused(world: World) -> None:
    d = found_union(world, until="preparing")
    d.recruit(idempotency_key="k-3")
    before = world.version("U1")
    with pytest.raises(IdempotencyKeyReused):
        d.recruit(members=81, idempotency_key="k-3")
    with pytest.raises(IdempotencyKeyReused):  # same command, another person
        world.run(
            c.RecordMembersRecruited(
                union_id="U1",
                procedure_id=d.pid,
                members=80,
                female_members=12,
                employees=120,
                occurred_on=d.s.on("members_recruited"),
            ),
            Actor(person_id="someone-else", role="staff", org_id="U1"),
            idempotency_key="k-3",
        )
    assert world.version("U1") == before


def test_refused_command_with_a_key_can_be_retried_once_corrected(world: World) -> None:
    """A refusal writes nothing, so the key is still free for the corrected request."""
    d = found_union(world, until="members_recruited")
    with pytest.raises(RuleViolation):
        d.congress_type(committee_seats=9, idempotency_key="k-4")
    r = d.congress_type(committee_seats=7, idempotency_key="k-4")
    assert not r.replayed
    assert d.state == "congress_type_decided"


def test_two_services_on_one_store_see_each_others_steps(world: World) -> None:
    """Two service instances (two processes) share the store: a step taken through one is seen by
    the other, whatever it remembers of the stream. Here A, having filed the request itself, must
    not refuse the next step because B approved the request meanwhile."""
    d = given_union(world)
    svc_a, svc_b = world.svc, world.service()
    d.request()  # through A
    world.svc = svc_b
    d.approve(D(2019, 1, 10))  # through B
    world.svc = svc_a
    r = d.recruit()
    assert [e.event_type for e in r.events] == ["MembersRecruited"]
    assert r.version == 4
    assert world.version("U1") == 4
    # and a refusal by A is a real one, decided on the stream as it is
    with pytest.raises(StepOutOfOrder) as err:
        d.approve(D(2019, 1, 21))
    assert err.value.evidence["state"] == "members_recruited"


def test_stale_expected_version_raises_even_when_the_service_remembers_the_stream(world: World) -> None:
    d = found_union(world, until="preparing")
    other = world.service()
    seen = world.version("U1")
    world.svc, mine = other, world.svc
    d.recruit()  # another process moves the stream on
    world.svc = mine
    with pytest.raises(ConcurrencyError):
        d.recruit(D(2019, 1, 25), expected_version=seen)
    assert world.version("U1") == seen + 1
